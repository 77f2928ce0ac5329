// The flow of one export, in one place: sources -> batches -> encoders (this thread or workers)
// -> ordered ring -> output. A source hands over the result's columns, then whole batches of
// row payloads, then its end; the pipeline encodes, writes in order, and pauses every source
// while the ring is full, which is what keeps memory flat whatever the row count.
import { ExitCode, GdError } from "../errors.ts";
import type { ColumnSpec } from "../format/columns.ts";
import { spareBuffers } from "../format/buffer-pool.ts";
import { moveOut } from "../format/bytes.ts";
import { createEncoder, type Encoder, type EncoderSpec } from "../format/encoder.ts";
import { FileBudget, rowsEnd, type FileLimits } from "./file-split.ts";
import { workerPool, type WorkerPool } from "./pool.ts";
import { OrderedRing } from "./ring.ts";

/** What the pipeline asks of a source: to stop and go on. */
export interface Source {
  pause(): void;
  resume(): void;
  /** The export has failed: nothing more is wanted, and no timer of the source may outlive it. */
  stop(): void;
}

/** What a source tells the pipeline. */
export interface SourceFeed {
  /** The result's columns; a second call means a second result set, which is refused. */
  columns(columns: ColumnSpec[]): void;
  /** Whole rows, their text-protocol payloads concatenated; the buffer is the pipeline's now. */
  batch(payloads: Uint8Array<ArrayBuffer>, rowCount: number): void;
  end(): void;
  fail(error: unknown): void;
}

export interface PipelineStats {
  rows: number;
  /** Bytes written to the output (after compression). */
  bytes: number;
  /** Sources added so far, and of those, how many have handed all their rows on to be written. */
  sourcesAdded?: number;
  sourcesDone?: number;
}

export interface PipelineOptions {
  encoding: Omit<EncoderSpec, "columns">;
  /** Threads that encode batches; 0 encodes on this thread. */
  workers: number;
  /** The module those threads run, if not the encoder's own. */
  workerModule?: string;
  /** How many chunks may be in flight or waiting to be written. */
  ringSize: number;
  /** With zero rows, write an empty export rather than fail. */
  allowEmpty: boolean;
  write(chunk: Uint8Array): Promise<void>;
  warn(line: string): void;
  stats: PipelineStats;
  /** Aborting fails the pipeline with the signal's reason. */
  signal?: AbortSignal;
  /** Several files: between two, the ring is drained and `rotate` told the rows of the one that ends. */
  split?: FileLimits & { rotate(rows: number): Promise<void> };
}

/** What exists once the columns are known. */
interface Started {
  spec: EncoderSpec;
  encoder: Encoder;
  pool?: WorkerPool;
  ring: OrderedRing;
  /** Held back until the first batch or the end: with zero rows and no --allow-empty nothing at
   *  all may reach stdout (a temp file would just be dropped, stdout cannot be). */
  header?: Uint8Array;
  /** With a split output: how full the current file is. */
  budget?: FileBudget;
}

/**
 * Bytes of batches that may wait for their turn, all lanes together, before the sources with
 * batches waiting are paused (a source with none never is, so the head always moves on).
 * Batches of a lane that is not at the head yet wait for an earlier source to be written:
 * readers that run this far ahead keep the server's send threads busy. Shared rather than per
 * lane, it bounds memory whatever --parallel is or a range holds. Held, it costs a few times
 * its bytes: the collector lets garbage grow beside what is held (a full collection took the
 * array buffers from 91 to 24 MB), and batches past what the spare buffers keep are fresh
 * allocations at every lane. Ranges larger than the budget fill it: the bench's 10M wide rows
 * (20 ranges of 500,000, --parallel 2) peaked at 190-220 MB RSS with 16 MiB, 120-127 with 4, in
 * the same CPU time (wall 10.2-11.5 s against 11.0-12.4, interleaved); 1M rows in ranges of
 * 50,000, 108-112 MB against 96-100.
 */
