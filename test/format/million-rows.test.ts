// The headline promise: a 1,000,000-row table of mixed types, exported as CSV through a worker
// thread, parses back to exactly the server's values. The server and the test each reduce
// every row to a CRC32 of its fields, so the comparison is exact without holding the rows.
import { beforeAll, expect, test } from "bun:test";
import { createReadStream } from "node:fs";
import mariadb from "mariadb";
import Papa from "papaparse";
import { BENCH_DATABASE, BENCH_TABLE, loadBenchTable } from "../../bench/dataset.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const ROWS = 1_000_000;
const server = usePrivateServer();
const tmp = useTempDir();

beforeAll(async () => {
  await loadBenchTable(server(), ROWS);
}, 120_000);

/** The server's own rendering of each row, as the contract says CSV shows it. */
async function serverChecksum(columns: { name: string; binary: boolean }[]): Promise<{ rows: number; sum: number }> {
  const fields = columns.map((c) => (c.binary ? `IFNULL(CONCAT('0x', LOWER(HEX(${c.name}))), '')` : `IFNULL(${c.name}, '')`));
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: BENCH_DATABASE });
  try {
    const [row] = (await conn.query(
      `SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', ${fields.join(", ")}))) AS s FROM ${BENCH_TABLE}`,
    )) as { n: bigint; s: string }[];
    return { rows: Number(row!.n), sum: Number(row!.s) };
  } finally {
    await conn.end();
  }
}

/** Streams the CSV through papaparse, reducing each record the same way. */
function fileChecksum(path: string): Promise<{ header: string[]; rows: number; sum: number }> {
  return new Promise((resolve, reject) => {
    let header: string[] | undefined;
    let rows = 0;
    let sum = 0;
    // Decoded by the stream (not papaparse), so a character split across chunks stays whole.
    Papa.parse<string[]>(createReadStream(path, { encoding: "utf8" }) as never, {
      newline: "\r\n",
      skipEmptyLines: true,
      step: (result) => {
        if (result.errors.length > 0) return reject(new Error(JSON.stringify(result.errors[0])));
        if (!header) header = result.data;
        else {
          rows++;
          sum += Bun.hash.crc32(result.data.join("|"));
        }
      },
      complete: () => resolve({ header: header ?? [], rows, sum }),
      error: reject,
    });
  });
}

test("1M rows through a worker parse back to exactly the server's values", async () => {
  const out = `${tmp()}/million.csv`;
  const r = await gdInProcess(["--db-url", server().url(BENCH_DATABASE), "-q", `SELECT * FROM ${BENCH_TABLE}`, "-o", out, "--workers", "1"], {
    timeoutMs: 120_000,
  });
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const file = await fileChecksum(out);
  expect(file.rows).toBe(ROWS);
  const expected = await serverChecksum(file.header.map((name) => ({ name, binary: name === "digest" })));
  expect(file.sum).toBe(expected.sum);
  expect(file.rows).toBe(expected.rows);
}, 180_000);
