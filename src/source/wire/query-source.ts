// One connection running the export's query, as a source of batches for the pipeline.
import type { Connection } from "mariadb";
import type { ExportConfig } from "../../config.ts";
import { ExitCode, GdError } from "../../errors.ts";
import type { Source, SourceFeed } from "../../pipeline/pipeline.ts";
import { describeColumns } from "./column-kinds.ts";
import { queryFailure } from "../errors.ts";
import { streamRows, type Protocol } from "./row-stream.ts";
import { IdleWatchdog } from "./idle-watchdog.ts";

/**
 * Upper bound on the bytes of one batch, so wide rows cannot make batches huge. Smaller
 * batches measured lower peak RSS (1 MiB: 121-149 MB, 128 KiB: 102-118 MB at 1M rows) at
 * no cost in speed.
 */
export const BATCH_BYTES = 128 << 10;

/**
 * Whether reading with the binary protocol (row-stream.ts) makes the export faster. It takes the
 * formatting of values off the server's thread (0.45 CPU-s per million wide rows) and gives this
 * thread the rewrite (0.3 CPU-s), so it pays while this thread is the less busy of the two: one
 * reader, and an output encoded here cheaply or in workers. Not with several readers, whose
 * formatting the server spreads over as many threads (2 readers: 1.05 s binary, 0.97 s text),
 * nor when this thread also compresses or builds Parquet (.csv.zst 1.33 s binary, 1.14 s text;
 * Parquet 1.48 s, 1.18 s). Measured on the bench's wide rows, 2 cores, client 1.26 s.
 */
export function binaryProtocolPays(cfg: ExportConfig, readers: number): boolean {
  const heavyHere = cfg.format === "parquet" || (cfg.compression !== "none" && cfg.workers === 0);
  return readers === 1 && !heavyHere;
}

export interface QueryOptions {
  batchRows: number;
  /** Read with the binary protocol where it can be (see row-stream.ts); the text protocol otherwise. */
  binaryProtocol: boolean;
  onProtocol?: (protocol: Protocol) => void;
  /** Longest silence of the server once rows flow; 0 = no limit. */
  readTimeoutMs: number;
}

export function querySource(conn: Connection, sql: string, feed: SourceFeed, options: QueryOptions): Source {
  const timeout = options.readTimeoutMs;
  const watchdog = new IdleWatchdog(
    timeout,
    () => rows.chunks,
    () => {
      fail(new GdError(ExitCode.Query, `no data from the server for ${timeout / 1000} s (--read-timeout)`));
      conn.destroy();
    },
  );
  const fail = (error: unknown) => {
    watchdog.stop();
    feed.fail(error);
  };
  const rows = streamRows(
    conn,
    sql,
    {
      columns: (fields) => feed.columns(describeColumns(fields)),
      batch: (bytes, rowCount) => {
        watchdog.arm();
        feed.batch(bytes, rowCount);
      },
      end: () => {
        watchdog.stop();
        feed.end();
      },
      error: (error) => fail(queryFailure(error)),
    },
    { batchRows: options.batchRows, batchBytes: BATCH_BYTES, binaryProtocol: options.binaryProtocol, onProtocol: options.onProtocol },
  );
  return {
    pause() {
      watchdog.setPaused(true);
      rows.pause();
    },
    resume() {
      watchdog.setPaused(false);
      rows.resume();
    },
  };
}
