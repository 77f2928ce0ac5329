// --split-by with --parallel in bounded memory when the ranges are large: readers waiting for
// their turn hold a few MiB between them, whatever a range holds.
import { beforeAll, expect, test } from "bun:test";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DATABASE, BENCH_TABLE, loadBenchTable } from "../../bench/dataset.ts";
import { peakRssOf, startGd } from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const STORED_ROWS = 100_000;
const COPIES = 30;
const server = usePrivateServer();
const dir = useTempDir();

beforeAll(async () => {
  await loadBenchTable(server(), STORED_ROWS);
}, 60_000);

/** Bytes of a CSV file's header line, its line ending included. */
function headerBytes(path: string): number {
  const start = Buffer.alloc(4096);
  const fd = openSync(path, "r");
  try {
    return start.subarray(0, readSync(fd, start)).indexOf(0x0a) + 1;
  } finally {
    closeSync(fd);
  }
}

test("3M wide rows in 8 ranges of 375,000 (the estimate counts the stored rows only): peak RSS stays bounded", async () => {
  const url = server().url(BENCH_DATABASE);
  const once = join(dir(), "once.csv");
  expect((await gdInProcess(["--db-url", url, "-q", `SELECT * FROM ${BENCH_TABLE}`, "-o", once])).code).toBe(0);
  // The optimizer estimates the cross join by its largest step, the stored rows, so the ranges
  // are cut for 100,000 rows and each holds ~67 MB of CSV.
  const output = join(dir(), "copies.csv");
  const query = `SELECT b.* FROM ${BENCH_TABLE} b CROSS JOIN seq_1_to_${COPIES} s`;
  const { child, result } = startGd(["--db-url", url, "-q", query, "--split-by", "id", "--parallel", "2", "-o", output], { timeoutMs: 50_000 });
  const peak = await peakRssOf(child);
  const { code, stderr } = await result;
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  // Every row, COPIES times: the same bytes but for their order, under one header.
  const header = headerBytes(once);
  expect(statSync(output).size).toBe(header + COPIES * (statSync(once).size - header));
  // 120-130 MB; with 16 MiB of batches allowed to wait, 175-205 MB, where 1M stored rows in
  // ranges of 50,000 peak at ~110.
  expect(peak).toBeLessThan(150 * 1024 * 1024);
}, 60_000);
