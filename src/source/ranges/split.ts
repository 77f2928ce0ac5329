// --split-by: the query wrapped as a derived table and cut into ranges of one column,
// `SELECT * FROM (<query>) AS q WHERE col >= lo AND col < hi`, NULLs of the column first as a
// range of their own. MariaDB merges such a derived table, so each range uses the column's
// index. A query whose rows the wrapping would reorder, cut or duplicate is refused.
import { SqlError, TypeNumbers, type FieldInfo } from "mariadb";
import { configError } from "../../errors.ts";
import { lex, type Token } from "../../sql/lexer.ts";
import { queryFailure } from "../errors.ts";
import { civilFromDays, daysFromCivil } from "../../format/calendar.ts";
import { isNotNull } from "../wire/column-kinds.ts";

/** The query as the wrapping sees it, from one pass of the lexer over its text. */
interface TopLevel {
  /** The query without a trailing `;` and without its top-level ORDER BY. */
  body: string;
  /** The top-level ORDER BY list, comments left out, if any. */
  orderBy?: Token[];
}

/** A code token (no comment), with how deep in parentheses and whether it belongs to the query itself. */
interface Placed {
  token: Token;
  depth: number;
  /**
   * At the top level, or inside parentheses that hold the query or a part of its set operation
   * (`(SELECT ... LIMIT 5) UNION (...)`), as opposed to a subquery, a function call or a list.
   */
  queryLevel: boolean;
}

const SET_OPERATIONS = new Set(["UNION", "EXCEPT", "INTERSECT", "MINUS"]);

/** Whether the `(` at `k` starts an operand of the query: at its start, or after UNION [ALL|DISTINCT] and its kin. */
function opensOperand(code: Token[], k: number): boolean {
  const before = code[k - 1];
  if (!before || before.text === "(") return true;
  const setOperation = (token?: Token) => token?.kind === "word" && SET_OPERATIONS.has(token.text);
  return setOperation(before) || ((before.text === "ALL" || before.text === "DISTINCT") && setOperation(code[k - 2]));
}

function place(tokens: Token[]): Placed[] {
  const code = tokens.filter((t) => t.kind !== "comment");
  // Per open parenthesis, whether it holds the query itself.
  const levels = [true];
  return code.map((token, k) => {
    const punct = token.kind === "punct";
    if (punct && token.text === ")" && levels.length > 1) levels.pop();
    const placed = { token, depth: levels.length - 1, queryLevel: levels.at(-1)! };
    if (punct && token.text === "(") levels.push(placed.queryLevel && opensOperand(code, k));
    return placed;
  });
}

const isWord = (placed: Placed | undefined, ...words: string[]) => placed?.token.kind === "word" && words.includes(placed.token.text);

/** What a query starts with for the wrapping to take it as a derived table. */
const QUERY_STARTS = ["SELECT", "WITH", "VALUES", "TABLE"];

/**
 * Reads the query's top level, refusing (exit 2) what the wrapping would change: a LIMIT, an
 * ORDER BY in parentheses around the query or a part of it, a locking read, INTO, a statement
 * that is not a query, more than one statement.
 */
