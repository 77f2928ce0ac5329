// One snapshot across processes on other machines (gold-digger plan / part). MariaDB shares no
// snapshot between connections, so as for one process's readers, the plan holds LOCK TABLES ...
// READ while every part opens START TRANSACTION WITH CONSISTENT SNAPSHOT; the parts and the plan
// meet through the server's named locks, so no service of ours is needed:
//   plan: LOCK TABLES, then GET_LOCK(open), then writes the plan file;
//   part: opens its snapshots, checks that `open` is still held by the plan's connection (else it
//         is late: its snapshot may postdate the lock), then takes GET_LOCK(part-I);
//   plan: once every part lock is held, RELEASE_LOCK(open) first and UNLOCK TABLES after.
// A part that saw `open` held therefore opened its snapshot after the table lock was taken (it
// read the plan, written after) and before it was released (released after `open`).
import type { Connection } from "mariadb";
import { ExitCode, GdError } from "../../errors.ts";
import type { Barrier } from "../../plan.ts";
import { lockTables, openSnapshot } from "./snapshot.ts";

const openLock = (planId: string) => `gd-${planId}-open`;
const partLock = (planId: string, part: number) => `gd-${planId}-part-${part}`;
/** How often the plan asks which parts have joined. */
const POLL_MS = 100;
/** Locks asked about in one statement. */
const LOCKS_PER_QUERY = 500;

const single = async (conn: Connection, sql: string, values: unknown[] = []): Promise<unknown> =>
  ((await conn.query({ sql, rowsAsArray: true }, values)) as unknown[][])[0]?.[0];

/**
 * The plan's side, first half: the tables' read lock, then the named lock whose holder tells the
 * parts that the barrier is open. Resolves to the connection's id, which the parts check against.
 */
export async function openBarrier(conn: Connection, planId: string, tables: string[]): Promise<number> {
  if (tables.length > 0) await lockTables(conn, tables);
  if (Number(await single(conn, "SELECT GET_LOCK(?, 0)", [openLock(planId)])) !== 1) {
    throw new GdError(ExitCode.Query, `cannot open the parts' barrier: the named lock ${openLock(planId)} is taken`);
  }
  return Number(await single(conn, "SELECT CONNECTION_ID()"));
}

/** The parts whose lock nobody holds yet. */
async function absentParts(conn: Connection, planId: string, parts: number[]): Promise<number[]> {
  const absent: number[] = [];
  for (let at = 0; at < parts.length; at += LOCKS_PER_QUERY) {
    const chunk = parts.slice(at, at + LOCKS_PER_QUERY);
    const [row] = (await conn.query(
      { sql: `SELECT ${chunk.map(() => "IS_USED_LOCK(?)").join(", ")}`, rowsAsArray: true },
      chunk.map((part) => partLock(planId, part)),
    )) as unknown[][];
    chunk.forEach((part, k) => row[k] === null && absent.push(part));
  }
  return absent;
}

/**
 * The plan's side, second half: waits until every part has joined, up to `timeoutMs`, then closes
 * the barrier (`open` first, the table lock after) whether or not they all did. Exit 4 naming the
 * parts that did not join in time.
 */
export async function awaitParts(conn: Connection, planId: string, parts: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let absent = Array.from({ length: parts }, (_, i) => i);
  for (;;) {
    absent = await absentParts(conn, planId, absent);
    if (absent.length === 0 || performance.now() >= deadline) break;
    await Bun.sleep(POLL_MS);
    signal?.throwIfAborted();
  }
  await conn.query("SELECT RELEASE_LOCK(?)", [openLock(planId)]);
  await conn.query("UNLOCK TABLES");
  if (absent.length > 0) {
    const named = absent.length > 10 ? `${absent.slice(0, 10).join(", ")} and ${absent.length - 10} more` : absent.join(", ");
    throw new GdError(
      ExitCode.Query,
      `the barrier timed out after ${timeoutMs / 1000} s: part${absent.length === 1 ? "" : "s"} ${named} did not open ` +
        "a snapshot in time, so the parts share none; run all parts at once (raise --barrier-timeout), or use --consistency none",
    );
  }
}

/**
 * A part's side: each reader's snapshot opened, then joined if the plan still holds the barrier.
 * Resolves to what the part does once its ranges are read: wait for the barrier to close (up to
 * its timeout) before its connection, and so its lock, goes, so that the plan cannot miss a part
 * that finished early.
 */
export async function joinBarrier(conn: Connection, readers: Connection[], barrier: Barrier): Promise<() => Promise<void>> {
  for (const reader of readers) await openSnapshot(reader, { readOnly: true });
  const holder = await single(conn, "SELECT IS_USED_LOCK(?)", [openLock(barrier.planId)]);
  if (holder === null || Number(holder) !== barrier.holder) {
    throw new GdError(
      ExitCode.Query,
      `part ${barrier.part} is late: the plan's barrier has closed (all parts joined, or it timed out), so this part ` +
        "cannot read the plan's snapshot; run plan and every part again together, or use --consistency none",
    );
  }
  if (Number(await single(conn, "SELECT GET_LOCK(?, 0)", [partLock(barrier.planId, barrier.part)])) !== 1) {
    throw new GdError(ExitCode.Query, `part ${barrier.part} is already running for this plan elsewhere`);
  }
  // Taking `open` returns as soon as the plan lets it go: the barrier has closed. Asked at once,
  // so that this connection has nothing left to do while the ranges are read, however long
  // that takes (an idle session may be ended by the server's wait_timeout).
  const closed = single(conn, "SELECT GET_LOCK(?, ?)", [openLock(barrier.planId), barrier.timeoutMs / 1000]).then(() =>
    conn.query("SELECT RELEASE_LOCK(?)", [openLock(barrier.planId)]),
  );
  closed.catch(() => {}); // a failure is the release's to report, once the ranges are read
  return async () => {
    await closed;
  };
}
