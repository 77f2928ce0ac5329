// The citty command definition, built from the flag table, and argument parsing with the
// strictness the contract needs (unknown flags and stray arguments are exit 2).
import { defineCommand, parseArgs, renderUsage, type ArgsDef } from "citty";
import pkg from "../../package.json" with { type: "json" };
import { configError } from "../errors.ts";
import { FLAGS } from "./flags.ts";
import type { ParsedFlags } from "./resolve-config.ts";

export const VERSION: string = pkg.version;

const args: ArgsDef = {};
for (const f of FLAGS) {
  args[f.name] = {
    type: f.type,
    alias: f.alias,
    description: f.env ? `${f.description} [env: ${f.env}]` : f.description,
    valueHint: f.valueHint,
  } as ArgsDef[string];
}
args.help = { type: "boolean", alias: "h", description: "Show this help" };
args.version = { type: "boolean", alias: "V", description: "Show the version" };

export const command = defineCommand({
  meta: { name: "gold-digger", version: VERSION, description: "Export one MySQL/MariaDB query result to CSV, TSV, JSON or NDJSON" },
  args,
});

const HELP_FOOTER = `
Examples:
  gold-digger --db-url mysql://user:pass@db:3306/shop -q 'SELECT * FROM orders' -o orders.csv
  DATABASE_URL=mysql://... gold-digger --query-file report.sql -o report.ndjson.zst
  gold-digger --db-url mysql://... -q 'SELECT 1' -o - -f json --pretty

Subcommands:
  gold-digger completion bash|zsh|fish|powershell   print a completion script
  gold-digger demo [--dir DIR]                      export a sample table in every format

Exit codes: 0 ok, 1 no rows (without --allow-empty), 2 configuration error, 3 cannot connect,
4 query or streaming failed, 5 output I/O failed, 129/130/143 interrupted (SIGHUP/INT/TERM).
`;

/** citty colours its usage text; plain when stdout is not a terminal or NO_COLOR is set. */
export async function helpText(color: boolean): Promise<string> {
  const text = (await renderUsage(command)) + "\n" + HELP_FOOTER;
  return color ? text : text.replace(/\x1b\[[0-9;]*m/g, "");
}

const known = new Set<string>(["_", "help", "h", "version", "V"]);
for (const f of FLAGS) {
  known.add(f.name);
  if (f.alias) known.add(f.alias);
}
// citty also answers to the camelCase spelling of each flag.
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every spelling of a flag whose value may be the next argument (`-q -v` queries "-v"). */
const VALUE_FLAGS = new Set<string>(
  FLAGS.filter((f) => f.type === "string").flatMap((f) => [`--${f.name}`, `--${camel(f.name)}`, ...(f.alias ? [`-${f.alias}`] : [])]),
);

/**
 * How many times -v was given (-v -v, -vv, -pv, --verbose): citty only keeps true. Values
 * are skipped, and in a cluster of short flags only the last may take one (-vq SQL).
 */
function countVerbose(argv: string[]): number {
  let verbosity = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    const cluster = /^-[A-Za-z]+$/.test(arg);
    if (arg === "--verbose") verbosity++;
    else if (cluster) verbosity += arg.split("v").length - 1;
    if (VALUE_FLAGS.has(cluster ? `-${arg.at(-1)}` : arg)) i++;
  }
  return verbosity;
}

export function parseFlags(argv: string[]): { flags: ParsedFlags; verbosity: number } {
  const parsed = parseArgs(argv, args) as unknown as Record<string, unknown> & { _: string[] };
  for (const key of Object.keys(parsed)) {
    if (!known.has(key) && !FLAGS.some((f) => camel(f.name) === key)) {
      throw configError(`unknown option '${key.length === 1 ? "-" : "--"}${key}' (see --help)`);
    }
  }
  if (parsed._.length > 0) throw configError(`unexpected argument '${parsed._[0]}' (see --help)`);
  for (const f of FLAGS) {
    const v = parsed[f.name];
    if (Array.isArray(v)) {
      if (f.type === "string") throw configError(`--${f.name} given more than once`);
    } else if (f.type === "string" && (v === true || v === "")) {
      throw configError(`--${f.name} needs a value`);
    }
  }
  const verbosity = countVerbose(argv);
  const flags: ParsedFlags = {};
  for (const f of FLAGS) {
    const v = parsed[f.name];
    flags[f.name] = Array.isArray(v) ? (v.at(-1) as boolean) : (v as string | boolean | undefined);
  }
  flags.help = parsed.help === true;
  flags.version = parsed.version === true;
  return { flags, verbosity };
}
