// One export, end to end: plan -> sources -> batches -> encoders -> ordered ring -> sink. The
// first connection resolves the read plan; the plan's ranges are read over its readers into the
// pipeline, which writes them in order to the sink; the sink commits only a complete output.
import { ExitCode, GdError } from "./errors.ts";
import { manifestHead } from "./output/manifest.ts";
import { openSink, ReaderGone } from "./output/sink.ts";
import { openSplitSink, type SplitSink } from "./output/split-sink.ts";
import { Pipeline, type PipelineStats } from "./pipeline/pipeline.ts";
import { isResolved, type BinlogPosition, type ExportPlan, type Protocol, type ReadPlan } from "./plan.ts";
import { Connections } from "./source/connection/connections.ts";
import { queryFailure, ServerFailure } from "./source/errors.ts";
import { planRead } from "./source/ranges/read-plan.ts";
import { readRanges } from "./source/read-ranges.ts";

/** Failures that leave nothing running on the server: nothing was started, or it ended there. */
const NOTHING_RUNNING = new Set<number>([ExitCode.NoRows, ExitCode.Config, ExitCode.Connect]);

export interface ExportStats extends PipelineStats {
  startedAt: number;
  /** From the read plan, for telling how far the export is: the optimizer's estimate of the rows, if any. */
  estimatedRows?: number;
  /** How many ranges the query is read in. */
  ranges?: number;
}

export interface ExportHooks {
  /** Warnings: the caller decides whether to show them (--quiet). */
  warn: (line: string) => void;
  /** What -v shows: how the export connected and reads. */
  detail: (line: string) => void;
  /** Aborting stops the export and cleans up; the reason (a GdError) is what runExport throws. */
  signal?: AbortSignal;
  stats?: ExportStats;
  /** Estimate a plain query's rows even where the protocol does not depend on it: a round trip, worth it when someone watches the progress. */
  estimate?: boolean;
  /** Where the rows go, when not to plan.output alone: one part's file and its manifest (parts/). */
  openOutput?: (signal?: AbortSignal) => Promise<DescribedSink>;
}

/** An output with a manifest, which learns what to say in it once the rows are read. */
export type DescribedSink = Omit<SplitSink, "rotate">;

/**
 * Settings that lower security or are ignored: said once connected, so that a failure to connect
 * stays one line.
 */
function planWarnings(plan: ExportPlan): string[] {
  const { target, tls } = plan.connection;
  const warnings = tls.warning ? [tls.warning] : [];
  if (target.ignoredParams.length > 0) {
    warnings.push(`warning: ignored URL parameters: ${target.ignoredParams.join(", ")} (known: ssl-mode, socketPath)`);
  }
  return warnings;
}

function snapshotWarning(read: ReadPlan): string[] {
  const held = read.snapshot?.lockedThroughout ?? [];
  if (held.length === 0) return [];
  return [
    `warning: ${held.join(", ")} ${held.length === 1 ? "has" : "have"} no transactions, so no snapshot covers ` +
      `${held.length === 1 ? "it" : "them"}: the read lock is held until the last range is read, and writers wait ` +
      "(--consistency none reads without it)",
  ];
}

/**
 * The read plan, resolved on the server, without reading a row or creating any output (--dry-run):
 * a plain query's estimate included, since it costs one EXPLAIN and is what a dry run is asked for.
 */
export async function resolveReadPlan(plan: ExportPlan, hooks: ExportHooks): Promise<ReadPlan> {
  const connections = new Connections(plan.connection, hooks.signal);
  try {
    const { conn } = await connections.open();
    for (const line of planWarnings(plan)) hooks.warn(line);
    const read = await planRead(conn, plan.read, { estimate: true });
    await connections.end();
    return read;
  } catch (error) {
    connections.destroy();
    throw hooks.signal?.aborted ? hooks.signal.reason : error;
  }
}

export async function runExport(plan: ExportPlan, hooks: ExportHooks): Promise<ExportStats> {
  const stats = hooks.stats ?? { rows: 0, bytes: 0, startedAt: performance.now() };
  // An existing output, a missing directory, or a FIFO's wait for its reader comes before any
  // database work.
  hooks.signal?.throwIfAborted();
  const split = plan.output.split && (await openSplitSink(plan.output, hooks.signal));
  const described = split || (hooks.openOutput && (await hooks.openOutput(hooks.signal)));
  const sink = described || (await openSink(plan.output, hooks.signal));
  const connections = new Connections(plan.connection, hooks.signal);
  try {
    const { conn, tls } = await connections.open();
    for (const line of planWarnings(plan)) hooks.warn(line);
    hooks.detail(`connected: ${tls.description}`);
    const read = isResolved(plan.read) ? plan.read : await planRead(conn, plan.read, { estimate: hooks.estimate });
    for (const line of snapshotWarning(read)) hooks.warn(line);
    stats.estimatedRows = read.estimatedRows;
    stats.ranges = read.ranges.length;
    const pipeline = new Pipeline({
      encoding: plan.encoding,
      workers: plan.encoding.workers,
      workerModule: plan.encoding.workerModule,
      ringSize: plan.encoding.ringSize,
      allowEmpty: plan.output.allowEmpty,
      write: (chunk) => sink.write(chunk),
      warn: hooks.warn,
      stats,
      signal: hooks.signal,
      split: split && { ...plan.output.split, rotate: (rows) => split.rotate(rows) },
    });
    let binlog: BinlogPosition | undefined;
    const events = {
      onProtocol: onceEach(hooks.detail, (protocol: Protocol) => `protocol: ${protocol}`),
      onBinlogPosition: (position: BinlogPosition) => void (binlog = position),
    };
    // Opening the readers' snapshot may fail on the server too: its word, as for the query's.
    readRanges(read, conn, connections, pipeline, events).catch((error) => pipeline.fail(queryFailure(error)));
    await pipeline.done;
    described?.describe(manifestHead(plan.read.query, stats.rows, pipeline.columns, binlog));
    await sink.commit();
    await connections.end();
    return stats;
  } catch (thrown) {
    // A query interrupted by the signal fails as a closed connection: the signal is the cause.
    const error = hooks.signal?.aborted ? hooks.signal.reason : thrown;
    await sink.abort();
    connections.destroy();
    const serverDone = error instanceof ServerFailure || (error instanceof GdError && NOTHING_RUNNING.has(error.exitCode));
    if (!serverDone) await connections.cancelQueries();
    if (error instanceof ReaderGone) return stats;
    throw error;
  }
}

/** `say` told the first value only: every range picks its protocol, and all pick the same. */
function onceEach<T>(say: (line: string) => void, describe: (value: T) => string): (value: T) => void {
  let told = false;
  return (value) => {
    if (told) return;
    told = true;
    say(describe(value));
  };
}
