// When the output is slow, the export must stop reading the socket (so the server stops
// sending) and keep its memory flat, rather than trusting the stream's pause().
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mariadb from "mariadb";
import { cleanEnv, MAIN, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();

async function bytesSent(): Promise<number> {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root" });
  try {
    const rows = (await conn.query("SHOW GLOBAL STATUS LIKE 'Bytes_sent'")) as { Value: string }[];
    return Number(rows[0].Value);
  } finally {
    await conn.end();
  }
}

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

test("a stalled reader pauses the socket and memory stays bounded", async () => {
  const fifo = join(tmp(), "out.fifo");
  Bun.spawnSync(["mkfifo", fifo]);
  // ~2M rows of ~210 bytes: far more than every buffer between server and reader.
  const query = "SELECT seq, REPEAT('x', 200) AS pad FROM seq_1_to_2000000";
  const exporter = Bun.spawn(["bun", MAIN, "--db-url", server().url("mysql"), "-q", query, "-o", fifo, "-f", "csv"], {
    env: cleanEnv(),
    stderr: "pipe",
  });
  // Reads 1 MB, stalls 4 s, then drains the rest.
  const reader = Bun.spawn(["sh", "-c", `exec < '${fifo}'; head -c 1000000 >/dev/null; sleep 4; cat >/dev/null`]);
  try {
    await Bun.sleep(1500);
    const sentEarly = await bytesSent();
    const rssEarly = rssBytes(exporter.pid);
    await Bun.sleep(2000);
    const sentLate = await bytesSent();
    const rssLate = rssBytes(exporter.pid);

    // While the reader sleeps the server sends (next to) nothing: the socket is not read.
    expect(sentLate - sentEarly).toBeLessThan(1 << 20);
    // The whole result is ~420 MB; the exporter holds a few batches at most.
    expect(rssLate).toBeLessThan(250 * 1024 * 1024);
    expect(Math.abs(rssLate - rssEarly)).toBeLessThan(32 * 1024 * 1024);

    expect(await exporter.exited).toBe(0);
    expect(await new Response(exporter.stderr).text()).toBe("");
    expect(await reader.exited).toBe(0);
    // And it finished: everything was eventually sent.
    expect((await bytesSent()) - sentLate).toBeGreaterThan(300 * 1024 * 1024);
  } finally {
    exporter.kill();
    reader.kill();
  }
}, 60_000);
