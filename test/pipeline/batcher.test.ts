import { expect, test } from "bun:test";
import { Batcher, type Batch } from "../../src/pipeline/batcher.ts";

test("cuts by row count and by bytes, never splitting a row, and keeps every byte", () => {
  const batches: Batch[] = [];
  const batcher = new Batcher(3, 10, (b) => batches.push({ rows: b.rows.slice(), rowCount: b.rowCount }));
  const rows = [[1, 2], [3], [4, 5, 6], [7, 8, 9, 10, 11, 12, 13], [14], [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]];
  for (const r of rows) batcher.add(new Uint8Array(r));
  batcher.flush();
  batcher.flush(); // nothing pending: no empty batch
  expect(batches.map((b) => b.rowCount)).toEqual([3, 2, 1]);
  expect(batches.map((b) => Array.from(b.rows))).toEqual([
    [1, 2, 3, 4, 5, 6],
    [7, 8, 9, 10, 11, 12, 13, 14],
    // A row wider than a batch travels alone, intact.
    [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26],
  ]);
});