const WAITING_BYTES = 4 << 20;
/**
 * The head lane's batches wait only while the ring is full, when reading further ahead gains
 * nothing: it is paused after this many bytes. (With the shared budget alone, a single export's
 * peak RSS at 10M rows rose from 84-99 MB to 124-126.)
 */
const HEAD_WAITING_BYTES = 1 << 20;

/** A batch on its way to the encoder. */
interface WaitingBatch {
  payloads: Uint8Array<ArrayBuffer>;
  rowCount: number;
  /** Its bytes were moved out of the source's buffer to wait (see batch()): the memory is ours. */
  moved: boolean;
}

/** One source's place in the output order, and its batches waiting for their turn. */
interface Lane {
  source: Source | undefined;
  waiting: WaitingBatch[];
  waitingBytes: number;
  sawColumns: boolean;
  ended: boolean;
  paused: boolean;
  onEnd: () => void;
}

export class Pipeline {
  /** Settles once the last byte is written, or with the first failure. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  /** Sources in output order: every batch of lane k is written before any of lane k + 1. */
  private readonly lanes: Lane[] = [];
  /** The lane whose batches go to the ring now; earlier ones are done. */
  private head = 0;
  /** No source will be added any more. */
  private closed = false;
  private finishing = false;
  private laneWaiters: (() => void)[] = [];
  private started: Started | undefined;
  private batches = 0;
  /** Bytes of the batches waiting in all lanes. */
  private waitingBytes = 0;
  private pumping = false;
  private pumpAgain = false;
  private settled = false;
  /** Between two files of a split output: the last one ending, the next not started. */
  private rotating = false;

