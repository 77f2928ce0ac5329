// A read request resolved on the server into its ranges: for --split-by, the column checked
// against the result's columns, the bounds and the size estimate read, and the tables one snapshot
// must hold. Nothing here reads a row of the result.
import type { Connection } from "mariadb";
import type { ReadPlan, ReadRequest } from "../../plan.ts";
import { lex } from "../../sql/lexer.ts";
import { serverErrno } from "../errors.ts";
import { planSnapshot } from "./snapshot.ts";
import { boundsSql, columnsSql, estimatedRows, estimateSql, planningFailure, rangeQueries, splitField, type SplitQuery } from "./split.ts";

/** The server refuses EXPLAIN of a view to a user without SHOW VIEW on it, who may still read it. */
const VIEW_NO_EXPLAIN = 1345;

/** The query's rows as the optimizer estimates them; 0 (the fewest ranges) if it may not tell. */
async function estimate(conn: Connection, split: SplitQuery): Promise<number> {
  try {
    return estimatedRows(await conn.query({ sql: estimateSql(split), rowsAsArray: true }));
  } catch (error) {
    if (serverErrno(error) === VIEW_NO_EXPLAIN) return 0;
    throw error;
  }
}

/** Whether `sql` is a query EXPLAIN may be asked about: a SELECT (a WITH one too), not a statement that changes anything. */
export function isSelect(sql: string): boolean {
  const first = lex(sql).find((token) => token.kind !== "comment" && token.text !== "(");
  return first?.kind === "word" && (first.text === "SELECT" || first.text === "WITH");
}

/**
 * A plain query's rows as the optimizer estimates them; none for a statement other than a SELECT,
 * or where the server will not say. A failure here is no failure of the export: the query itself
 * comes next and reports its own.
 */
async function plainEstimate(conn: Connection, sql: string): Promise<number | undefined> {
  if (!isSelect(sql)) return undefined;
  try {
    return estimatedRows(await conn.query({ sql: `EXPLAIN ${sql}`, rowsAsArray: true })) || undefined;
  } catch {
    return undefined;
  }
}

export interface PlanOptions {
  /** Estimate a plain query's rows too (a split query's always are: its ranges are cut by them). */
  estimate?: boolean;
}

export async function planRead(conn: Connection, request: ReadRequest, options: PlanOptions = {}): Promise<ReadPlan> {
  const { split } = request;
  if (!split) {
    const estimated = options.estimate ? await plainEstimate(conn, request.query) : undefined;
    return { ...request, ranges: [request.query], ...(estimated === undefined ? {} : { estimatedRows: estimated }) };
  }
  try {
    const probe = (await conn.query({ sql: columnsSql(split), rowsAsArray: true })) as { meta: Parameters<typeof splitField>[0] };
    const field = splitField(probe.meta, split.column);
    const [[min, max]] = (await conn.query({ sql: boundsSql(split), rowsAsArray: true })) as (string | number | null)[][];
    const bounds = { min: min === null ? null : String(min), max: max === null ? null : String(max), rows: await estimate(conn, split) };
    const snapshot = request.consistency === "snapshot" ? await planSnapshot(conn, split.body) : undefined;
    const highPriority = (snapshot?.lockedThroughout.length ?? 0) > 0;
    return { ...request, ranges: rangeQueries(split, field, bounds, request.readers, { highPriority }), estimatedRows: bounds.rows, snapshot };
  } catch (error) {
    throw planningFailure(error, split.column);
  }
}
