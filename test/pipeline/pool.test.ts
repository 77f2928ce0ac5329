// The worker pool with real worker threads serializing real (hand-built) row packets.
import { expect, test } from "bun:test";
import { Kind } from "../../src/format/columns.ts";
import type { ProcessorSpec } from "../../src/pipeline/batch-processor.ts";
import { inlineSerializer, workerPool } from "../../src/pipeline/pool.ts";

/** One text-protocol row: each value length-prefixed (short values), null as 0xfb. */
function rowPacket(values: (string | null)[]): Uint8Array {
  const parts: number[] = [];
  for (const v of values) {
    if (v === null) parts.push(0xfb);
    else {
      const b = new TextEncoder().encode(v);
      parts.push(b.length, ...b);
    }
  }
  return new Uint8Array(parts);
}

function batchOf(rows: (string | null)[][]): Uint8Array {
  const packets = rows.map(rowPacket);
  const out = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of packets) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const spec: ProcessorSpec = {
  format: "csv",
  columns: [
    { name: "n", kind: Kind.Number },
    { name: "s", kind: Kind.Text },
  ],
  pretty: false,
  csvNewline: "\n",
  compression: "none",
};

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test("workers serialize batches to the same bytes as the main thread", async () => {
  const pool = workerPool(spec, 2);
  const inline = inlineSerializer(spec);
  try {
    const batches = Array.from({ length: 20 }, (_, i) => [
      [String(i), `row ${i}, "quoted"`],
      [String(-i), null],
    ]);
    const pooled = await Promise.all(batches.map((b, i) => pool.serialize(batchOf(b), 2, i === 0)));
    const local = await Promise.all(batches.map((b, i) => inline.serialize(batchOf(b), 2, i === 0)));
    expect(pooled.map(decode)).toEqual(local.map(decode));
    expect(decode(pooled[3]!)).toBe('3,"row 3, ""quoted"""\n-3,\n');
  } finally {
    await pool.close();
  }
});

test("a crashing worker fails its batches instead of hanging", async () => {
  const pool = workerPool(spec, 1, { crashAtBatch: 1 });
  try {
    const ok = pool.serialize(batchOf([["1", "a"]]), 1, true);
    const crash = pool.serialize(batchOf([["2", "b"]]), 1, false);
    expect(decode(await ok)).toBe("1,a\n");
    await expect(crash).rejects.toThrow("serializer worker failed");
    await expect(pool.serialize(batchOf([["3", "c"]]), 1, false)).rejects.toThrow("no worker left");
  } finally {
    await pool.close();
  }
});
