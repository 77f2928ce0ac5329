// The server's side of a paused stream (../shared/PERFORMANCE-NOTES.md): when we stop reading,
// the server blocks in its send and, after net_write_timeout, drops the connection. A private
// server with a 2-second net_write_timeout makes that happen within the test's time; the export
// must raise the session's limit so a reader that stalls for longer loses nothing.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addSweepAccounts, expectNoSecrets, queryValue, sweepUrl, waitUntil } from "../support/faults.ts";
import { gdInShell, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer({ extraArgs: ["--net-write-timeout=2"] });
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

// ~40 MB: far more than the pipe, the ring and both sockets' buffers hold, so the server blocks.
const ROWS = 400_000;
const QUERY = `SELECT seq, REPEAT('x', 100) AS pad FROM seq_1_to_${ROWS}`;

/** Runs gold-digger into a reader that first runs the shell command `stall`, then copies everything to `output`. */
const exportToStalledReader = (query: string, output: string, stall: string) =>
  gdInShell(["--db-url", sweepUrl(server().port), "-q", query, "-o", "-", "-f", "csv"], `| { ${stall}; cat > "$OUT"; }`, {
    env: { OUT: output },
    timeoutMs: 40_000,
  });

test("a reader that stalls for 8 s, four times the server's net_write_timeout, still gets every row", async () => {
  const output = join(dir(), "stalled.csv");
  const result = await exportToStalledReader(QUERY, output, "sleep 8");
  expect(result).toEqual({ code: 0, stderr: "" });
  const lines = readFileSync(output, "latin1").split("\r\n");
  expect(lines.length).toBe(ROWS + 2); // header, rows, and the empty text after the last CRLF
  expect(lines.at(-2)).toBe(`${ROWS},${"x".repeat(100)}`);
}, 60_000);

test("a session killed on the server while the reader stalls -> 4, and the message says what probably happened", async () => {
  const marker = "seq_1_to_400001";
  const output = join(dir(), "killed.csv");
  const killed = join(dir(), "killed");
  // The reader stalls until the session is killed, however long the export takes to start.
  const run = exportToStalledReader(`SELECT seq, REPEAT('x', 100) AS pad FROM ${marker}`, output, `until [ -e '${killed}' ]; do sleep 0.05; done`);
  const session = () => queryValue(server(), `SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${marker}%' AND ID <> CONNECTION_ID()`);
  await waitUntil("the export's query to run", async () => (await session()) !== undefined, 15_000);
  await server().sql(`KILL CONNECTION ${Number(await session())}`);
  writeFileSync(killed, "");
  const result = await run;
  expect(result.code).toBe(4);
  expect(result.stderr).toMatch(/^gold-digger: query failed: lost the connection to the server \(.+\): probably a timeout on its side \(net_write_timeout, wait_timeout\), a crash or restart, a KILL, or the network\n$/);
  expectNoSecrets({ stdout: Buffer.alloc(0), stderr: result.stderr });
}, 30_000);
