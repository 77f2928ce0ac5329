// One export, end to end: a connection as the source, the pipeline, and the output sink.
import type { ExportConfig } from "./config.ts";
import { ExitCode, GdError } from "./errors.ts";
import { checkTarget, openSink, ReaderGone, type Sink } from "./output/sink.ts";
import { Pipeline, type PipelineStats } from "./pipeline/pipeline.ts";
import type { Connection } from "mariadb";
import { cancelQuery, openConnection } from "./source/connection/connect.ts";
import { readInRanges } from "./source/ranges/parallel-read.ts";
import { binaryProtocolPays, querySource } from "./source/wire/query-source.ts";
import type { Protocol } from "./source/wire/row-stream.ts";
import { planningFailure, splitQuery } from "./source/ranges/split.ts";

/** Failures after which the server may still be running the query for nobody. */
const SERVER_STILL_BUSY = new Set<number>([ExitCode.HungUp, ExitCode.Interrupted, ExitCode.Terminated, ExitCode.Output]);

export interface ExportStats extends PipelineStats {
  startedAt: number;
}

export interface ExportHooks {
  log: (line: string) => void;
  /** Aborting stops the export and cleans up; the reason (a GdError) is what runExport throws. */
  signal?: AbortSignal;
  stats?: ExportStats;
  /** The encoding workers' module, when not the real one (tests). */
  workerEntry?: string;
}

export async function runExport(cfg: ExportConfig, hooks: ExportHooks): Promise<ExportStats> {
  const stats = hooks.stats ?? { rows: 0, bytes: 0, startedAt: performance.now() };
  // Fail on an existing output, a missing directory or a query that cannot be split before any
  // database work.
  checkTarget(cfg.output, cfg.force);
  const split = cfg.splitBy === undefined ? undefined : splitQuery(cfg.query, cfg.splitBy);
  hooks.signal?.throwIfAborted();
  const { conn, tls, target } = await openConnection(cfg, hooks.signal);
  if (target.ignoredParams.length > 0 && !cfg.quiet) {
    hooks.log(`warning: ignored URL parameters: ${target.ignoredParams.join(", ")} (known: ssl-mode, socketPath)`);
  }
  if (tls.warning) hooks.log(tls.warning);
  if (cfg.verbosity > 0) hooks.log(`connected: ${tls.description}`);
  // Said once: with --split-by every range picks its protocol, and all pick the same.
  let toldProtocol = false;
  const onProtocol = (protocol: Protocol) => {
    if (cfg.verbosity === 0 || toldProtocol) return;
    toldProtocol = true;
    hooks.log(`protocol: ${protocol}`);
  };
  let sink: Sink | undefined;
  /** Every connection opened, the parallel readers' too: all are stopped on failure. */
  const connections: Connection[] = [conn];
  const abort = () => {
    pipeline.fail(hooks.signal!.reason);
    for (const c of connections) c.destroy();
  };
  const pipeline = new Pipeline({
    encoding: {
      format: cfg.format,
      pretty: cfg.pretty,
      csvNewline: cfg.csvNewline,
      compression: cfg.compression,
      nullValue: cfg.nullValue,
      rowGroupRows: cfg.rowGroupRows,
    },
    workers: cfg.workers,
    workerEntry: hooks.workerEntry,
    ringSize: cfg.ringSize,
    allowEmpty: cfg.allowEmpty,
    write: (chunk) => sink!.write(chunk),
    warn: (line) => cfg.quiet || hooks.log(line),
    stats,
  });
  try {
    // A signal that came while connecting: the listener below only hears future ones.
    hooks.signal?.throwIfAborted();
    hooks.signal?.addEventListener("abort", abort, { once: true });
    sink = openSink(cfg.output, cfg.force);
    if (split) {
      readInRanges(cfg, split, conn, pipeline, connections, hooks.signal, onProtocol).catch((error) =>
        pipeline.fail(planningFailure(error, split.column)),
      );
    } else {
      void pipeline.addSource((feed) =>
        querySource(conn, cfg.query, feed, {
          batchRows: cfg.batchRows,
          readTimeoutMs: cfg.readTimeoutMs,
          binaryProtocol: binaryProtocolPays(cfg, 1),
          onProtocol,
        }),
      );
      pipeline.close();
    }
    await pipeline.done;
    await sink.commit();
    await Promise.all(connections.map((c) => c.end()));
    return stats;
  } catch (error) {
    pipeline.fail(error);
    await sink?.abort();
    // destroy(), not end(): end() would first read the rest of a half-streamed result.
    for (const c of connections) c.destroy();
    // Interrupted, or the output failed, while the server is fine: stop its work too.
    const busy = error instanceof ReaderGone || (error instanceof GdError && SERVER_STILL_BUSY.has(error.exitCode));
    if (busy) await Promise.all(connections.map((c) => (c.threadId === null ? undefined : cancelQuery(cfg, c.threadId))));
    if (error instanceof ReaderGone) return stats;
    throw error;
  } finally {
    hooks.signal?.removeEventListener("abort", abort);
  }
}
