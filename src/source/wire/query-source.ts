// One connection running the export's query, as a source of batches for the pipeline.
import type { Connection } from "mariadb";
import { ExitCode, GdError } from "../../errors.ts";
import type { Source, SourceFeed } from "../../pipeline/pipeline.ts";
import { describeColumns } from "./column-kinds.ts";
import { queryFailure } from "../errors.ts";
import type { Protocol } from "../../plan.ts";
import { streamRows } from "./row-stream.ts";
import { IdleWatchdog } from "./idle-watchdog.ts";

/**
 * Upper bound on the bytes of one batch, so wide rows cannot make batches huge. Smaller
 * batches measured lower peak RSS (1 MiB: 121-149 MB, 128 KiB: 102-118 MB at 1M rows) at
 * no cost in speed.
 */
export const BATCH_BYTES = 128 << 10;

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
    stop: () => watchdog.stop(),
  };
}
