// --split-by COLUMN --parallel N: the query read in ranges by N connections, one pipeline lane
// per range in range order. Each connection takes the next range as soon as it is free; a
// range that is not next waits in its lane (a few batches, then its socket is paused), so
// memory stays bounded whatever the skew, and one snapshot makes all ranges one result.
import type { Connection } from "mariadb";
import type { ExportConfig } from "../../config.ts";
import type { Pipeline } from "../../pipeline/pipeline.ts";
import { openConnection } from "../connection/connect.ts";
import { serverErrno } from "../errors.ts";
import { binaryProtocolPays, querySource } from "../wire/query-source.ts";
import type { Protocol } from "../wire/row-stream.ts";
import { startSharedSnapshot } from "./snapshot.ts";
import { boundsSql, columnsSql, estimatedRows, estimateSql, rangeQueries, splitField, type Bounds, type SplitQuery } from "./split.ts";

/** Ranges read but not yet written, per reader: enough to keep each busy, few enough to bound memory. */
const LANES_PER_READER = 2;

/** The server refuses EXPLAIN of a view to a user without SHOW VIEW on it, who may still read it. */
const VIEW_NO_EXPLAIN = 1345;

/** The query's rows as the optimizer estimates them; 0 (the fewest ranges) if it may not tell. */
async function estimate(conn: Connection, split: SplitQuery): Promise<number> {
  try {
    return estimatedRows(await conn.query({ sql: estimateSql(split), rowsAsArray: true }));
  } catch (error) {
    if (serverErrno(error) === VIEW_NO_EXPLAIN) return 0;
    throw error;
  }
}

/**
 * Opens the other readers next to `first`, gives them one snapshot (unless --consistency none),
 * and feeds every range to the pipeline, then closes it. `connections` gets each connection as
 * it opens, so the caller can stop them all on failure.
 */
export async function readInRanges(
  cfg: ExportConfig,
  split: SplitQuery,
  first: Connection,
  pipeline: Pipeline,
  connections: Connection[],
  signal?: AbortSignal,
  onProtocol?: (protocol: Protocol) => void,
): Promise<void> {
  const probe = (await first.query({ sql: columnsSql(split), rowsAsArray: true })) as { meta: Parameters<typeof splitField>[0] };
  const field = splitField(probe.meta, split.column);
  const open = async () => {
    const { conn } = await openConnection(cfg, signal);
    connections.push(conn);
    return conn;
  };
  const readers = [first];
  while (readers.length < cfg.parallel) readers.push(await open());
  if (cfg.consistency === "snapshot") {
    const coordinator = await open();
    await startSharedSnapshot(coordinator, readers, split.body);
    await coordinator.end();
  }
  const [row] = (await first.query({ sql: boundsSql(split), rowsAsArray: true })) as (string | number | null)[][];
  const bounds: Bounds = {
    min: row![0] === null ? null : String(row![0]),
    max: row![1] === null ? null : String(row![1]),
    rows: await estimate(first, split),
  };
  const ranges = rangeQueries(split, field, bounds, readers.length);
  let next = 0;
  const options = {
    batchRows: cfg.batchRows,
    readTimeoutMs: cfg.readTimeoutMs,
    binaryProtocol: binaryProtocolPays(cfg, readers.length),
    onProtocol,
  };
  await Promise.all(
    readers.map(async (reader) => {
      for (;;) {
        if (!(await pipeline.laneSlot(LANES_PER_READER * readers.length))) return;
        // Taken and added in one step, so lanes are added in range order.
        const sql = ranges[next++];
        if (sql === undefined) return;
        await pipeline.addSource((feed) => querySource(reader, sql, feed, options));
      }
    }),
  );
  pipeline.close();
}
