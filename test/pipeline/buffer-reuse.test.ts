// The hot path's buffers are reused once their bytes are written (format/buffer-pool.ts). A buffer
// handed out again too early would show here as output that differs from a reference: a sink
// that reads each chunk only after a pause, with many batches in flight, on this thread and on
// workers, in CSV and JSON (the other text formats share their code). And the steady state
// allocates (almost) nothing: the pool stops growing.
import { beforeAll, expect, test } from "bun:test";
import mariadb from "mariadb";
import { spareBuffers } from "../../src/format/buffer-pool.ts";
import type { Format } from "../../src/formats.ts";
import { Pipeline } from "../../src/pipeline/pipeline.ts";
import { querySource } from "../../src/source/wire/query-source.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();
// The Sequence engine's tables need a current database.
beforeAll(() => server().sql("CREATE DATABASE gd"));
const ROWS = 1500;
/** Values of many lengths, with quotes, commas, backslashes and control bytes to quote and escape. */
const QUERY = `SELECT seq AS id, REPEAT(CONCAT('a"b,c\\\\', CHAR(seq % 32), 'é'), seq % 97) AS t, REPEAT('x', seq * 37 % 3000) AS pad, seq / 3 AS d FROM seq_1_to_${ROWS}`;

interface Run {
  format: Format;
  workers: number;
  /** Milliseconds each write waits before it reads its chunk; 0 reads it at once. */
  writeDelay: number;
}

async function exportBytes({ format, workers, writeDelay }: Run): Promise<Buffer> {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "gd" });
  const parts: Buffer[] = [];
  try {
    const pipeline = new Pipeline({
      encoding: { format, pretty: false, csvNewline: "\r\n", compression: "none" },
      workers,
      ringSize: 16,
      allowEmpty: false,
      async write(chunk) {
        if (writeDelay > 0) await Bun.sleep(writeDelay);
        parts.push(Buffer.from(chunk));
      },
      warn: () => {},
      stats: { rows: 0, bytes: 0 },
    });
    const options = { batchRows: 37, binaryProtocol: true, readTimeoutMs: 0 };
    void pipeline.addSource((feed) => querySource(conn, QUERY, feed, options));
    pipeline.close();
    await pipeline.done;
  } finally {
    await conn.end();
  }
  return Buffer.concat(parts);
}

test.each(["csv", "json"] as const)(
  "%s: a slow sink with many batches in flight gets the same bytes as a sink that keeps up, on workers too",
  async (format) => {
    const reference = await exportBytes({ format, workers: 0, writeDelay: 0 });
    expect(reference.length).toBeGreaterThan(ROWS * 1500);
    for (const workers of [0, 2]) {
      const slow = await exportBytes({ format, workers, writeDelay: 1 });
      expect({ workers, same: slow.equals(reference) }).toEqual({ workers, same: true });
    }
  },
  60_000,
);

// On this thread (workers 0): a worker's pool is its own, out of this test's sight. How many
// batches are in flight at once varies by a buffer or two from run to run, so a second export may
// need one more than the first left; without reuse it would allocate all of its ~36 again.
test("the steady state allocates (almost) no buffers: a second export reuses what the first one left", async () => {
  await exportBytes({ format: "json", workers: 0, writeDelay: 1 });
  const before = spareBuffers.allocations;
  await exportBytes({ format: "json", workers: 0, writeDelay: 1 });
  expect(spareBuffers.allocations - before).toBeLessThanOrEqual(2);
});
