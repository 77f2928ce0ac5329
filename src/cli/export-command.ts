// The export command, from parsed flags to the exported file. Loaded only when an export (or
// --dump-config, --dry-run) is asked for: it pulls in the connector and the encoders, which
// --help, --version and completion never need (the start-up cost of each module is paid in
// page faults and parse time by every run that loads it).
import type { ExportConfig } from "../config.ts";
import { configError, ExitCode } from "../errors.ts";
import { resolveReadPlan, runExport, type ExportHooks, type ExportStats } from "../export.ts";
import type { ExportPlan, ReadPlan } from "../plan.ts";
import { redactMessage, redactSql, sqlSecrets } from "../redact.ts";
import { describeConnection } from "./connection-target.ts";
import { PARTS_FLAGS } from "./flags.ts";
import type { Log } from "./log.ts";
import { planExport } from "./plan-export.ts";
import { startProgress, summary } from "./progress.ts";
import { configWarnings, resolveConfig, type ParsedFlags } from "./resolve-config.ts";
import type { CliIo } from "./run.ts";

/** What must not be printed: the query once known, and every secret found so far. */
export interface Redaction {
  query: string;
  secrets: string[];
}

/**
 * S3 fields that hold a secret whatever its value: masked by name, since a short one (a one-letter
 * key) cannot be hunted in free text without masking every such letter. (The password is shown
 * with where it came from: describeConnection.)
 */
const SECRET_FIELDS = new Set(["secretAccessKey", "sessionToken"]);

/** Each string through the last net before it is escaped as JSON, where a secret would no longer read as written. */
function redactedJson(value: unknown, secrets: string[]): string {
  const redact = (key: string, v: unknown) => {
    if (typeof v !== "string") return v;
    return SECRET_FIELDS.has(key) && v !== "" ? "***" : redactMessage(v, "", secrets);
  };
  return JSON.stringify(value, redact, 2) + "\n";
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

export async function runExportCommand(flags: ParsedFlags, verbosity: number, io: CliIo, redaction: Redaction, log: Log, signal?: AbortSignal): Promise<number> {
  const partsFlag = PARTS_FLAGS.find((f) => flags[f.name] !== undefined);
  if (partsFlag) throw configError(`--${partsFlag.name} applies to gold-digger plan, part and commit only (see docs/parts.md)`);
  const cfg = resolveConfig(flags, io.env, verbosity, io.stderrIsTty);
  if (!cfg.quiet) for (const warning of configWarnings(cfg)) log.warn(`warning: ${warning}`);
  redaction.query = cfg.query;
  redaction.secrets.push(cfg.connection.target.password, ...sqlSecrets(cfg.query));
  if (flags["dump-config"]) {
    io.stdout(dumpConfig(cfg, redaction.secrets));
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
    io.stdout(describePlan(plan, await resolveReadPlan(plan, hooks), redaction.secrets));
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
}
