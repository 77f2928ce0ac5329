// One export, end to end: source -> batches -> serializers -> ordered ring -> sink.
import type { Connection } from "mariadb";
import type { ExportConfig } from "./config.ts";
import { ExitCode, GdError } from "./errors.ts";
import { uniqueKeys, type ColumnSpec } from "./format/columns.ts";
import { checkTarget, openSink, ReaderGone, type Sink } from "./output/sink.ts";
import { createBatchProcessor, type ProcessorSpec } from "./pipeline/batch-processor.ts";
import { Batcher } from "./pipeline/batcher.ts";
import { inlineSerializer, workerPool, type Serializer } from "./pipeline/pool.ts";
import { OrderedRing } from "./pipeline/ring.ts";
import { describeColumns, type ColumnMeta } from "./source/columns.ts";
import { cancelQuery, openConnection, queryFailure } from "./source/connect.ts";
import { IdleWatchdog } from "./source/idle-watchdog.ts";
import { RAW_ROWS } from "./source/raw-rows.ts";

/**
 * Upper bound on the raw bytes of one batch, so wide rows cannot make batches huge. Smaller
 * batches measured lower peak RSS (1 MiB: 121-149 MB, 128 KiB: 102-118 MB at 1M rows) at
 * no cost in speed.
 */
const BATCH_BYTES = 128 << 10;

/**
 * A full garbage collection after every this many bytes of rows. Most of our garbage lives in
 * typed-array backing stores outside the JavaScript heap, so the collector runs late and the
 * RSS saw-tooth grows with the length of the run (10M rows peaked 1.16x higher than 1M).
 * Collecting every 16 MiB keeps the peak flat (1.03x, and 25 MB lower) for <1% of CPU.
 */
const GC_EVERY_BYTES = 16 << 20;

/** Failures after which the server may still be running the query for nobody. */
const SERVER_STILL_BUSY = new Set<number>([ExitCode.HungUp, ExitCode.Interrupted, ExitCode.Terminated, ExitCode.Output]);

export interface ExportStats {
  rows: number;
  /** Bytes written to the output (after compression). */
  bytes: number;
  startedAt: number;
}

export interface ExportHooks {
  log: (line: string) => void;
  /** Aborting stops the export and cleans up; the reason (a GdError) is what runExport throws. */
  signal?: AbortSignal;
  stats?: ExportStats;
  /** Test hook: the worker given this batch number crashes (GOLD_DIGGER_FAULT=worker-crash). */
  crashAtBatch?: number;
}

export async function runExport(cfg: ExportConfig, hooks: ExportHooks): Promise<ExportStats> {
  const stats = hooks.stats ?? { rows: 0, bytes: 0, startedAt: performance.now() };
  // Fail on an existing output or a missing directory before any database work.
  checkTarget(cfg.output, cfg.force);
  hooks.signal?.throwIfAborted();
  const { conn, tls, target } = await openConnection(cfg, hooks.signal);
  if (target.ignoredParams.length > 0 && !cfg.quiet) {
    hooks.log(`warning: ignored URL parameters: ${target.ignoredParams.join(", ")} (known: ssl-mode, socketPath)`);
  }
  if (tls.warning) hooks.log(tls.warning);
  if (cfg.verbosity > 0) hooks.log(`connected: ${tls.description}`);
  let sink: Sink | undefined;
  try {
    // A signal that came while connecting: streamQuery only listens for future ones.
    hooks.signal?.throwIfAborted();
    sink = openSink(cfg.output, cfg.force);
    await streamQuery(conn, cfg, sink, hooks, stats);
    await sink.commit();
    await conn.end();
    return stats;
  } catch (error) {
    sink?.abort();
    // destroy(), not end(): end() would first read the rest of a half-streamed result.
    conn.destroy();
    // Interrupted, or the output failed, while the server is fine: stop its work too.
    const busy = error instanceof ReaderGone || (error instanceof GdError && SERVER_STILL_BUSY.has(error.exitCode));
    if (busy && conn.threadId !== null) await cancelQuery(cfg, conn.threadId);
    if (error instanceof ReaderGone) return stats;
    throw error;
  }
}

