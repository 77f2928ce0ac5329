// A read request resolved on the server into its ranges: for --split-by, the column checked
// against the result's columns, the bounds and the size estimate read, and the tables one snapshot
// must hold. Nothing here reads a row of the result.
import type { Connection } from "mariadb";
import type { Protocol, ReadPlan, ReadRequest } from "../../plan.ts";
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
 * A plain query's rows as the optimizer estimates them (0 where it reads no table); none for a
 * statement other than a SELECT, or where the server will not say. A failure here is no failure
 * of the export: the query itself comes next and reports its own.
 */
async function plainEstimate(conn: Connection, sql: string): Promise<number | undefined> {
  if (!isSelect(sql)) return undefined;
  try {
    return estimatedRows(await conn.query({ sql: `EXPLAIN ${sql}`, rowsAsArray: true }));
  } catch {
    return undefined;
  }
}

/**
 * Fewer rows than this, as the optimizer estimates them, are read with the text protocol where
 * the request asks for the binary one. The binary protocol saves the server's formatting at the
 * price of a prepare round trip and of our rewrite, whose first thousands of rows run before the
 * JIT has compiled it. Measured on 2 cores, the compiled binary, one reader, CSV: 1,000 rows of 5
 * columns 6.5 ms less CPU as text (EXPLAIN included); 100,000 of the bench's wide rows 0.39 s as
 * text against 0.43-0.49 s (0.19 against 0.27 CPU-s), but 1M of them 3.7 s against 2.4 s.
 */
export const BINARY_PROTOCOL_MIN_ROWS = 100_000;

/** The request's protocol, unless the result is estimated too small for the binary one to pay. */
function protocolFor(request: ReadRequest, estimated: number | undefined): Protocol {
  return request.protocol === "binary" && estimated !== undefined && estimated < BINARY_PROTOCOL_MIN_ROWS ? "text" : request.protocol;
}

export interface PlanOptions {
  /** Estimate a plain query's rows even where the protocol does not depend on it (a split query's always are: its ranges are cut by them). */
  estimate?: boolean;
}

export async function planRead(conn: Connection, request: ReadRequest, options: PlanOptions = {}): Promise<ReadPlan> {
  const { split } = request;
  if (!split) {
    // One EXPLAIN decides: a small result reads as text, so it takes the prepare's round trip; a large one pays one more.
    const estimated = options.estimate || request.protocol === "binary" ? await plainEstimate(conn, request.query) : undefined;
    // 0 tells the protocol that the result is small, but no one how far an export is.
    const shown = estimated ? { estimatedRows: estimated } : {};
    return { ...request, protocol: protocolFor(request, estimated), ranges: [request.query], ...shown };
  }
  try {
    const probe = (await conn.query({ sql: columnsSql(split), rowsAsArray: true })) as { meta: Parameters<typeof splitField>[0] };
    const field = splitField(probe.meta, split.column);
    const [[min, max]] = (await conn.query({ sql: boundsSql(split), rowsAsArray: true })) as (string | number | null)[][];
    const bounds = { min: min === null ? null : String(min), max: max === null ? null : String(max), rows: await estimate(conn, split) };
    const snapshot = request.consistency === "snapshot" ? await planSnapshot(conn, split.body) : undefined;
    const highPriority = (snapshot?.lockedThroughout.length ?? 0) > 0;
    const ranges = rangeQueries(split, field, bounds, request.readers, { highPriority });
    // 0: the optimizer may not tell (a view without SHOW VIEW); the request's protocol then.
    return { ...request, protocol: protocolFor(request, bounds.rows || undefined), ranges, estimatedRows: bounds.rows, snapshot };
  } catch (error) {
    throw planningFailure(error, split.column);
  }
}
