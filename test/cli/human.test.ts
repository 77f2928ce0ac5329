// How the live line and the summary put numbers, and how far an export is by its read plan.
import { describe, expect, test } from "bun:test";
import { formatBytes, formatCount, formatDuration, formatRate, formatWait } from "../../src/cli/human.ts";
import { fractionDone, summary } from "../../src/cli/progress.ts";
import type { ExportStats } from "../../src/export.ts";

test("counts, rates, sizes and durations", () => {
  expect([0, 999, 3_000_000].map(formatCount)).toEqual(["0", "999", "3,000,000"]);
  expect([16.4, 999.4, 999.6, 12_345, 99_960, 999_960, 1_300_000, 2.5e9].map(formatRate)).toEqual(["16", "999", "1.0k", "12.3k", "100k", "1.0M", "1.3M", "2.5G"]);
  expect([41, 1536, 636_888_449].map(formatBytes)).toEqual(["41 B", "1.5 KiB", "607.4 MiB"]);
  expect([0.123, 2.314, 12.34, 59.96, 245, 3725].map(formatDuration)).toEqual(["0.12 s", "2.31 s", "12.3 s", "1 min 00 s", "4 min 05 s", "1 h 02 min"]);
  expect([0.2, 12.1, 59.5, 125].map(formatWait)).toEqual(["1 s", "13 s", "1 min 00 s", "2 min 05 s"]);
});

test("the summary: the same formatting as the live line, and its numbers as they are for a JSON log", () => {
  const stats: ExportStats = { rows: 3_000_000, bytes: 636_888_449, startedAt: 1000 };
  expect(summary(stats, 1000 + 2314)).toEqual({
    text: "3,000,000 rows, 607.4 MiB in 2.31 s (1.3M rows/s)",
    fields: { rows: 3_000_000, bytes: 636_888_449, seconds: 2.314, rows_per_s: 1_296_456 },
  });
  expect(summary({ rows: 1, bytes: 2, startedAt: 0 }, 500).text).toBe("1 row, 2 B in 0.50 s (2 rows/s)");
});

describe("how far, from the read plan", () => {
  const at = (more: Partial<ExportStats>): number | undefined => fractionDone({ rows: 0, bytes: 0, startedAt: 0, ...more });

  test("a plain query: by the estimate of its rows, and not at all once the rows outgrow it", () => {
    expect(at({ rows: 250, estimatedRows: 1000, ranges: 1, sourcesAdded: 1 })).toBe(0.25);
    expect(at({ rows: 1000, estimatedRows: 1000, ranges: 1 })).toBe(1);
    expect(at({ rows: 1001, estimatedRows: 1000, ranges: 1 })).toBeUndefined();
    expect(at({ rows: 5, ranges: 1 })).toBeUndefined();
    expect(at({ rows: 5, estimatedRows: 0, ranges: 1 })).toBeUndefined();
  });

  test("ranges: between those written and those started, whatever the estimate says", () => {
    const ranges = { ranges: 10, sourcesAdded: 4, sourcesDone: 2 };
    expect(at({ ...ranges, rows: 300, estimatedRows: 1000 })).toBe(0.3);
    expect(at({ ...ranges, rows: 100, estimatedRows: 1000 })).toBe(0.2);
    expect(at({ ...ranges, rows: 900, estimatedRows: 1000 })).toBe(0.4);
    expect(at({ ...ranges, rows: 5000, estimatedRows: 1000 })).toBe(0.2);
    expect(at({ ...ranges, rows: 5000 })).toBe(0.2);
  });
});
