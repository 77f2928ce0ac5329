// The named-lock barrier of `gold-digger plan` / `part` (src/source/ranges/barrier.ts), driven
// directly on a private server: the plan's connection opens it and waits, each part joins on
// connections of its own, as the processes of other machines would. Writers are another client.
import { afterEach, beforeAll, expect, test } from "bun:test";
import mariadb, { type Connection } from "mariadb";
import { ExitCode, GdError } from "../../src/errors.ts";
import type { Barrier } from "../../src/plan.ts";
import { awaitParts, joinBarrier, openBarrier } from "../../src/source/ranges/barrier.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();
const TABLE = "`bar`.`acct`";

beforeAll(async () => {
  await server().sql(["CREATE DATABASE bar", "CREATE TABLE bar.acct (id INT PRIMARY KEY, amount INT NOT NULL) ENGINE=InnoDB", "INSERT INTO bar.acct VALUES (1, 100), (2, 200)"]);
});

/** Every connection a test opened, ended after it (a part's waits end when the plan's connection goes). */
const opened: Connection[] = [];
afterEach(async () => {
  for (const conn of opened.splice(0).reverse()) await conn.end().catch(() => conn.destroy());
});

async function connect(): Promise<Connection> {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "bar" });
  opened.push(conn);
  return conn;
}

let plans = 0;
const freshPlanId = () => `test${++plans}${Date.now().toString(16)}`;

/** A part with `readers` snapshot connections, joining the barrier on a connection of its own. */
async function joinPart(barrier: Barrier, readers = 1) {
  const conn = await connect();
  const snapshots = await Promise.all(Array.from({ length: readers }, connect));
  return { snapshots, closed: await joinBarrier(conn, snapshots, barrier) };
}

/** Rejection of `promise` as a GdError, with its exit code and message. */
async function failure(promise: Promise<unknown>): Promise<{ exitCode: number; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GdError);
  const { exitCode, message } = error as GdError;
  return { exitCode, message };
}

/** Whether `promise` is still pending after `ms`. */
const pendingAfter = async (promise: Promise<unknown>, ms: number) => (await Promise.race([promise.then(() => "settled"), Bun.sleep(ms).then(() => "pending")])) === "pending";

/** Whether a writer can change the table within `seconds`. */
async function writerProceeds(seconds: number): Promise<boolean> {
  const writer = await connect();
  await writer.query(`SET SESSION lock_wait_timeout = ${seconds}`);
  return writer.query("UPDATE acct SET amount = amount + 1 WHERE id = 1").then(
    () => true,
    (error: Error) => {
      expect(error.message).toContain("Lock wait timeout");
      return false;
    },
  );
}

const amountOf = async (conn: Connection) => Number((await conn.query("SELECT amount FROM acct WHERE id = 1"))[0].amount);

test("the plan waits for parts joining on other connections; they all read the state as of its lock", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, [TABLE]);
  expect(holder).toBe(plan.threadId!);
  const before = await amountOf(plan);
  // While the barrier is open, writers wait.
  expect(await writerProceeds(1)).toBe(false);

  const waiting = awaitParts(plan, planId, 2, 10_000);
  const first = await joinPart({ planId, part: 0, holder, timeoutMs: 10_000 }, 2);
  // One part of two: the plan still waits, and the part that joined waits for the barrier to close.
  expect(await pendingAfter(waiting, 300)).toBe(true);
  const firstDone = first.closed();
  expect(await pendingAfter(firstDone, 100)).toBe(true);
  const second = await joinPart({ planId, part: 1, holder, timeoutMs: 10_000 });
  await waiting;
  await firstDone;
  await second.closed();

  // Closed: writers go, and every part's readers still see the state the plan locked.
  expect(await writerProceeds(5)).toBe(true);
  expect(await amountOf(await connect())).toBe(before + 1);
  for (const reader of [...first.snapshots, ...second.snapshots]) expect(await amountOf(reader)).toBe(before);
});

test("a part that comes after the barrier closed is refused: exit 4, naming --consistency none", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, [TABLE]);
  const joined = await joinPart({ planId, part: 0, holder, timeoutMs: 10_000 });
  await awaitParts(plan, planId, 1, 10_000);
  await joined.closed();
  const late = await failure(joinPart({ planId, part: 1, holder, timeoutMs: 10_000 }));
  expect(late.exitCode).toBe(ExitCode.Query);
  expect(late.message).toMatch(/^part 1 is late: the plan's barrier has closed .*--consistency none$/);
});

test("a part whose plan's lock another connection holds (a plan run again) is late too", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, []);
  const late = await failure(joinPart({ planId, part: 0, holder: holder + 1000, timeoutMs: 10_000 }));
  expect(late).toEqual({ exitCode: ExitCode.Query, message: expect.stringMatching(/^part 0 is late: /) });
});

test("a part already joined elsewhere is refused", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, []);
  const barrier = { planId, part: 3, holder, timeoutMs: 10_000 };
  await joinPart(barrier);
  expect(await failure(joinPart(barrier))).toEqual({ exitCode: ExitCode.Query, message: "part 3 is already running for this plan elsewhere" });
});

test("a timeout names the parts that did not join, and releases the table lock", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, [TABLE]);
  const joined = await joinPart({ planId, part: 1, holder, timeoutMs: 10_000 });
  const started = performance.now();
  const timedOut = await failure(awaitParts(plan, planId, 3, 500));
  expect(performance.now() - started).toBeGreaterThanOrEqual(500);
  expect(timedOut.exitCode).toBe(ExitCode.Query);
  expect(timedOut.message).toMatch(/^the barrier timed out after 0\.5 s: parts 0, 2 did not open a snapshot in time, .*--consistency none$/);
  // The part that joined is let go, a writer proceeds, and a part that comes now is late.
  await joined.closed();
  expect(await writerProceeds(5)).toBe(true);
  expect((await failure(joinPart({ planId, part: 0, holder, timeoutMs: 10_000 }))).message).toStartWith("part 0 is late");
});

test("a timeout with one part missing names it; with many, the first ten and how many more", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  const holder = await openBarrier(plan, planId, []);
  const barrier = (part: number) => ({ planId, part, holder, timeoutMs: 10_000 });
  await joinPart(barrier(0));
  expect((await failure(awaitParts(plan, planId, 2, 0))).message).toStartWith("the barrier timed out after 0 s: part 1 did not open");
  // More parts than one statement asks about: the ones past the first statement are counted too.
  const many = freshPlanId();
  const manyHolder = await openBarrier(plan, many, []);
  for (const part of [0, 3, 600]) await joinPart({ planId: many, part, holder: manyHolder, timeoutMs: 10_000 });
  expect((await failure(awaitParts(plan, many, 1200, 0))).message).toStartWith("the barrier timed out after 0 s: parts 1, 2, 4, 5, 6, 7, 8, 9, 10, 11 and 1187 more did not open");
});

test("the barrier's lock taken by another connection: the plan cannot open it", async () => {
  const planId = freshPlanId();
  await openBarrier(await connect(), planId, []);
  const second = await failure(openBarrier(await connect(), planId, []));
  expect(second).toEqual({ exitCode: ExitCode.Query, message: `cannot open the parts' barrier: the named lock gd-${planId}-open is taken` });
});

test("a signal stops the plan's wait", async () => {
  const plan = await connect();
  const planId = freshPlanId();
  await openBarrier(plan, planId, []);
  const controller = new AbortController();
  const waiting = awaitParts(plan, planId, 1, 10_000, controller.signal);
  setTimeout(() => controller.abort(new Error("stopped")), 200);
  await expect(waiting).rejects.toThrow("stopped");
});
