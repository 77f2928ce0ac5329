// One consistent snapshot for every reader. MariaDB cannot share a snapshot between
// connections, so each reader opens its own (START TRANSACTION WITH CONSISTENT SNAPSHOT) while
// writers to the query's tables are held off by LOCK TABLES ... READ on one more connection:
// the lock waits for open write transactions to commit and blocks new ones, so every reader's
// snapshot sees the same committed state. It needs the LOCK TABLES privilege on those tables,
// which is less than FLUSH TABLES WITH READ LOCK needs (RELOAD, a global privilege). A table
// without transactions (MyISAM) is outside any snapshot: its lock is held until the read ends,
// as mydumper does for non-InnoDB tables.
import type { Connection } from "mariadb";
import { ExitCode, GdError } from "../../errors.ts";
import type { SnapshotPlan } from "../../plan.ts";
import { connectorReason, serverErrno } from "../errors.ts";

/** How long to wait for the tables' open write transactions before giving up. */
const LOCK_WAIT_S = 60;
const ACCESS_DENIED = new Set([1044, 1142]); // ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR

/**
 * The base tables `sql` reads, views and CTEs resolved, as the server itself names them: in the
 * query it rewrites for EXPLAIN EXTENDED, every table follows `from` or a `join` as `db`.`table`
 * (a derived table's columns, `alias`.`column`, never do).
 */
async function tablesRead(conn: Connection, sql: string): Promise<string[]> {
  await conn.query(`EXPLAIN EXTENDED ${sql}`);
  const notes = (await conn.query({ sql: "SHOW WARNINGS", rowsAsArray: true })) as [string, number, string][];
  const rewritten = notes.find(([, code]) => Number(code) === 1003)?.[2] ?? "";
  const withoutStrings = rewritten.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
  const tables = withoutStrings.matchAll(/\b(?:from|join)\s*[(\s]*(`(?:[^`]|``)+`\.`(?:[^`]|``)+`)(?![.`])/gi);
  return [...new Set(Array.from(tables, (m) => m[1]))];
}

/**
 * The tables that one snapshot must cover, and which of them have no transactions (the engine
 * says so in information_schema.ENGINES): a snapshot does not see those as of one moment, so
 * only a read lock held for the whole read keeps them still.
 */
export async function planSnapshot(conn: Connection, sql: string): Promise<SnapshotPlan> {
  const tables = await tablesRead(conn, sql);
  if (tables.length === 0) return { tables, lockedThroughout: [] };
  const names = tables.map(unquoteTable);
  const engines = (await conn.query(
    {
      sql:
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME FROM information_schema.TABLES t " +
        "JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE " +
        `WHERE e.TRANSACTIONS <> 'YES' AND (t.TABLE_SCHEMA, t.TABLE_NAME) IN (${names.map(() => "(?, ?)").join(", ")})`,
      rowsAsArray: true,
    },
    names.flat(),
  )) as [string, string][];
  const without = new Set(engines.map((name) => JSON.stringify(name)));
  return { tables, lockedThroughout: tables.filter((_, i) => without.has(JSON.stringify(names[i]))) };
}

/** `db`.`table` -> [db, table]. */
function unquoteTable(quoted: string): [string, string] {
  const [, schema, table] = /^`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`$/.exec(quoted) ?? [];
  return [schema, table].map((part) => (part ?? "").replaceAll("``", "`")) as [string, string];
}

/**
 * Opens a transaction on `conn` that reads one committed state to its end (REPEATABLE READ: under
 * READ COMMITTED each statement would see later commits). READ ONLY where the query is only ours
 * to read; a query the user gave alone may do what it likes.
 */
export async function openSnapshot(conn: Connection, { readOnly }: { readOnly: boolean }): Promise<void> {
  await conn.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  await conn.query(`START TRANSACTION WITH CONSISTENT SNAPSHOT${readOnly ? ", READ ONLY" : ""}`);
}

/**
 * Takes `LOCK TABLES ... READ` on `tables` on `coordinator`: it waits for their open write
 * transactions to commit and blocks new ones until UNLOCK TABLES.
 */
export async function lockTables(coordinator: Connection, tables: string[]): Promise<void> {
  await coordinator.query(`SET SESSION lock_wait_timeout = ${LOCK_WAIT_S}`);
  try {
    await coordinator.query(`LOCK TABLES ${tables.map((t) => `${t} READ`).join(", ")}`);
  } catch (error) {
    const denied = ACCESS_DENIED.has(serverErrno(error) ?? 0);
    throw new GdError(
      ExitCode.Query,
      `cannot give the readers one snapshot: LOCK TABLES ${tables.join(", ")} READ failed (${connectorReason(error)})` +
        (denied ? "; it needs the LOCK TABLES privilege on them" : "") +
        ", or use --consistency none to read without one",
    );
  }
}

/**
 * Opens a transaction with a snapshot on each reader, all of the same committed state, while
 * `coordinator` holds the tables' read lock. Resolves to the release of that lock: already done
 * when every table has transactions; otherwise to be called once the last range is read.
 */
export async function startSharedSnapshot(coordinator: Connection, readers: Connection[], plan: SnapshotPlan): Promise<() => Promise<void>> {
  const { tables } = plan;
  const unlock = async () => {
    if (tables.length > 0) await coordinator.query("UNLOCK TABLES");
  };
  if (tables.length > 0) await lockTables(coordinator, tables);
  try {
    for (const reader of readers) await openSnapshot(reader, { readOnly: true });
  } catch (error) {
    await unlock();
    throw error;
  }
  if (plan.lockedThroughout.length > 0) return unlock;
  await unlock();
  return async () => {};
}
