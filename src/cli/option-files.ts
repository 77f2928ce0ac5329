// MySQL/MariaDB option files (~/.my.cnf and the rest), read as the `mariadb` client reads them
// (mysys/my_default.c): the same files in the same order, the same groups, directives, comments,
// quotes and escapes. Only the connection options are kept; a later setting beats an earlier one.
import { readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import { join, resolve } from "node:path";
import { configError, errnoWords } from "../errors.ts";

/** The options gold-digger takes from option files, as the client spells them. */
export const OPTION_NAMES = ["user", "password", "host", "port", "socket", "database", "ssl-ca", "ssl-mode"] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

/** Read by every MariaDB client, and our own. */
const GROUPS = new Set(["client", "client-server", "client-mariadb", "mariadb-client", "gold-digger"]);
const OWN_GROUP = "gold-digger";

/**
 * The files read before the user's own, in order; a colon-separated list replaces them. The seam
 * that keeps tests (and a packager's sandbox) away from the machine's /etc.
 */
export const GLOBAL_FILES_ENV = "GOLD_DIGGER_GLOBAL_OPTION_FILES";
const GLOBAL_FILES = ["/etc/my.cnf", "/etc/mysql/my.cnf"];

/** The client gives up on `!include` and `!includedir` this many files deep (a cycle ends here too). */
const MAX_INCLUDE_DEPTH = 10;

export interface OptionSetting {
  /** Undefined for a bare option (`password` alone: the client would prompt for it). */
  value?: string;
  /** Where it was set, for messages and --dump-config: `/home/x/.my.cnf [client]`. */
  from: string;
}

export interface OptionFiles {
  settings: Partial<Record<OptionName, OptionSetting>>;
  warnings: string[];
}

/** --no-defaults, --defaults-file, --defaults-extra-file. */
export type OptionFileChoice = { read: "none" } | { read: "only"; file: string } | { read: "defaults"; extraFile?: string };

type Env = Record<string, string | undefined>;

// The C library's isspace() in the latin1 locale the client parses with.
const SPACE = "[\\t\\n\\v\\f\\r ]";
const LEADING_SPACE = new RegExp(`^${SPACE}+`);
const TRAILING_SPACE = new RegExp(`${SPACE}+$`);
const DIRECTIVE = new RegExp(`^(includedir|include)(?:${SPACE}(.*))?$`);
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", s: " ", '"': '"', "'": "'", "\\": "\\" };

/** `~/x` as the client expands it; HOME unset leaves it as written. */
function expandHome(path: string, env: Env): string {
  return path.startsWith("~/") && env.HOME ? join(env.HOME, path.slice(2)) : path;
}

/** The files to read, in order: later ones win. Each explicit one must exist. */
function filesToRead(choice: OptionFileChoice, env: Env): { path: string; flag?: string }[] {
  if (choice.read === "none") return [];
  if (choice.read === "only") return [{ path: expandHome(choice.file, env), flag: "--defaults-file" }];
  const globals = env[GLOBAL_FILES_ENV] === undefined ? GLOBAL_FILES : env[GLOBAL_FILES_ENV].split(":").filter(Boolean);
  // As the client: MARIADB_HOME, else MYSQL_HOME, names a directory holding one more my.cnf.
  const serverHome = env.MARIADB_HOME ?? env.MYSQL_HOME;
  return [
    ...globals.map((path) => ({ path })),
    ...(serverHome ? [{ path: join(serverHome, "my.cnf") }] : []),
    ...(choice.extraFile === undefined ? [] : [{ path: expandHome(choice.extraFile, env), flag: "--defaults-extra-file" }]),
    ...(env.HOME ? [{ path: join(env.HOME, ".my.cnf") }] : []),
  ];
}

export function readOptionFiles(choice: OptionFileChoice, env: Env): OptionFiles {
  const result: OptionFiles = { settings: {}, warnings: [] };
  for (const { path, flag } of filesToRead(choice, env)) {
    const stats = statOrUndefined(path);
    if (flag !== undefined && !stats) throw configError(`cannot read ${flag} ${path}: no such file or directory`);
    // The client reads a directory as an empty file; named on the command line, it is surely a slip.
    if (flag !== undefined && stats?.isDirectory()) throw configError(`${flag} ${path} is a directory`);
    if (stats) readFile(path, stats, 0, env, result, flag);
  }
  return result;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * One file's settings into `result`. Like the client: a missing or directory file is skipped
 * without a word, a world-writable one with a warning (anyone could have put a host there).
 */
function readFile(path: string, stats: Stats, depth: number, env: Env, result: OptionFiles, flag?: string): void {
  if (stats.isDirectory()) return;
  if (stats.isFile() && (stats.mode & 0o002) !== 0) {
    result.warnings.push(`world-writable option file ${path} is ignored`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (flag !== undefined) throw configError(`cannot read ${flag} ${path}: ${errnoWords(error)}`);
    // The client skips it in silence, which leaves a user wondering why a password is not used.
    result.warnings.push(`cannot read option file ${path}: ${errnoWords(error)}; ignored`);
    return;
  }
  let group: string | undefined;
  text.split("\n").forEach((raw, index) => {
    const where = `${path} line ${index + 1}`;
    const line = raw.replace(LEADING_SPACE, "");
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    if (line.startsWith("!")) return directive(line, where, depth, env, result);
    if (line.startsWith("[")) {
      const end = line.indexOf("]");
      if (end < 0) throw configError(`option file ${where}: a group name needs its ']'`);
      group = line.slice(1, end).replace(TRAILING_SPACE, "");
      return;
    }
    if (group === undefined) throw configError(`option file ${where}: an option before any [group]`);
    if (!GROUPS.has(group.toLowerCase())) return;
    setOption(line, `${path} [${group}]`, group.toLowerCase() === OWN_GROUP, where, result);
  });
}

/** `!include FILE` and `!includedir DIR`, read where they stand, whatever the group. */
function directive(line: string, where: string, depth: number, env: Env, result: OptionFiles): void {
  if (depth >= MAX_INCLUDE_DEPTH) {
    result.warnings.push(`skipping '${line.replace(TRAILING_SPACE, "")}' in ${where}: includes nest more than ${MAX_INCLUDE_DEPTH} deep`);
    return;
  }
  const match = DIRECTIVE.exec(line.slice(1).replace(LEADING_SPACE, ""));
  // The client ignores a directive it does not know (`!includex`).
  if (!match) return;
  const [, keyword, argument = ""] = match;
  const target = argument.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
  if (target === "") throw configError(`option file ${where}: !${keyword} needs a ${keyword === "include" ? "file" : "directory"}`);
  const path = resolve(expandHome(target, env));
  if (keyword === "include") {
    const stats = statOrUndefined(path);
    // A missing file is no error for the client.
    if (stats) readFile(path, stats, depth + 1, env, result);
    return;
  }
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (error) {
    throw configError(`option file ${where}: cannot read !includedir ${path}: ${errnoWords(error)}`);
  }
  // The client's order: the names' bytes, so `B.cnf` before `a.cnf`.
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names.filter((n) => n.endsWith(".cnf"))) {
    const file = join(path, name);
    const stats = statOrUndefined(file);
    if (stats) readFile(file, stats, depth + 1, env, result);
  }
}

/** `name = value` as the client reads it: `#` outside quotes ends it, quotes around the value go, escapes count. */
function setOption(line: string, from: string, ownGroup: boolean, where: string, result: OptionFiles): void {
  const text = line.slice(0, commentStart(line));
  const eq = text.indexOf("=");
  // Names are case-insensitive, `-` and `_` alike; `loose-` only spares an unknown option the error.
  const written = (eq < 0 ? text : text.slice(0, eq)).replace(TRAILING_SPACE, "");
  const normalized = written.toLowerCase().replaceAll("_", "-");
  const loose = normalized.startsWith("loose-");
  const name = loose ? normalized.slice("loose-".length) : normalized;
  if (!(OPTION_NAMES as readonly string[]).includes(name)) {
    // [client] and the like hold options for every client program; our own group, only ours.
    if (ownGroup && !loose) throw configError(`option file ${where}: unknown option '${written}' in [${OWN_GROUP}] (known: ${OPTION_NAMES.join(", ")})`);
    return;
  }
  result.settings[name as OptionName] = { value: eq < 0 ? undefined : optionValue(text.slice(eq + 1)), from };
}

/** Where a `#` comment starts: outside quotes, where a backslash escapes a quote. */
function commentStart(line: string): number {
  let quote = "";
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ((c === "'" || c === '"') && !escaped) {
      if (!quote) quote = c;
      else if (quote === c) quote = "";
    }
    if (!quote && c === "#") return i;
    escaped = quote !== "" && c === "\\" && !escaped;
  }
  return line.length;
}

function optionValue(raw: string): string {
  let value = raw.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
  if (value.length > 1 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
  // An unknown escape keeps its backslash, as does one that ends the value.
  return value.replace(/\\([^])/g, (escape, c: string) => ESCAPES[c] ?? escape);
}
