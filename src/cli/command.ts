// Argument parsing and --help, all from the flag table (flags.ts). citty parses; a pass over the
// tokens first (argv-tokens.ts) adds the strictness the contract needs and citty does not have:
// an unknown flag, a stray argument, a value for a switch (`--pretty=no`) and a single-value flag
// given twice (`-o a --output b`) are each exit 2, never silently resolved. That pass alone
// answers --help and --version: citty loads node:util, ~4.5 MB that a start-up which only prints
// should not pay.
import type { ArgsDef } from "citty";
import pkg from "../../package.json" with { type: "json" };
import { configError } from "../errors.ts";
import { DESCRIPTION } from "../formats.ts";
import { tokenize, type TokenOption } from "./argv-tokens.ts";
import { BUILTIN_FLAGS, FLAGS, SUBCOMMANDS, type FlagSpec } from "./flags.ts";
import type { ParsedFlags } from "./resolve-config.ts";

export const VERSION: string = pkg.version;

const ALL_FLAGS = [...FLAGS, ...BUILTIN_FLAGS];

// Earlier versions also took each flag's camelCase spelling (--dbUrl): scripts may use it.
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Each long spelling of a flag (`db-url`, `dbUrl`) to the flag. */
const BY_NAME = new Map<string, FlagSpec>(ALL_FLAGS.flatMap((f) => [[camel(f.name), f] as const, [f.name, f] as const]));
const OPTIONS: Record<string, TokenOption> = Object.fromEntries(
  [...BY_NAME].map(([name, f]) => [name, { type: f.type, ...(f.alias && name === f.name ? { short: f.alias } : {}) }]),
);

const ARGS: ArgsDef = Object.fromEntries(
  ALL_FLAGS.map((f) => [f.name, { type: f.type, alias: f.alias, description: f.description, valueHint: f.valueHint }]),
) as ArgsDef;

export interface ScannedFlags {
  /** How many times -v was given (-v -v, -vv, -pv, --verbose). */
  verbosity: number;
  /** The boolean flags given. */
  switches: Set<string>;
}

/**
 * Flags by name, and how many times -v was given. A flag's value is the next argument even when
 * it starts with a dash (`-q -v` queries "-v"), and in a cluster of short flags only the last may
 * take one (`-vq SQL`). Refused with exit 2: see the top.
 */
export function parseFlags(argv: string[], scanned = scanFlags(argv)): { flags: ParsedFlags; verbosity: number } {
  const { verbosity, switches } = scanned;
  // Required here, not imported at the top: see the top.
  const { parseArgs } = require("citty") as typeof import("citty");
  const parsed = parseArgs(argv, ARGS) as Record<string, string | boolean | undefined>;
  const flags: ParsedFlags = {};
  for (const f of ALL_FLAGS) if (parsed[f.name] !== undefined) flags[f.name] = parsed[f.name];
  // citty reads `--no-defaults` as `--defaults` negated: switches come from the tokens.
  for (const name of switches) flags[name] = true;
  return { flags, verbosity };
}

/** What citty lets through: refused with exit 2. */
export function scanFlags(argv: string[]): ScannedFlags {
  const given = new Set<string>();
  const switches = new Set<string>();
  let verbosity = 0;
  let before: string | undefined;
  for (const token of tokenize(argv, OPTIONS)) {
    if (token.kind === "positional") throw configError(`unexpected argument '${token.value}' (see --help)`);
    if (token.kind !== "option") continue; // `--`: only positionals follow, refused above
    const flag = BY_NAME.get(token.name);
    if (!flag) throw configError(`unknown option '${token.rawName}' (see --help)`);
    if (flag.first && before !== undefined) {
      throw configError(`${token.rawName} must come first on the command line, before ${before} (as in the mariadb client)`);
    }
    if (!flag.first) before ??= token.rawName;
    if (flag.type === "boolean") {
      if (token.value !== undefined) throw configError(`${token.rawName} takes no value, got '${token.value}'`);
      if (flag.name === "verbose") verbosity++;
      switches.add(flag.name);
    } else {
      if (!token.value) throw configError(`--${flag.name} needs a value`);
      if (given.has(flag.name)) throw configError(`--${flag.name} given more than once`);
      given.add(flag.name);
    }
  }
  return { verbosity, switches };
}

// ---- --help -------------------------------------------------------------------------------

const WIDTH = 80;
/** Where descriptions start; a longer flag puts its description on the next line. */
const DESCRIPTION_COLUMN = 30;

/** `words` in lines of at most `width` characters, a space between words. */
function wrap(words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** `head` with its description beside it, or below it when `head` reaches the description column. */
function entry(head: string, description: string, note?: string): string[] {
  // A note (`[env: DATABASE_URL]`) stays whole on one line.
  const words = [...description.split(" "), ...(note ? [note] : [])];
  const [first, ...rest] = wrap(words, WIDTH - DESCRIPTION_COLUMN);
  const indent = " ".repeat(DESCRIPTION_COLUMN);
  const lead = head.length < DESCRIPTION_COLUMN - 1 ? [head.padEnd(DESCRIPTION_COLUMN) + first] : [head, indent + first];
  return [...lead, ...rest.map((line) => indent + line)];
}

/** `  -q, --query SQL` or `      --db-url URL`: long names line up whether or not there is a short one. */
function flagHelp(flag: FlagSpec): string[] {
  const short = flag.alias ? `-${flag.alias}, ` : "    ";
  const value = flag.type === "string" ? ` ${flag.valueHint ?? "VALUE"}` : "";
  return entry(`  ${short}--${flag.name}${value}`, flag.description, flag.env && `[env: ${flag.env}]`);
}

const HELP_FOOTER = `Examples:
  gold-digger --db-url mysql://user:pass@db/shop -q 'SELECT * FROM t' -o t.csv
  DATABASE_URL=mysql://... gold-digger --query-file q.sql -o report.ndjson.zst
  gold-digger --db-url mysql://... -q 'SELECT 1' -o - -f json --pretty

Exit codes:
  0    rows written (or none, with --allow-empty)
  1    the query returned no rows (without --allow-empty)
  2    configuration or usage error
  3    cannot connect or authenticate
  4    the query failed, or the result failed while streaming
  5    output I/O failed
  129  interrupted by SIGHUP, 130 by SIGINT, 143 by SIGTERM`;

/** Left-aligned like the mariadb client's and ripgrep's help, within 80 columns. */
export function helpText(): string {
  const commands = SUBCOMMANDS.map((s) => `${s.name} ${s.args}`);
  return [
    `gold-digger ${VERSION}`,
    ...wrap(DESCRIPTION.split(" "), WIDTH),
    "",
    "Usage:",
    "  gold-digger [OPTIONS]",
    ...commands.map((usage) => `  gold-digger ${usage}`),
    "",
    "Commands:",
    ...SUBCOMMANDS.flatMap((s, i) => entry(`  ${commands[i]}`, s.description)),
    "",
    "Options:",
    ...ALL_FLAGS.flatMap(flagHelp),
    "",
    HELP_FOOTER,
    "",
  ].join("\n");
}
