// One consistent snapshot for every reader. MariaDB cannot share a snapshot between
// connections, so each reader opens its own (START TRANSACTION WITH CONSISTENT SNAPSHOT) while
// writers to the query's tables are held off by LOCK TABLES ... READ on one more connection:
// the lock waits for open write transactions to commit and blocks new ones, so every reader's
// snapshot sees the same committed state. It needs the LOCK TABLES privilege on those tables,
// which is less than FLUSH TABLES WITH READ LOCK needs (RELOAD, a global privilege).
import type { Connection } from "mariadb";
import { ExitCode, GdError } from "../../errors.ts";
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

/** Opens a transaction with a snapshot on each reader, all of the same committed state. */
export async function startSharedSnapshot(coordinator: Connection, readers: Connection[], sql: string): Promise<void> {
  const tables = await tablesRead(coordinator, sql);
  if (tables.length > 0) {
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
  try {
    for (const reader of readers) {
      await reader.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      await reader.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }
  } finally {
    if (tables.length > 0) await coordinator.query("UNLOCK TABLES");
  }
}
