// The worker pool with real worker threads encoding hand-built row payloads.
import { expect, test } from "bun:test";
import { Kind } from "../../src/format/columns.ts";
import { createEncoder, type EncoderSpec } from "../../src/format/encoder.ts";
import { workerPool } from "../../src/pipeline/pool.ts";
import { CRASHING_WORKER } from "../support/harness.ts";
import { batchOf } from "../support/packets.ts";

const spec: EncoderSpec = {
  format: "csv",
  columns: [
    { name: "n", key: "n", kind: Kind.Number },
    { name: "s", key: "s", kind: Kind.Text },
  ],
  pretty: false,
  csvNewline: "\n",
  compression: "none",
};

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test("workers serialize batches to the same bytes as the main thread", async () => {
  const pool = workerPool(spec, 2);
  const inline = createEncoder(spec);
  try {
    const batches = Array.from({ length: 20 }, (_, i) => [
      [String(i), `row ${i}, "quoted"`],
      [String(-i), null],
    ]);
    const pooled = await Promise.all(batches.map((b, i) => pool.batch(batchOf(b), 2, i === 0)));
    const local = batches.map((b, i) => inline.batch(batchOf(b), 2, i === 0));
    expect(pooled.map(decode)).toEqual(local.map(decode));
    expect(decode(pooled[3])).toBe('3,"row 3, ""quoted"""\n-3,\n');
  } finally {
    pool.close();
  }
});

test("a crashing worker fails its batches instead of hanging", async () => {
  const pool = workerPool(spec, 1, CRASHING_WORKER);
  try {
    const ok = pool.batch(batchOf([["1", "a"]]), 1, true);
    const crash = pool.batch(batchOf([["2", "b"]]), 1, false);
    expect(decode(await ok)).toBe("1,a\n");
    await expect(crash).rejects.toThrow("serializer worker failed: injected worker fault");
    await expect(pool.batch(batchOf([["3", "c"]]), 1, false)).rejects.toThrow("no worker left");
  } finally {
    pool.close();
  }
});

test("close() rejects every batch still pending, so nothing awaits a thread that is gone", async () => {
  const pool = workerPool(spec, 2);
  const pending = Array.from({ length: 8 }, (_, i) => pool.batch(batchOf([[String(i), "x".repeat(1000)]]), 1, i === 0));
  pool.close();
  const settled = await Promise.race([Promise.allSettled(pending), Bun.sleep(2000).then(() => "hung")]);
  expect(settled).not.toBe("hung");
  const outcomes = (settled as PromiseSettledResult<Uint8Array>[]).map((s) => (s.status === "rejected" ? String(s.reason.message) : "encoded"));
  expect(outcomes.filter((o) => o !== "encoded")).toContain("serializer worker failed: closed with batches still pending");
});
