// Runs the CLI: parses, resolves, exports, and turns every outcome into one line on
// stderr and an exit code. Nothing but exported data is ever written to stdout.
import type { ExportConfig } from "../config.ts";
import { ExitCode, GdError } from "../errors.ts";
import { resolveReadPlan, runExport, type ExportHooks, type ExportStats } from "../export.ts";
import type { ExportPlan, ReadPlan } from "../plan.ts";
import { envSecrets, redactMessage, redactSql, sqlSecrets, urlPasswords } from "../redact.ts";
import { helpText, parseFlags, VERSION } from "./command.ts";
import { completionScript } from "./completion.ts";
import { describeConnection } from "./connection-target.ts";
import { createLog, logFormatOf, requestedLogFormat } from "./log.ts";
import { startProgress, summary } from "./progress.ts";
import { planExport } from "./plan-export.ts";
import { CONFIG_ENV, configWarnings, resolveConfig } from "./resolve-config.ts";
import { refuseClosedStdout } from "../std-fds.ts";
import { refuseUndecodableInput } from "./utf8-input.ts";

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  /** Throws for arguments or variables that reached the process as bytes that are not UTF-8. */
  refuseUndecodable?: () => void;
}

const COMPLETION_USAGE = "usage: gold-digger completion bash|zsh|fish|powershell\n";
const DEMO_USAGE =
  "usage: gold-digger demo [--dir DIR]\n" +
  "Starts a throwaway MariaDB, loads a sample table, exports it in every format into DIR\n" +
  "(default ./gold-digger-demo), shows what it ran, and removes the server.\n";

export const processIo = (): CliIo => ({
  env: process.env,
  stdout: (t) => {
    refuseClosedStdout();
    process.stdout.write(t);
  },
  stderr: (t) => process.stderr.write(t),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  refuseUndecodable: () => refuseUndecodableInput(process.argv.length - 2, CONFIG_ENV),
});

/** Every secret we know of: what must never be printed. */
function secretsOf(argv: string[], env: CliIo["env"]): string[] {
  return [...[...argv, env.DATABASE_URL ?? ""].flatMap(urlPasswords), ...envSecrets(env)];
}

/** Each string through the last net before it is escaped as JSON, where a secret would no longer read as written. */
function redactedJson(value: unknown, secrets: string[]): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? redactMessage(v, "", secrets) : v), 2) + "\n";
}

const dumpConfig = (cfg: ExportConfig, secrets: string[]) =>
  redactedJson({ ...cfg, connection: describeConnection(cfg.connection), query: redactSql(cfg.query) }, secrets);

/** The read plan for --dry-run: the connection without its password, the SQL with its secrets masked. */
function describePlan(plan: ExportPlan, read: ReadPlan, secrets: string[]): string {
  const { target, tls, connectTimeoutMs } = plan.connection;
  const { split, query, ranges, ...rest } = read;
  const connection = { host: target.host, port: target.port, socketPath: target.socketPath, user: target.user, database: target.database, tls: tls.description, connectTimeoutMs };
  const reads = { query: redactSql(query), splitBy: split?.column, ...rest, ranges: ranges.map(redactSql) };
  return redactedJson({ connection, read: reads, encoding: plan.encoding, output: plan.output }, secrets);
}

/** The contract promises one line per failure, whatever a library put in a message. */
const oneLine = (message: string) => message.split("\n").find((l) => l.trim() !== "")?.trim() ?? message;

export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const secrets = secretsOf(argv, io.env);
  // Known once the configuration is resolved: a server error may quote it.
  let query = "";
  const redact = (line: string) => redactMessage(line, query, secrets);
  // Until the flags parse, as the arguments ask: a usage error is then as machine-readable as the rest.
  let log = createLog(requestedLogFormat(argv), io.stderr, redact);
  try {
    io.refuseUndecodable?.();
    if ((argv[0] === "completion" || argv[0] === "demo") && argv.includes("--help")) {
      io.stdout(argv[0] === "demo" ? DEMO_USAGE : COMPLETION_USAGE);
      return ExitCode.Ok;
    }
    if (argv[0] === "completion") {
      if (argv.length !== 2) throw new GdError(ExitCode.Config, COMPLETION_USAGE.trim());
      io.stdout(completionScript(argv[1]));
      return ExitCode.Ok;
    }
    if (argv[0] === "demo") {
      const { runDemo } = await import("../demo/demo.ts");
      return await runDemo(argv.slice(1), io, (args, demoIo) => runCli(args, demoIo, signal));
    }
    const { flags, verbosity } = parseFlags(argv);
    log = createLog(logFormatOf(flags), io.stderr, redact);
    if (flags.help) {
      io.stdout(helpText());
      return ExitCode.Ok;
    }
    if (flags.version) {
      io.stdout(`gold-digger ${VERSION}\n`);
      return ExitCode.Ok;
    }
    const cfg = resolveConfig(flags, io.env, verbosity, io.stderrIsTty);
    if (!cfg.quiet) for (const warning of configWarnings(cfg)) log.warn(`warning: ${warning}`);
    query = cfg.query;
    secrets.push(cfg.connection.target.password, ...sqlSecrets(cfg.query));
    if (flags["dump-config"]) {
      io.stdout(dumpConfig(cfg, secrets));
      return ExitCode.Ok;
    }
    const plan = planExport(cfg);
    const stats: ExportStats = { rows: 0, bytes: 0, startedAt: performance.now() };
    // A JSON log is read by programs, for which a line redrawn in place is noise.
    const live = cfg.progress && log.format === "text";
    const hooks: ExportHooks = {
      warn: (line) => cfg.quiet || log.warn(line),
      detail: (line) => cfg.verbosity > 0 && log.info(line),
      signal,
      stats,
      estimate: live,
    };
    if (flags["dry-run"]) {
      io.stdout(describePlan(plan, await resolveReadPlan(plan, hooks), secrets));
      return ExitCode.Ok;
    }
    const progress = live ? startProgress(stats, io) : undefined;
    try {
      await runExport(plan, hooks);
    } finally {
      progress?.stop();
    }
    if (cfg.verbosity > 0 || cfg.progress) {
      const { text, fields } = summary(stats, performance.now());
      log.info(text, fields);
    }
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof GdError) {
      log.error(oneLine(error.message), error.exitCode);
      return error.exitCode;
    }
    log.error(`unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}`, ExitCode.Query);
    return ExitCode.Query;
  }
}
