// A read plan carried out: its ranges read over its readers, in one snapshot where it asks for
// one, each range a source of the pipeline in range order. Each reader takes the next range as
// soon as it is free; a range that is not next waits in its lane (a few batches, then its socket
// is paused), so memory stays bounded whatever the skew. A plain query is one range on one reader.
import type { Connection } from "mariadb";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { Protocol, ReadPlan } from "../plan.ts";
import type { Connections } from "./connection/connections.ts";
import { startSharedSnapshot } from "./ranges/snapshot.ts";
import { querySource } from "./wire/query-source.ts";

/** Ranges read but not yet written, per reader: enough to keep each busy, few enough to bound memory. */
const LANES_PER_READER = 2;

/**
 * Reads every range of `plan` into `pipeline`, on `first` and as many more connections as the plan
 * has readers, then closes the pipeline. A snapshot lock held to the end is released once the last
 * range is read.
 */
export async function readRanges(
  plan: ReadPlan,
  first: Connection,
  connections: Connections,
  pipeline: Pipeline,
  onProtocol?: (protocol: Protocol) => void,
): Promise<void> {
  const readers = [first];
  while (readers.length < plan.readers) readers.push((await connections.open()).conn);
  let release = async () => {};
  if (plan.snapshot) {
    const coordinator = (await connections.open()).conn;
    release = await startSharedSnapshot(coordinator, readers, plan.snapshot);
  }
  const options = {
    batchRows: plan.batchRows,
    readTimeoutMs: plan.readTimeoutMs,
    binaryProtocol: plan.protocol === "binary",
    onProtocol,
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
