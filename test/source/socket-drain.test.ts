// The socket drain (src/source/wire/socket-drain.ts) reads what the kernel holds into a buffer
// of ours right after the runtime hands over a chunk. Its one danger is order: bytes the runtime
// read while the stream was paused, and still holds, must come before anything recv(2) reads.
// A reader that pauses at every batch, as a busy pipeline does, makes that happen constantly.
import { expect, spyOn, test } from "bun:test";
import mariadb, { type Connection } from "mariadb";
import { FieldCursor } from "../../src/format/bytes.ts";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { captureRows } from "../../src/source/wire/connector-internals.ts";
import { SocketDrain } from "../../src/source/wire/socket-drain.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();

const decoder = new TextDecoder();

/** Reads `sql` (first column: 1, 2, 3, ...) through captureRows, pausing after every batch for `resumeAfter`. */
async function readPausingEveryBatch(sql: string, resumeAfter: (resume: () => void) => void): Promise<number> {
  const conn = await mariadb.createConnection({ host: "127.0.0.1", port: server().port, user: "root", ...EXACT_VALUES });
  try {
    return await readOn(conn, sql, resumeAfter);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

function readOn(conn: Connection, sql: string, resumeAfter: (resume: () => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let next = 1;
    const rows = captureRows(
      conn,
      () => conn.queryStream(sql),
      {
        columns: () => {},
        batch(bytes, rowCount) {
          const cur = new FieldCursor(bytes);
          for (let r = 0; r < rowCount; r++) {
            const len = cur.next();
            const seq = Number(decoder.decode(bytes.subarray(cur.pos - len, cur.pos)));
            if (seq !== next) return reject(new Error(`row ${next} read as ${seq}`));
            next++;
            cur.next();
          }
          rows.pause();
          resumeAfter(() => rows.resume());
        },
        end: () => resolve(next - 1),
        error: reject,
      },
      { batchRows: 500, batchBytes: 32 << 10 },
    );
  });
}

const ROWS = 200_000;
const QUERY = `SELECT seq, REPEAT('x', 60) FROM mysql.seq_1_to_${ROWS}`;

test("a plain connection's socket is drained; the result arrives whole and in order through pauses on the next turn", async () => {
  const drain = spyOn(SocketDrain.prototype, "drain");
  try {
    expect(await readPausingEveryBatch(QUERY, (resume) => setImmediate(resume))).toBe(ROWS);
    expect(drain).toHaveBeenCalled();
  } finally {
    drain.mockRestore();
  }
});

test("the same through pauses of a timer's length, which let the socket fill", async () => {
  expect(await readPausingEveryBatch(`SELECT seq, REPEAT('y', 200) FROM mysql.seq_1_to_20000`, (resume) => setTimeout(resume, 1))).toBe(20_000);
});

test("a TLS socket, or one without a descriptor, is left to the runtime", () => {
  expect(SocketDrain.of({ encrypted: true, _handle: { fd: 3 } })).toBeUndefined();
  expect(SocketDrain.of({ _handle: null })).toBeUndefined();
});