  constructor(private readonly options: PipelineOptions) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A pipeline that fails before anyone awaits it (the output could not be opened) must not
    // count as an unhandled rejection; whoever awaits `done` still gets the error.
    this.done.catch(() => {});
    const { signal } = options;
    if (signal?.aborted) this.fail(signal.reason);
    const onAbort = () => this.fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.done.finally(() => signal?.removeEventListener("abort", onAbort)).catch(() => {});
  }

  /**
   * Connects the next source in output order: `open` gets the feed it reports to and returns the
   * source. Resolves once that source has ended (its rows are in, not necessarily written).
   */
  addSource(open: (feed: SourceFeed) => Source): Promise<void> {
    if (this.closed) throw new Error("no source can be added after close()");
    return new Promise((resolve) => {
      const lane: Lane = {
        source: undefined,
        waiting: [],
        waitingBytes: 0,
        sawColumns: false,
        ended: false,
        paused: false,
        onEnd: resolve,
      };
      this.lanes.push(lane);
      this.options.stats.sourcesAdded = this.lanes.length;
      lane.source = open({
        columns: (columns) => {
          if (this.settled) return;
          if (lane.sawColumns) return this.fail(new GdError(ExitCode.Query, "the query returned more than one result set"));
          lane.sawColumns = true;
          this.started ??= this.start(columns);
        },
        batch: (payloads, rowCount) => {
          // Rows already read keep coming for a moment after a failure or an interrupt.
          if (this.settled) return;
          const batch: WaitingBatch = { payloads, rowCount, moved: false };
          lane.waiting.push(batch);
          lane.waitingBytes += payloads.length;
          this.waitingBytes += payloads.length;
          this.options.stats.rows += rowCount;
          this.pump();
          // Still waiting: its bytes are moved out of the source's buffer, which the source
          // would otherwise reuse for the next batch (it sees the buffer detached, as after a
          // transfer to a worker, and takes another).
          if (lane.waiting.includes(batch)) {
            batch.payloads = moveOut(payloads);
            batch.moved = true;
          }
          if (this.overBudget(lane)) this.setPaused(lane, true);
        },
        end: () => {
          if (lane.ended || this.settled) return;
          lane.ended = true;
          lane.onEnd();
          this.pump();
        },
        fail: (error) => this.fail(error),
      });
    });
  }

  /**
   * Resolves when fewer than `limit` sources are added but not yet written through: true, or
   * false if the pipeline has failed meanwhile and no source should be added.
   */
  async laneSlot(limit: number): Promise<boolean> {
    while (!this.settled && this.lanes.length - this.head >= limit) {
      await new Promise<void>((resolve) => this.laneWaiters.push(resolve));
    }
    return !this.settled;
  }

  /** The result's columns, once known. */
  get columns(): ColumnSpec[] {
    return this.started?.spec.columns ?? [];
  }

  /** No more sources: the export ends when the last one added is written. */
  close(): void {
    this.closed = true;
    this.pump();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.started?.pool?.close();
    this.wakeLaneWaiters();
    // Nobody waits for a source that will never end.
    for (const lane of this.lanes) {
      lane.source?.stop();
      lane.onEnd();
    }
    this.rejectDone(error);
  }

  private start(columns: ColumnSpec[]): Started {
    const { encoding, workers } = this.options;
    const renamed = columns.filter((c) => c.key !== c.name).map((c) => `${c.name} -> ${c.key}`);
    // Formats with a name per value: CSV and TSV just repeat the name in their header.
    if (renamed.length > 0 && encoding.format !== "csv" && encoding.format !== "tsv") {
      this.options.warn(`warning: duplicate column names renamed: ${renamed.join(", ")}`);
    }
    const spec: EncoderSpec = { ...encoding, columns };
    const ring = new OrderedRing(
      this.options.ringSize,
      (chunk) => this.write(chunk),
      () => this.pump(),
      (error) => this.fail(error),
    );
    const encoder = createEncoder(spec, { warn: this.options.warn });
    const pool = workers > 0 ? workerPool(spec, workers, this.options.workerModule) : undefined;
    const { split } = this.options;
    const budget = split && new FileBudget(split, () => this.pump());
    return { spec, encoder, pool, ring, header: encoder.header(), budget };
  }

  /**
   * Moves the head lane's waiting batches into the ring while it has room, and the head on to
   * the next lane once one has ended and been emptied; then finishes after the last. Never
   * re-entered: a source it resumes may deliver batches at once, which call pump() again, and a
   * nested pass would move the head from under this one (skipping a lane). Such a call asks for
   * one more pass instead.
   */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpOnce();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(): void {
    if (this.settled) return;
    for (;;) {
      const lane = this.lanes[this.head];
      if (!lane) {
        if (this.closed && !this.finishing) {
          this.finishing = true;
          void this.finish();
        }
        return;
      }
      const ring = this.started?.ring;
      while (ring && lane.waiting.length > 0 && !ring.full) {
        if (this.atFileEnd()) return;
        const batch = lane.waiting.shift()!;
        lane.waitingBytes -= batch.payloads.length;
        this.waitingBytes -= batch.payloads.length;
        const room = this.started?.budget?.room ?? Infinity;
        if (batch.rowCount <= room) this.encode(batch);
        else this.encodeRows(lane, batch, room);
      }
      this.resumeWithinBudget();
      if (!lane.ended || lane.waiting.length > 0) return;
      this.head++;
      this.options.stats.sourcesDone = this.head;
      this.wakeLaneWaiters();
    }
  }

  /** Whether a lane's source must stop: it has batches waiting, and they or all lanes' are at their budget. */
  private overBudget(lane: Lane): boolean {
    if (lane.waiting.length === 0) return false;
    if (lane === this.lanes[this.head]) return lane.waitingBytes >= HEAD_WAITING_BYTES;
    return this.waitingBytes >= WAITING_BYTES;
  }

  /** Resumes every paused source that the waiting budgets now allow. */
  private resumeWithinBudget(): void {
    for (let k = this.head; k < this.lanes.length; k++) {
      const lane = this.lanes[k];
      if (lane.paused && !this.overBudget(lane)) this.setPaused(lane, false);
    }
  }

  /**
   * Encodes the first `rows` rows of a batch for the current file, and puts the rest back first in
   * line for the next. Both are copies: a worker takes a batch's whole buffer.
   */
  private encodeRows(lane: Lane, batch: WaitingBatch, rows: number): void {
    const { payloads, rowCount } = batch;
    const end = rowsEnd(payloads, rows, this.started!.spec.columns.length);
    const rest = payloads.slice(end);
    lane.waiting.unshift({ payloads: rest, rowCount: rowCount - rows, moved: true });
    lane.waitingBytes += rest.length;
    this.waitingBytes += rest.length;
    this.encode({ payloads: payloads.slice(0, end), rowCount: rows, moved: true });
    if (batch.moved) spareBuffers.give(payloads.buffer);
  }

  /**
   * Whether the next batch must wait for the current file to end (or for the sizes that tell
   * whether it ends). Ending it drains the ring, commits the file and starts the next with a
   * fresh encoder; pumping resumes after.
   */
  private atFileEnd(): boolean {
    const budget = this.started?.budget;
    if (!budget) return false;
    if (this.rotating || budget.unsure) return true;
    if (!budget.full) return false;
    this.rotating = true;
    void this.nextFile(this.started!, budget);
    return true;
  }

  private async nextFile(started: Started, budget: FileBudget): Promise<void> {
    try {
      started.ring.submit(started.encoder.footer(true));
      await started.ring.drain();
      await this.options.split!.rotate(budget.rows);
      started.encoder = createEncoder(started.spec, { warn: this.options.warn });
      started.header = started.encoder.header();
      this.batches = 0;
      budget.reset();
      this.rotating = false;
      this.pump();
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Hands a batch to a worker or encodes it here; its output goes back to whoever made it once it
   * is written. A batch moved out of its source's buffer is done with once encoded here: its
   * memory can carry rows again (one sent to a worker comes back through the pool).
   */
  private encode({ payloads, rowCount, moved }: WaitingBatch): void {
    const { encoder, pool, ring, budget } = this.started!;
    this.submitHeader();
    const isFirst = this.batches++ === 0;
    if (budget) budget.rows += rowCount;
    const work = pool ? pool.batch(payloads, rowCount, isFirst) : encoder.batch(payloads, rowCount, isFirst);
    ring.submit(budget ? budget.track(work) : work, pool ? pool.recycle : encoder.recycle);
    // A batch sent to a worker went with its memory; one encoded here is done with.
    if (!pool && moved) spareBuffers.give(payloads.buffer);
  }

  private setPaused(lane: Lane, paused: boolean): void {
    if (lane.paused === paused || lane.ended) return;
    lane.paused = paused;
    if (paused) lane.source?.pause();
    else lane.source?.resume();
  }

  private wakeLaneWaiters(): void {
    const waiters = this.laneWaiters;
    this.laneWaiters = [];
    for (const wake of waiters) wake();
  }

  private submitHeader(): void {
    const started = this.started!;
    if (started.header === undefined) return;
    started.ring.submit(started.budget ? started.budget.track(started.header) : started.header);
    started.header = undefined;
  }

  private async write(chunk: Uint8Array): Promise<void> {
    await this.options.write(chunk);
    this.options.stats.bytes += chunk.length;
  }

  private async finish(): Promise<void> {
    try {
      const { stats, allowEmpty } = this.options;
      if (stats.rows === 0 && !allowEmpty) {
        throw new GdError(ExitCode.NoRows, "the query returned no rows (use --allow-empty to write an empty export)");
      }
      // No result set at all (an UPDATE with --allow-empty): an export of no columns.
      const { encoder, ring } = (this.started ??= this.start([]));
      await ring.space();
      this.submitHeader(); // zero rows: the ring is empty, so header and footer both fit
      ring.submit(encoder.footer(stats.rows > 0));
      await ring.drain();
      if (this.settled) return;
      this.settled = true;
      this.started.pool?.close();
      this.resolveDone();
    } catch (error) {
      this.fail(error);
    }
  }
}