function topLevel(sql: string, flag: string): TopLevel {
  const placed = place(lex(sql));
  // A trailing `;` (or several) ends the statement; the body stops before it.
  let end = placed.length;
  while (end > 0 && placed[end - 1].token.text === ";" && placed[end - 1].depth === 0) end--;
  const statement = placed.slice(0, end);
  const refuse = (reason: string) => configError(`${flag}: ${reason}`);
  const first = statement.find((p) => p.token.kind !== "punct");
  if (!isWord(first, ...QUERY_STARTS)) {
    const start = first ? sql.slice(first.token.start, first.token.end) : "nothing";
    throw refuse(`only a query (SELECT, WITH, VALUES or TABLE) can be wrapped and split, and this one starts with ${start}`);
  }
  let orderAt: number | undefined;
  statement.forEach((p, k) => {
    const next = statement[k + 1];
    if (p.depth === 0 && p.token.text === ";") throw refuse("the text holds more than one statement; give one query");
    if (!p.queryLevel || p.token.kind !== "word") return;
    const inside = p.depth > 0 ? " inside the parentheses around the query (or a part of it)" : "";
    if (isWord(p, "LIMIT", "FETCH")) {
      throw refuse(`the query has a ${p.token.text}${inside}; ranges would each get their own, so it cannot be split`);
    }
    if (isWord(p, "ORDER") && isWord(next, "BY")) {
      if (p.depth > 0) throw refuse(`the query has an ORDER BY${inside}: the wrapping would lose that order, so it cannot be split; order at the top level, by the split column`);
      orderAt ??= k;
    }
    const locking = (isWord(p, "FOR") && isWord(next, "UPDATE", "SHARE")) || (isWord(p, "LOCK") && isWord(next, "IN"));
    if (locking) throw refuse("a locking read (FOR UPDATE, LOCK IN SHARE MODE, ...) cannot be wrapped as a derived table; drop the lock to split");
    if (isWord(p, "INTO")) throw refuse("a query with INTO cannot be wrapped as a derived table");
  });
  const cut = orderAt !== undefined ? statement[orderAt].token.start : (placed[end]?.token.start ?? sql.length);
  return {
    body: closed(sql.slice(0, cut).trimEnd()),
    orderBy: orderAt === undefined ? undefined : statement.slice(orderAt + 2).map((p) => p.token),
  };
}

/**
 * `body` made safe to follow with more SQL: a line comment at its end ended by a newline (else
 * the `)` of the wrapping falls into it), and an executable comment cut by the ORDER BY closed.
 */
function closed(body: string): string {
  const last = lex(body).at(-1);
  return body + (last?.toEndOfLine ? "\n" : "") + (last?.executable ? " */" : "");
}

