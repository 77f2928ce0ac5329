// Every diagnostic line on stderr, in the format --log-format asks for: plain lines for people, or
// one JSON object a line for log collectors. Both go through the same redaction, so a secret is
// masked whichever format prints it.
import { configError } from "../errors.ts";
import type { ParsedFlags } from "./resolve-config.ts";

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Numbers a line carries besides its message (the summary's rows and bytes), as JSON fields. */
export type LogFields = Record<string, number>;

export interface Log {
  readonly format: LogFormat;
  /** The failure that ends the run, with the exit code it ends it with. */
  error(message: string, exit: number): void;
  /** A warning as the text log shows it, `warning: ` first. */
  warn(line: string): void;
  info(message: string, fields?: LogFields): void;
}

// Warnings are written whole by whoever finds them (the TLS plan, the pipeline, the encoders);
// in JSON the prefix is what `level` says.
const WARNING = "warning: ";

/**
 * A log writing whole lines to `write`. `redact` is the last net over every message; in JSON it
 * runs before the message is escaped, where a secret still reads as written.
 */
export function createLog(format: LogFormat, write: (text: string) => void, redact: (text: string) => string): Log {
  if (format === "text") {
    return {
      format,
      error: (message) => write(`${redact(`gold-digger: ${message}`)}\n`),
      warn: (line) => write(`${redact(line)}\n`),
      info: (message) => write(`${redact(message)}\n`),
    };
  }
  const json = (level: "error" | "warn" | "info", message: string, fields: LogFields = {}) =>
    write(`${JSON.stringify({ ts: new Date().toISOString(), level, msg: redact(message), ...fields })}\n`);
  return {
    format,
    error: (message, exit) => json("error", message, { exit }),
    warn: (line) => json("warn", line.startsWith(WARNING) ? line.slice(WARNING.length) : line),
    info: (message, fields) => json("info", message, fields),
  };
}

/** --log-format, checked: an unknown one is a usage error. */
export function logFormatOf(flags: ParsedFlags): LogFormat {
  const raw = flags["log-format"];
  if (typeof raw !== "string") return "text";
  const format = LOG_FORMATS.find((f) => f === raw.toLowerCase());
  if (!format) throw configError(`unknown --log-format '${raw}': use ${LOG_FORMATS.join(" or ")}`);
  return format;
}

/**
 * The format asked for on a command line that may not parse: a usage error is JSON too when
 * `--log-format json` is among the arguments, whatever else is wrong with them.
 */
export function requestedLogFormat(argv: string[]): LogFormat {
  const spellings = ["--log-format", "--logFormat"];
  const json = argv.some((arg, i) => {
    const [name, value] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, argv[i + 1]];
    return spellings.includes(name) && value?.toLowerCase() === "json";
  });
  return json ? "json" : "text";
}
