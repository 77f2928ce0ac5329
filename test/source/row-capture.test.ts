// RowCapture on bytes alone: what it forwards, what it keeps as rows, and how it stops and
// goes on when the pipeline pauses it mid-chunk.
import { expect, test } from "bun:test";
import { ProtocolError, RowCapture } from "../../src/source/wire/row-capture.ts";
import { batchOf, columnCountPacket, columnDefinitionPacket, cutAt, endOfResultPacket, rowPayload, wire, type Value } from "../support/packets.ts";

const ROWS: Value[][] = Array.from({ length: 40 }, (_, i) => [String(i), i % 5 === 0 ? null : "v".repeat(i * 7)]);
const HEAD = [columnCountPacket(2), columnDefinitionPacket("a"), columnDefinitionPacket("b")];
const EOF_PACKET = new Uint8Array([0xfe, 0, 0, 2, 0]);

interface Seen {
  forwarded: Uint8Array[];
  batches: { rows: Uint8Array; count: number }[];
}

/** Feeds `chunks`; the owner's side starts rows after the last column definition, as the connector would. */
function run(chunks: Uint8Array[], options: { oldServer?: boolean; pauseEveryBatch?: boolean } = {}): Seen {
  const seen: Seen = { forwarded: [], batches: [] };
  const capture: RowCapture = new RowCapture(
    {
      forward: (packet) => {
        seen.forwarded.push(packet.slice());
        if (seen.forwarded.length === HEAD.length) capture.startRows(options.oldServer === true);
      },
      batch: (rows, count) => {
        seen.batches.push({ rows: rows.slice(), count });
        if (options.pauseEveryBatch) capture.pause();
      },
    },
    3,
    64,
  );
  for (const chunk of chunks) {
    capture.push(chunk);
    while (options.pauseEveryBatch && !capture.resume());
  }
  return seen;
}

const joined = (seen: Seen) => Buffer.concat(seen.batches.map((b) => b.rows));

test.each([
  ["one chunk", (b: Uint8Array) => [b]],
  ["every 7 bytes", (b: Uint8Array) => cutAt(b, Array.from({ length: Math.floor(b.length / 7) }, (_, i) => 7 * (i + 1)))],
  ["byte by byte", (b: Uint8Array) => cutAt(b, Array.from({ length: b.length - 1 }, (_, i) => i + 1))],
])("%s: rows in batches, everything else forwarded whole", (_, cut) => {
  for (const pauseEveryBatch of [false, true]) {
    const bytes = wire([...HEAD, ...ROWS.map(rowPayload), endOfResultPacket()]);
    const seen = run(cut(bytes), { pauseEveryBatch });
    expect(joined(seen)).toEqual(Buffer.from(batchOf(ROWS)));
    expect(seen.batches.reduce((n, b) => n + b.count, 0)).toBe(ROWS.length);
    expect(seen.batches.every((b) => b.count <= 3 && (b.rows.length <= 64 || b.count === 1))).toBe(true);
    // Column count, two definitions and the end, each with its header.
    expect(seen.forwarded.map((p) => p.length - 4)).toEqual([...HEAD, endOfResultPacket()].map((p) => p.length));
  }
});

test("an old server's EOF between definitions and rows is forwarded, and rows follow", () => {
  const bytes = wire([...HEAD, EOF_PACKET, ...ROWS.map(rowPayload), EOF_PACKET]);
  const seen = run([bytes], { oldServer: true });
  expect(joined(seen)).toEqual(Buffer.from(batchOf(ROWS)));
  expect(seen.forwarded).toHaveLength(HEAD.length + 2);
});

test("a packet out of sequence is a protocol error, not a silently wrong row", () => {
  const bytes = wire([...HEAD, ...ROWS.map(rowPayload)]);
  const third = wire([...HEAD, rowPayload(ROWS[0]), rowPayload(ROWS[1])]).length;
  bytes[third + 3] = (bytes[third + 3] + 5) & 0xff; // the third row's sequence number
  expect(() => run([bytes])).toThrow(ProtocolError);
});

test("a forwarded packet of several pieces whose headers arrive split keeps every byte", () => {
  // Both headers of a 16 MB non-row packet cut in two: each goes through the kept packet start,
  // which must not be overwritten under a packet still being collected.
  const payload = new Uint8Array(0xffffff + 10).map((_, i) => (i * 7) & 0xff);
  const bytes = wire([payload]);
  const seen = run(cutAt(bytes, [2, 4 + 0xffffff + 2]));
  expect(seen.batches).toHaveLength(0);
  expect(seen.forwarded).toHaveLength(1);
  expect(Buffer.from(seen.forwarded[0]).equals(Buffer.from(bytes))).toBe(true);
});