function streamQuery(
  conn: Connection,
  cfg: ExportConfig,
  sink: Sink,
  hooks: ExportHooks,
  stats: ExportStats,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = conn.queryStream({ sql: cfg.query, ...RAW_ROWS } as never);
    let serializer: Serializer | undefined;
    let ring: OrderedRing | undefined;
    let batcher: Batcher | undefined;
    let footer: (wroteRows: boolean) => Uint8Array = () => new Uint8Array(0);
    // Held back until the first batch or the end: with zero rows and no --allow-empty nothing
    // at all may reach stdout (a temp file would just be dropped, stdout cannot be).
    let pendingHeader: Uint8Array | undefined;
    const submitHeader = () => {
      if (pendingHeader === undefined) return;
      ring!.submit(Promise.resolve(pendingHeader));
      pendingHeader = undefined;
    };
    let batches = 0;
    let bytesSinceGc = 0;
    let paused = false;
    let settled = false;

    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      watchdog.stop();
      hooks.signal?.removeEventListener("abort", onAbort);
      void serializer?.close();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => {
      finish(hooks.signal!.reason);
      conn.destroy();
    };
    hooks.signal?.addEventListener("abort", onAbort, { once: true });

    const watchdog = new IdleWatchdog(cfg.readTimeoutMs, () => {
      finish(new GdError(ExitCode.Query, `no data from the server for ${cfg.readTimeoutMs / 1000} s (--read-timeout)`));
      conn.destroy();
    });

    const write = async (chunk: Uint8Array) => {
      await sink.write(chunk);
      stats.bytes += chunk.length;
    };

    /** Sets up serializers, ring and batcher for the result's columns, and queues the header. */
    const start = (columns: ColumnSpec[]) => {
      if (cfg.format === "json" || cfg.format === "ndjson") {
        const { renamed } = uniqueKeys(columns.map((c) => c.name));
        if (renamed.length > 0 && !cfg.quiet) hooks.log(`warning: duplicate column names renamed: ${renamed.join(", ")}`);
      }
      const spec: ProcessorSpec = {
        format: cfg.format,
        columns,
        pretty: cfg.pretty,
        csvNewline: cfg.csvNewline,
        compression: cfg.compression,
      };
      const processor = createBatchProcessor(spec);
      footer = processor.footer;
      serializer = cfg.workers > 0 ? workerPool(spec, cfg.workers, { crashAtBatch: hooks.crashAtBatch }) : inlineSerializer(spec);
      const newRing = new OrderedRing(
        cfg.ringSize,
        write,
        () => {
          if (paused && !newRing.full) {
            paused = false;
            watchdog.setPaused(false);
            stream.resume();
          }
        },
        (error) => finish(error),
      );
      pendingHeader = processor.header();
      batcher = new Batcher(cfg.batchRows, BATCH_BYTES, (batch) => {
        submitHeader();
        bytesSinceGc += batch.rows.length;
        newRing.submit(serializer!.serialize(batch.rows, batch.rowCount, batches++ === 0));
        if (bytesSinceGc >= GC_EVERY_BYTES) {
          bytesSinceGc = 0;
          Bun.gc(true);
        }
        if (newRing.full && !paused) {
          paused = true;
          watchdog.setPaused(true);
          stream.pause();
        }
      });
      return newRing;
    };

    stream.on("fields", (meta: ColumnMeta[]) => {
      // Not watchdog activity: the server may send the columns, then sort for an hour.
      if (settled) return;
      if (ring) return finish(new GdError(ExitCode.Query, "the query returned more than one result set"));
      ring = start(describeColumns(meta));
    });

    stream.on("data", (row: Uint8Array | object) => {
      // Rows already parsed keep coming for a moment after a failure or an interrupt.
      if (settled) return;
      watchdog.activity();
      // A statement without a result set (UPDATE, CALL's final status) streams an OK packet.
      if (!(row instanceof Uint8Array)) return;
      stats.rows++;
      batcher!.add(row);
    });

    stream.on("error", (error: unknown) => finish(queryFailure(error)));

    stream.on("end", async () => {
      if (settled) return;
      try {
        if (stats.rows === 0 && !cfg.allowEmpty) {
          throw new GdError(ExitCode.NoRows, "the query returned no rows (use --allow-empty to write an empty export)");
        }
        // No result set at all (an UPDATE with --allow-empty): an export of no columns.
        ring ??= start([]);
        await ring.space();
        batcher!.flush();
        await ring.space();
        submitHeader(); // zero rows: the ring is empty, so header and footer both fit
        ring.submit(Promise.resolve(footer(stats.rows > 0)));
        await ring.drain();
        finish();
      } catch (error) {
        finish(error);
      }
    });
  });
}
