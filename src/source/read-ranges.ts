// A read plan carried out: its ranges read over its readers, in one snapshot where it asks for
// one, each range a source of the pipeline in range order. Each reader takes the next range as
// soon as it is free; a range that is not next waits in its lane (a few batches, then its socket
// is paused), so memory stays bounded whatever the skew. A plain query is one range on one reader.
import type { Connection } from "mariadb";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { BinlogPosition, Protocol, ReadPlan } from "../plan.ts";
import type { Connections } from "./connection/connections.ts";
import { joinBarrier } from "./ranges/barrier.ts";
import { openSnapshot, startSharedSnapshot } from "./ranges/snapshot.ts";
import { querySource } from "./wire/query-source.ts";

/** Ranges read but not yet written, per reader: enough to keep each busy, few enough to bound memory. */
const LANES_PER_READER = 2;

/**
 * Where the binary log stood when `conn` opened its consistent snapshot (MariaDB keeps it beside
 * the snapshot); undefined where the server writes no binary log.
 */
async function snapshotBinlogPosition(conn: Connection): Promise<BinlogPosition | undefined> {
  const rows = (await conn.query({ sql: "SHOW SESSION STATUS LIKE 'binlog_snapshot_%'", rowsAsArray: true })) as [string, string][];
  const status = new Map(rows.map(([name, value]) => [name.toLowerCase(), value]));
  const file = status.get("binlog_snapshot_file");
  return file ? { file, position: Number(status.get("binlog_snapshot_position")) } : undefined;
}

export interface ReadEvents {
  /** Told which protocol the rows come in, once it is chosen (for -v). */
  onProtocol?: (protocol: Protocol) => void;
  /** Told where the binary log stood at the snapshot, where the plan asks and there is one. */
  onBinlogPosition?: (position: BinlogPosition) => void;
}

/**
 * Reads every range of `plan` into `pipeline`, on `first` and as many more connections as the plan
 * has readers, then closes the pipeline. A snapshot lock held to the end is released once the last
 * range is read.
 */
export async function readRanges(plan: ReadPlan, first: Connection, connections: Connections, pipeline: Pipeline, events: ReadEvents = {}): Promise<void> {
  const readers = [first];
  while (readers.length < plan.readers) readers.push((await connections.open()).conn);
  let release = async () => {};
  if (plan.snapshot) {
    const coordinator = (await connections.open()).conn;
    release = plan.barrier ? await joinBarrier(coordinator, readers, plan.barrier) : await startSharedSnapshot(coordinator, readers, plan.snapshot);
  }
  // One query on one connection is its own snapshot; opened first, it can say where the log stood.
  const oneSnapshot = plan.snapshot !== undefined || (readers.length === 1 && plan.ranges.length === 1);
  if (plan.binlogPosition && oneSnapshot) {
    if (!plan.snapshot) await openSnapshot(first, { readOnly: false });
    const position = await snapshotBinlogPosition(first);
    if (position) events.onBinlogPosition?.(position);
  }
  const options = {
    batchRows: plan.batchRows,
    readTimeoutMs: plan.readTimeoutMs,
    binaryProtocol: plan.protocol === "binary",
    onProtocol: events.onProtocol,
  };
  let next = 0;
  await Promise.all(
    readers.map(async (reader) => {
      for (;;) {
        if (!(await pipeline.laneSlot(LANES_PER_READER * readers.length))) return;
        // Taken and added in one step, so lanes are added in range order.
        const sql = plan.ranges[next++];
        if (sql === undefined) return;
        await pipeline.addSource((feed) => querySource(reader, sql, feed, options));
      }
    }),
  );
  await release();
  pipeline.close();
}
