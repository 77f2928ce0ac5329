// --split-by: the query wrapped as a derived table and cut into ranges of one column,
// `SELECT * FROM (<query>) AS q WHERE col >= lo AND col < hi`, NULLs of the column first as a
// range of their own. MariaDB merges such a derived table, so each range uses the column's
// index. A query whose rows the wrapping would reorder, cut or duplicate is refused.
import { TypeNumbers, type FieldInfo } from "mariadb";
import { configError } from "../../errors.ts";
import { isNotNull } from "../wire/column-kinds.ts";

/** The query's top level: what lies outside strings, comments and parentheses. */
interface TopLevel {
  /** The query without a trailing `;` and without its top-level ORDER BY. */
  body: string;
  /** The top-level ORDER BY list, if any. */
  orderBy?: string;
  hasLimit: boolean;
}

/** Top-level keywords, with where they start, found by one pass over the text. */
function topLevelWords(sql: string): { word: string; at: number }[] {
  const words: { word: string; at: number }[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      // A quoted string or name; doubled quotes and (but for names) backslashes escape.
      for (i++; i < n; i++) {
        if (sql[i] === "\\" && c !== "`") i++;
        else if (sql[i] === c) {
          if (sql[i + 1] === c) i++;
          else break;
        }
      }
      i++;
    } else if (c === "#" || (c === "-" && sql.startsWith("-- ", i)) || (c === "-" && sql.startsWith("--\n", i))) {
      while (i < n && sql[i] !== "\n") i++;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      depth--;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      if (depth === 0) words.push({ word: sql.slice(start, i).toUpperCase(), at: start });
    } else i++;
  }
  return words;
}

function topLevel(sql: string): TopLevel {
  const text = sql.replace(/[\s;]+$/, "");
  const words = topLevelWords(text);
  const hasLimit = words.some((w) => w.word === "LIMIT");
  const order = words.findIndex((w, k) => w.word === "ORDER" && words[k + 1]?.word === "BY");
  if (order < 0) return { body: text, hasLimit };
  const by = words[order + 1];
  return { body: text.slice(0, words[order].at), orderBy: text.slice(by.at + 2).trim(), hasLimit };
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

/** Milliseconds since 1970 of a UTC wall-clock time; Date.UTC would read years 0-99 as 1900-1999. */
function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime();
}

/** DATE keys are days, DATETIME and TIMESTAMP keys microseconds, both counted from 1970. */
function temporalSpace(withTime: boolean): KeySpace {
  return {
    toKey(text) {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
      if (!m) throw configError(`cannot split on the value '${text}'`);
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
      const micros = BigInt(utcMillis(y, mo, d, h, mi, s)) * 1000n + BigInt((m[7] ?? "").padEnd(6, "0"));
      return withTime ? micros : floorDiv(micros, MICROS_PER_DAY);
    },
    literal(k) {
      const micros = withTime ? k : k * MICROS_PER_DAY;
      const seconds = floorDiv(micros, 1_000_000n);
      const date = new Date(Number(seconds) * 1000);
      const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
      if (!withTime) return `'${day}'`;
      const time = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
      return `'${day} ${time}.${pad(micros - seconds * 1_000_000n, 6)}'`;
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
  /** The query, without a trailing `;` or a top-level ORDER BY. */
  body: string;
  /** The query asked for its rows ordered by the column: so is each range. */
  ordered: boolean;
}

/**
 * Checks what can be checked on the text alone: a top-level LIMIT, and a top-level ORDER BY
 * other than the split column ascending, are refused (exit 2).
 */
export function splitQuery(sql: string, column: string): SplitQuery {
  const { body, orderBy, hasLimit } = topLevel(sql);
  const flag = `--split-by ${column}`;
  if (hasLimit) throw configError(`${flag}: the query has a LIMIT; ranges would each get their own, so it cannot be split`);
  let ordered = false;
  if (orderBy !== undefined) {
    const m = /^(?:(?:`[^`]+`|\w+)\.)?(`(?:[^`]|``)+`|\w+)(?:\s+ASC)?$/i.exec(orderBy);
    const name = m?.[1]?.startsWith("`") ? m[1].slice(1, -1).replace(/``/g, "`") : m?.[1];
    if (name?.toLowerCase() !== column.toLowerCase()) {
      throw configError(`${flag}: the query is ordered by ${orderBy}; ranges come out in order of ${column}, so only ORDER BY ${column} (ascending) can be split`);
    }
    ordered = true;
  }
  return { column, body, ordered };
}

/** The split column among the query's result columns, which must be one of the types ranges work for. */
export function splitField(fields: FieldInfo[], column: string): FieldInfo {
  const matches = fields.filter((f) => f.name().toLowerCase() === column.toLowerCase());
  const names = fields.map((f) => f.name()).join(", ");
  if (matches.length === 0) throw configError(`--split-by ${column}: no such column in the query's result (${names})`);
  if (matches.length > 1) throw configError(`--split-by ${column}: the query's result has more than one column of that name`);
  if (!keySpace(matches[0])) {
    throw configError(`--split-by ${column}: only an integer, DECIMAL, DATE or DATETIME column can be split`);
  }
  return matches[0];
}

export interface Bounds {
  min: string | null;
  max: string | null;
  /** The optimizer's estimate of the query's rows: it only sizes the ranges. */
  rows: number;
}

/**
 * The bounds of the split column over the query's rows (run inside the readers' snapshot). On an
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
