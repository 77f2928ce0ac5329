// Every command-line flag, once: argument parsing, --help and the shell completion scripts are
// all derived from this table.
import { COMPRESSIONS, FORMATS, inWords } from "../formats.ts";
import { LOG_FORMATS } from "./log.ts";

/** The subcommands of an export spread over machines (docs/parts.md). */
export const PARTS_COMMANDS = ["plan", "part", "commit"] as const;
export type PartsCommand = (typeof PARTS_COMMANDS)[number];

/** The flags of an export spread over machines (gold-digger plan, part, commit), refused by a plain export. */
export const PARTS_FLAGS: FlagSpec[] = [
  { name: "parts", type: "string", valueHint: "N", description: "plan: cut the export into N parts, each run by `gold-digger part`" },
  { name: "plan", type: "string", valueHint: "PLAN", file: true, description: "plan, part, commit: the plan's file or s3:// URL" },
  { name: "part", type: "string", env: "JOB_COMPLETION_INDEX", valueHint: "I", description: "part: which part to run, from 0" },
  { name: "barrier-timeout", type: "string", valueHint: "SECONDS", description: "plan: how long to wait for every part to open the snapshot (default 600)" },
];

export interface FlagSpec {
  name: string;
  alias?: string;
  type: "string" | "boolean";
  description: string;
  env?: string;
  valueHint?: string;
  /** Fixed choices, offered by shell completion. */
  choices?: string[];
  /** Completion should offer file names. */
  file?: boolean;
  /** Only before every other flag, as the `mariadb` client takes it. */
  first?: boolean;
}

export const FLAGS: FlagSpec[] = [
  { name: "no-defaults", type: "boolean", first: true, description: "Read no option file (must come first)" },
  { name: "defaults-file", type: "string", first: true, valueHint: "FILE", file: true, description: "Read options from FILE only, not ~/.my.cnf or /etc (must come first)" },
  { name: "defaults-extra-file", type: "string", first: true, valueHint: "FILE", file: true, description: "Read FILE after the global option files, before ~/.my.cnf (must come first)" },
  { name: "db-url", type: "string", env: "DATABASE_URL", valueHint: "URL", description: "mysql://user:pass@host:port/db, then ?ssl-mode=MODE or ?socketPath=PATH" },
  { name: "query", alias: "q", type: "string", env: "DATABASE_QUERY", valueHint: "SQL", description: "SQL query to run" },
  { name: "query-file", type: "string", valueHint: "FILE", file: true, description: "Read the query from FILE; - reads standard input (conflicts with --query)" },
  { name: "output", alias: "o", type: "string", env: "OUTPUT_FILE", valueHint: "FILE", file: true, description: "Output file; - writes to stdout; s3://BUCKET/KEY writes an object" },
  { name: "format", alias: "f", type: "string", valueHint: "FORMAT", choices: [...FORMATS], description: `${inWords(FORMATS)} (default: from the output extension)` },
  { name: "pretty", alias: "p", type: "boolean", description: "Indent JSON output by 2 spaces" },
  { name: "allow-empty", type: "boolean", description: "Zero rows is success (exit 0) and writes an empty export" },
  { name: "force", type: "boolean", description: "Overwrite an existing output file" },
  { name: "compress", type: "string", valueHint: "ALGO", choices: [...COMPRESSIONS], description: "Compress the output (default: from a .gz or .zst extension); parquet: inside the file, zstd by default, snappy too" },
  { name: "null-value", type: "string", valueHint: "TEXT", description: "CSV/TSV: write NULL as TEXT (e.g. \\N); an empty string stays an empty field (default: NULL is an empty field too)" },
  { name: "row-group-rows", type: "string", valueHint: "N", description: "Parquet: rows per row group, the memory knob (default 16384)" },
  { name: "max-file-rows", type: "string", valueHint: "N", description: "Split the output into files of at most N rows each, plus a manifest (-o names them: {part}, or -00000 before the extension)" },
  { name: "max-file-size", type: "string", valueHint: "SIZE", description: "Split the output into files of about SIZE bytes (K, M, G suffixes; a file may pass it by one batch or row group), plus a manifest" },
  { name: "csv-lf", type: "boolean", description: "End CSV records with LF instead of CRLF" },
  { name: "workers", type: "string", valueHint: "N", description: "Encoder threads; 0 encodes on the main thread (default: 0, or one per core for gzip)" },
  { name: "batch-rows", type: "string", valueHint: "N", description: "Rows per batch handed to a serializer (default 4096)" },
  { name: "split-by", type: "string", valueHint: "COLUMN", description: "Read the query in ranges of COLUMN (integer, DECIMAL, DATE or DATETIME), in order" },
  { name: "parallel", type: "string", valueHint: "N", description: "Read the ranges with N connections at once (needs --split-by; default 1)" },
  { name: "consistency", type: "string", valueHint: "MODE", choices: ["snapshot", "none"], description: "With --split-by: one snapshot for all readers (default: snapshot), or none" },
  { name: "connect-timeout", type: "string", valueHint: "SECONDS", description: "Give up connecting after SECONDS (default 10)" },
  { name: "read-timeout", type: "string", valueHint: "SECONDS", description: "Fail if the server goes silent for SECONDS in the middle of the result (default 300; 0 = never)" },
  { name: "tls-ca-file", type: "string", valueHint: "PATH", file: true, description: "Verify the server certificate against this CA (PEM)" },
  { name: "insecure-skip-hostname-verify", type: "boolean", description: "Verify the certificate chain but not the host name (insecure)" },
  { name: "allow-invalid-certificate", type: "boolean", description: "Encrypt without verifying the certificate at all (insecure)" },
  { name: "verbose", alias: "v", type: "boolean", description: "More diagnostics on stderr (repeat for more)" },
  { name: "quiet", type: "boolean", description: "Only errors on stderr" },
  { name: "log-format", type: "string", valueHint: "FORMAT", choices: [...LOG_FORMATS], description: "Diagnostics on stderr as plain lines (default: text) or one JSON object a line (json)" },
  { name: "dump-config", type: "boolean", description: "Print the resolved configuration as JSON (secrets redacted) and exit" },
  { name: "dry-run", type: "boolean", description: "Print the read plan as JSON (ranges, estimated rows, protocol, snapshot tables; secrets redacted) and exit: reads no row, writes no output" },
  ...PARTS_FLAGS,
];

/** The environment variables a configuration is read from. */
export const CONFIG_ENV = FLAGS.flatMap((f) => (f.env ? [f.env] : []));

/** Answered before any export flag is looked at. */
export const HELP_FLAG: FlagSpec = { name: "help", alias: "h", type: "boolean", description: "Show this help" };
export const BUILTIN_FLAGS: FlagSpec[] = [HELP_FLAG, { name: "version", alias: "V", type: "boolean", description: "Show the version" }];

export const SUBCOMMANDS = [
  { name: "plan", args: "[OPTIONS] --split-by COLUMN --parts N --plan PLAN", description: "Plan one export as N parts to run on as many machines (docs/parts.md)" },
  { name: "part", args: "--plan PLAN --part I", description: "Run part I of a plan: its file and its manifest" },
  { name: "commit", args: "--plan PLAN", description: "Check every part and write the dataset's manifest" },
  { name: "completion", args: "SHELL", description: "Print a shell completion script: bash, zsh, fish or powershell" },
  { name: "demo", args: "[--dir DIR]", description: "Start a throwaway MariaDB, export a sample table in every format, clean up" },
];
