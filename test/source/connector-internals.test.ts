// The row path without a real server: hand-built result packets (every length-prefix size,
// NULL and empty values, a 16 MB row in several packets, headers split from payloads) from a
// stand-in server, read once by the connector's own decoding and once by our capture. Both
// must see the same values. This is also the guard on the connector internals we rely on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mariadb from "mariadb";
import { FieldCursor } from "../../src/format/bytes.ts";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { captureRows } from "../../src/source/wire/connector-internals.ts";
import { startFakeServer, type FakeServer, type Reply } from "../support/fake-server.ts";
import {
  columnCountPacket,
  columnDefinitionPacket,
  endOfResultPacket,
  errorPacket,
  rowPayload,
  wire,
  type Value,
} from "../support/packets.ts";

const long = (n: number, seed: string) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

const ROWS: Value[][] = [
  ["a", "", null],
  [null, null, null],
  ["", "1-byte prefix, longest: 250 bytes", long(250, "x")],
  ["0xfc prefix", long(251, "é"), long(65_535, "ab,\"\n")],
  ["0xfd prefix", long(65_536, "z"), long(300_000, "0123456789")],
  ["0xfe prefix, several packets", long(16_777_216 + 1000, "q"), "after the long value"],
  ["last", "", ""],
];

/** The reply to `SELECT ...`: column count, definitions, rows, end; with chosen socket cuts. */
function result(rows: Value[][], cuts: number[] = [], end: Uint8Array = endOfResultPacket()): Reply {
  const payloads = [columnCountPacket(3), ...["a", "b", "c"].map((n) => columnDefinitionPacket(n)), ...rows.map(rowPayload), end];
  return { payloads, cuts };
}

/** Offsets that cut the reply inside headers, between a header and its payload, and inside payloads. */
function awkwardCuts(rows: Value[][]): number[] {
  const bytes = wire(result(rows).payloads);
  const cuts: number[] = [];
  let pos = 0;
  while (pos + 4 < bytes.length) {
    const len = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16);
    // Alternate: in the header, right after it, in the middle of the payload.
    const kind = cuts.length % 3;
    cuts.push(kind === 0 ? pos + 2 : kind === 1 ? pos + 4 : pos + 4 + (len >> 1));
    pos += 4 + len;
  }
  return cuts.filter((c, i) => c > 0 && c < bytes.length && (i === 0 || c > cuts[i - 1]));
}

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer((sql) => {
    if (sql === "SELECT whole") return result(ROWS);
    if (sql === "SELECT cut") return result(ROWS, awkwardCuts(ROWS));
    if (sql === "SELECT bytewise") return result(ROWS.slice(0, 3), Array.from({ length: 600 }, (_, i) => i + 1));
    if (sql === "SELECT failing") return result(ROWS.slice(0, 2), [], errorPacket(1317, "Query execution was interrupted"));
    return undefined;
  });
});
afterAll(() => server.close());

const connect = () =>
  mariadb.createConnection({ host: "127.0.0.1", port: server.port, user: "u", maxAllowedPacket: 64 << 20, ...EXACT_VALUES });

const decoder = new TextDecoder();

/** Our path: batches from captureRows, each field read back with FieldCursor. */
async function captured(sql: string, batchRows = 2): Promise<{ rows: Value[][]; batches: number[] }> {
  const conn = await connect();
  try {
    const rows: Value[][] = [];
    const batches: number[] = [];
    await new Promise<void>((resolve, reject) => {
      captureRows(
        conn,
        () => conn.queryStream(sql),
        {
          columns: (fields) => expect(fields.map((f) => f.name())).toEqual(["a", "b", "c"]),
          batch: (bytes, rowCount) => {
            batches.push(rowCount);
            const cur = new FieldCursor(bytes);
            for (let r = 0; r < rowCount; r++) {
              rows.push([0, 1, 2].map(() => {
                const len = cur.next();
                return len < 0 ? null : decoder.decode(bytes.subarray(cur.pos - len, cur.pos));
              }));
            }
            cur.expectEnd(bytes.length);
          },
          end: resolve,
          error: reject,
        },
        { batchRows, batchBytes: 1024 },
      );
    });
    // The connection is still usable afterwards: the connector's reader was left in step.
    expect(await conn.query("SELECT whole")).toHaveLength(ROWS.length);
    return { rows, batches };
  } finally {
    conn.destroy();
  }
}

/** The connector's own decoding of the same reply. */
async function decodedByConnector(sql: string): Promise<Value[][]> {
  const conn = await connect();
  try {
    return (await conn.query(sql)) as Value[][];
  } finally {
    conn.destroy();
  }
}

test.each(["SELECT whole", "SELECT cut", "SELECT bytewise"])("%s: the same values as the connector decodes", async (sql) => {
  const expected = await decodedByConnector(sql);
  expect(expected.length).toBeGreaterThanOrEqual(3);
  const { rows, batches } = await captured(sql);
  expect(rows).toEqual(expected);
  // Batches of at most 2 rows or 1 KiB, a longer row alone: never a row split or lost.
  expect(batches.every((n) => n >= 1 && n <= 2)).toBe(true);
  expect(batches.reduce((a, b) => a + b, 0)).toBe(expected.length);
});

test("a row over 16 MB arrives whole", async () => {
  const { rows } = await captured("SELECT whole");
  const big = rows.find((r) => r[0] === "0xfe prefix, several packets")!;
  expect((big[1] as string).length).toBe(16_777_216 + 1000);
  expect(big[2]).toBe("after the long value");
});

test("an error after some rows reaches the caller, with the rows before it", async () => {
  await expect(captured("SELECT failing")).rejects.toThrow("Query execution was interrupted");
});
