// The network fails between gold-digger and the server: a proxy (test/support/proxy.ts) cuts
// or stalls the connection at a chosen byte, or never answers at all.
import { afterEach, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { addSweepAccounts, expectFailure, HANG_MS, runningQueries, sweepUrl, TEST_MS, timed, waitUntil } from "../support/faults.ts";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";
import { startFaultProxy, type FaultProxy, type ProxyFault } from "../support/proxy.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

// ~25 MB of CSV: long enough that every cut below lands while rows stream.
const BIG_QUERY = "SELECT * FROM seq_1_to_3000000";
// Past the handshake (~100 bytes of greeting, ~10 for OK) by far, well before the result ends.
const MID_STREAM = 1_000_000;

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function throughProxy(fault: ProxyFault, name: string, extraArgs: string[] = []) {
  proxy = await startFaultProxy({ host: server().host, port: server().port }, fault);
  const output = join(dir(), `${name}.csv`);
  const { value: result, ms } = await timed(() =>
    // A child process: a connection the fault cuts makes the connector open a kill connection of its
    // own (Connection.destroy), whose late socket error it throws, uncaught, into whatever runs next.
    gd(["--db-url", sweepUrl(proxy!.port), "-q", BIG_QUERY, "-o", output, ...extraArgs], { timeoutMs: HANG_MS }),
  );
  return { result, ms, output };
}

test(
  "connection cut mid-stream -> 4",
  async () => {
    const { result, output } = await throughProxy({ kind: "cut", afterBytes: MID_STREAM }, "cut-mid-stream");
    expectFailure(result, { code: 4, output, message: /query failed: lost the connection to the server \(.*closed\): probably .*KILL, or the network/ });
    expect(proxy!.forwarded).toBeGreaterThanOrEqual(MID_STREAM);
  },
  TEST_MS,
);

test(
  "connection cut mid-stream with -o - -> 4; stdout holds the export up to the cut, as the README says",
  async () => {
    proxy = await startFaultProxy({ host: server().host, port: server().port }, { kind: "cut", afterBytes: MID_STREAM });
    const result = await gd(["--db-url", sweepUrl(proxy.port), "-q", BIG_QUERY, "-o", "-", "-f", "csv"], { timeoutMs: HANG_MS });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 4, stderr: expect.stringMatching(/^gold-digger: query failed: [^\n]+\n$/) });
    // No temp file to drop: the rows before the cut are out, and the stream simply stops, at a
    // batch boundary as a rule, but possibly inside a record. Only the exit code tells.
    const [header, ...records] = result.stdout.toString().split("\r\n");
    const partial = records.pop()!;
    expect(header).toBe("seq");
    expect(records.length).toBeGreaterThan(0);
    expect(records.findIndex((record, i) => record !== String(i + 1))).toBe(-1);
    expect(String(records.length + 1).startsWith(partial)).toBe(true);
  },
  TEST_MS,
);

test(
  "connection cut during the handshake -> 3",
  async () => {
    // 20 bytes: inside the server's greeting packet.
    const { result, output } = await throughProxy({ kind: "cut", afterBytes: 20 }, "cut-handshake");
    expectFailure(result, { code: 3, output, message: /cannot connect to 127\.0\.0\.1:\d+/ });
  },
  TEST_MS,
);

test(
  "connection stalls mid-stream with --read-timeout 1 -> 4 quickly",
  async () => {
    const { result, ms, output } = await throughProxy({ kind: "stall", afterBytes: MID_STREAM }, "stall", [
      "--read-timeout",
      "1",
    ]);
    expectFailure(result, { code: 4, output, message: /no data from the server for 1 s \(--read-timeout\)/ });
    // 1 s of silence, a watchdog tick, Bun's start-up: anything near 4 s would be a hang.
    expect(ms).toBeLessThan(4_000);
  },
  TEST_MS,
);

test(
  "after --read-timeout fires, the query is stopped on the server, not left sending to nobody",
  async () => {
    proxy = await startFaultProxy({ host: server().host, port: server().port }, { kind: "stall", afterBytes: MID_STREAM, deadLink: true });
    const output = join(dir(), "stall-kill.csv");
    const marker = "read_timeout_marker";
    const result = await gd(["--db-url", sweepUrl(proxy.port), "-q", `SELECT seq AS ${marker} FROM seq_1_to_3000000`, "-o", output, "--read-timeout", "1"], {
      timeoutMs: HANG_MS,
    });
    expectFailure(result, { code: 4, output, message: /--read-timeout/ });
    // The server never learns that the client left: only a KILL ends its query.
    await waitUntil("the server to stop the query", async () => (await runningQueries(server(), marker)) === 0, 10_000);
  },
  TEST_MS,
);

test(
  "--read-timeout does not count a query computing before its first row",
  async () => {
    // Two seconds of server-side work before any row, with a one-second read timeout.
    const output = join(dir(), "slow-start.csv");
    const r = await gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT SLEEP(2) AS s, 1 AS one", "-o", output, "--read-timeout", "1"], {
      timeoutMs: HANG_MS,
    });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  },
  TEST_MS,
);

test(
  "server accepts but never speaks, --connect-timeout 1 -> 3 within ~2 s",
  async () => {
    const { result, ms, output } = await throughProxy({ kind: "silent" }, "silent", ["--connect-timeout", "1"]);
    expectFailure(result, { code: 3, output, message: /timeout/i });
    expect(ms).toBeLessThan(2_500);
  },
  TEST_MS,
);