/** `name` as a quoted identifier. */
const quoteName = (name: string) => "`" + name.replace(/`/g, "``") + "`";

/** The ways a split column's values can be cut: each maps the server's text to a number and back. */
interface KeySpace {
  toKey(text: string): bigint;
  /** An SQL literal for key `k`. */
  literal(k: bigint): string;
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, "0");

const INTEGER: KeySpace = { toKey: (t) => BigInt(t), literal: (k) => k.toString() };

function decimalSpace(scale: number): KeySpace {
  const unit = 10n ** BigInt(scale);
  return {
    toKey(text) {
      const negative = text.startsWith("-");
      const [whole = "0", fraction = ""] = text.replace(/^[-+]/, "").split(".");
      const k = BigInt(whole) * unit + BigInt((fraction + "0".repeat(scale)).slice(0, scale) || "0");
      return negative ? -k : k;
    },
    literal(k) {
      const sign = k < 0n ? "-" : "";
      const abs = k < 0n ? -k : k;
      return scale === 0 ? `${sign}${abs}` : `${sign}${abs / unit}.${pad(abs % unit, scale)}`;
    },
  };
}

const MICROS_PER_DAY = 86_400_000_000n;

/** a / b rounded down (BigInt division rounds toward zero). */
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** DATE keys are days, DATETIME and TIMESTAMP keys microseconds, both counted from 1970. */
function temporalSpace(withTime: boolean): KeySpace {
  return {
    toKey(text) {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
      if (!m) throw configError(`cannot split on the value '${text}'`);
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
      const days = BigInt(daysFromCivil(y, mo, d));
      if (!withTime) return days;
      return days * MICROS_PER_DAY + BigInt(h * 3600 + mi * 60 + s) * 1_000_000n + BigInt((m[7] ?? "").padEnd(6, "0"));
    },
    literal(k) {
      const days = withTime ? floorDiv(k, MICROS_PER_DAY) : k;
      const { year, month, day } = civilFromDays(Number(days));
      const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
      if (!withTime) return `'${date}'`;
      const micros = k - days * MICROS_PER_DAY;
      const seconds = Number(micros / 1_000_000n);
      const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
      return `'${date} ${time}.${pad(micros % 1_000_000n, 6)}'`;
    },
  };
}

const INTEGER_TYPES = new Set<number>([TypeNumbers.TINY, TypeNumbers.SHORT, TypeNumbers.INT24, TypeNumbers.INT, TypeNumbers.BIGINT, TypeNumbers.YEAR]);

function keySpace(field: FieldInfo): KeySpace | undefined {
  const t = field.columnType as number;
  if (INTEGER_TYPES.has(t)) return INTEGER;
  if (t === TypeNumbers.DECIMAL || t === TypeNumbers.NEWDECIMAL) return decimalSpace(field.scale);
  if (t === TypeNumbers.DATE) return temporalSpace(false);
  if (t === TypeNumbers.DATETIME || t === TypeNumbers.TIMESTAMP) return temporalSpace(true);
  return undefined;
}

/** A query that can be read in ranges of one column. */
export interface SplitQuery {
  column: string;
  /** The query, without a trailing `;` or a top-level ORDER BY, safe to follow with `) AS q`. */
  body: string;
  /** The query asked for its rows ordered by the column: so is each range. */
  ordered: boolean;
}

/**
 * Checks what can be checked on the text alone (see topLevel), and that a top-level ORDER BY is
 * the split column ascending (exit 2 otherwise).
 */
export function splitQuery(sql: string, column: string): SplitQuery {
  const flag = `--split-by ${column}`;
  const { body, orderBy } = topLevel(sql, flag);
  if (orderBy !== undefined) checkOrder(orderBy, sql, column, flag);
  return { column, body, ordered: orderBy !== undefined };
}

/**
 * The ranges keep an ORDER BY of the split column ascending, named as in the result: the server
 * reads a bare name in ORDER BY as the result's column first. A qualified name (`p.id`) is a
 * table's column whatever the result calls it (`-p.id AS id`), so it is refused, not guessed at.
 */
function checkOrder(list: Token[], sql: string, column: string, flag: string): void {
  const text = list.length === 0 ? "nothing" : sql.slice(list[0].start, list.at(-1)!.end);
  const [key, ...rest] = list;
  const named = key?.kind === "word" || key?.kind === "name";
  if (named && rest[0]?.text === ".") {
    throw configError(`${flag}: the query is ordered by ${text}, a table's column; order by the result's column name (ORDER BY ${column}) to split it`);
  }
  const ascending = rest.length === 0 || (rest.length === 1 && rest[0].kind === "word" && rest[0].text === "ASC");
  if (!named || !ascending || key.text !== column.toUpperCase()) {
    throw configError(`${flag}: the query is ordered by ${text}; ranges come out in order of ${column}, so only ORDER BY ${column} (ascending) can be split`);
  }
}

/**
 * The split column among the query's result columns, which must be one of the types ranges work
 * for. Its name is the only one of its kind: the derived table refuses duplicates (planningFailure).
 */
export function splitField(fields: FieldInfo[], column: string): FieldInfo {
  const field = fields.find((f) => f.name().toLowerCase() === column.toLowerCase());
  const names = fields.map((f) => f.name()).join(", ");
  if (!field) throw configError(`--split-by ${column}: no such column in the query's result (${names})`);
  if (!keySpace(field)) {
    throw configError(`--split-by ${column}: only an integer, DECIMAL, DATE or DATETIME column can be split`);
  }
  return field;
}

const DUPLICATE_COLUMN = 1060; // ER_DUP_FIELDNAME

/**
 * What a failure while the ranges are planned (the columns, the snapshot, the bounds, the plan)
 * means: a server error is the query's (exit 4), but for a name the result holds twice, which
 * a derived table refuses and an alias fixes (exit 2). Anything else is passed on as it is.
 */
export function planningFailure(error: unknown, column: string): unknown {
  if (!(error instanceof SqlError)) return error;
  if (error.errno !== DUPLICATE_COLUMN) return queryFailure(error);
  const name = /'(.*)'/.exec(error.sqlMessage ?? "")?.[1];
  const named = name === undefined ? "of the same name" : `named ${quoteName(name)}`;
  return configError(`--split-by ${column}: the query's result has more than one column ${named}, which a derived table refuses; give them distinct names (AS ...) to split it`);
}

export interface Bounds {
  min: string | null;
  max: string | null;
  /** The optimizer's estimate of the query's rows: it only sizes the ranges. */
  rows: number;
}

/**
 * The bounds of the split column over the query's rows, read before the readers' snapshot opens:
 * the first and last ranges are open-ended, so the bounds only balance the ranges. On an
 * indexed column the server reads them off the index's ends; a COUNT(*) here would scan every
 * row before the first range could start (0.11 s on the bench's 1M rows).
 */
export function boundsSql(split: SplitQuery): string {
  const c = `q.${quoteName(split.column)}`;
  return `SELECT MIN(${c}), MAX(${c}) FROM (${split.body}) AS q`;
}

/** The plan of the whole query, whose largest `rows` estimates its size without reading it (mydumper's way too). */
export const estimateSql = (split: SplitQuery) => `EXPLAIN SELECT * FROM (${split.body}) AS q`;

/** The largest `rows` of an EXPLAIN read with rowsAsArray (as every gold-digger connection reads); 0 if it has none. */
export function estimatedRows(plan: unknown[][] & { meta: FieldInfo[] }): number {
  const column = plan.meta.findIndex((f) => f.name().toLowerCase() === "rows");
  return Math.max(0, ...plan.map((step) => Number(step[column]) || 0));
}

/** The query as a derived table, whose columns come back with no row (to check the split column). */
export const columnsSql = (split: SplitQuery) => `SELECT * FROM (${split.body}) AS q LIMIT 0`;

/** Ranges of about this many rows: small enough to share out well, big enough to cost little each. */
const ROWS_PER_RANGE = 50_000;
const MAX_RANGES = 10_000;

export interface RangeOptions {
  /**
   * Read ahead of writers waiting for a table-level lock (MyISAM, Aria, MEMORY). While a read lock
   * is held for the whole read, a waiting writer would otherwise queue every later range behind it,
   * and the writer waits for that lock: a deadlock until lock_wait_timeout.
   */
  highPriority?: boolean;
}

/**
 * The range queries, in output order: the NULLs first (if the column may hold any), then ascending ranges, the
 * first open below and the last open above so that no row can fall outside them.
 */
export function rangeQueries(split: SplitQuery, field: FieldInfo, bounds: Bounds, readers: number, options: RangeOptions = {}): string[] {
  const c = `q.${quoteName(split.column)}`;
  const wrapped = `SELECT ${options.highPriority ? "HIGH_PRIORITY " : ""}* FROM (${split.body}) AS q`;
  const order = split.ordered ? ` ORDER BY ${c}` : "";
  const queries: string[] = [];
  if (!isNotNull(field)) queries.push(`${wrapped} WHERE ${c} IS NULL`);
  if (bounds.min === null || bounds.max === null) {
    // No value but NULL, or no row at all: one query keeps the result's columns.
    return queries.length > 0 ? queries : [`${wrapped}${order}`];
  }
  const space = keySpace(field)!;
  const lo = space.toKey(bounds.min);
  const span = space.toKey(bounds.max) - lo + 1n;
  const wanted = Math.min(MAX_RANGES, Math.max(readers * 4, Math.ceil(bounds.rows / ROWS_PER_RANGE)));
  const count = span < BigInt(wanted) ? Number(span) : wanted;
  const cuts = Array.from({ length: count - 1 }, (_, i) => space.literal(lo + (span * BigInt(i + 1)) / BigInt(count)));
  for (let i = 0; i <= cuts.length; i++) {
    const conditions = [i > 0 ? `${c} >= ${cuts[i - 1]}` : "", i < cuts.length ? `${c} < ${cuts[i]}` : ""].filter(Boolean);
    // The one range with neither bound still excludes the NULLs, which had their own.
    queries.push(`${wrapped} WHERE ${conditions.join(" AND ") || `${c} IS NOT NULL`}${order}`);
  }
  return queries;
}
