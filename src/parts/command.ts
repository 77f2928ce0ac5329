// gold-digger plan, part and commit: which flags each takes, and the one to run. Loaded only for
// these subcommands, as the export command is only for an export.
import { configError } from "../errors.ts";
import type { Redaction } from "../cli/export-command.ts";
import type { Log } from "../cli/log.ts";
import type { PartsCommand } from "../cli/flags.ts";
import type { ParsedFlags } from "../cli/resolve-config.ts";
import type { CliIo } from "../cli/run.ts";

export interface CommandContext {
  flags: ParsedFlags;
  verbosity: number;
  io: CliIo;
  redaction: Redaction;
  log: Log;
  signal?: AbortSignal;
}

const DIAGNOSTICS = ["verbose", "quiet", "log-format"];
const CONNECTION = [
  "no-defaults",
  "defaults-file",
  "defaults-extra-file",
  "db-url",
  "tls-ca-file",
  "insecure-skip-hostname-verify",
  "allow-invalid-certificate",
  "connect-timeout",
];

/** The flags each command refuses: plan takes an export's, minus what makes no sense for parts; the others take what the plan does not set. */
function refused(command: PartsCommand, given: string[]): string | undefined {
  if (command === "plan") return given.find((name) => ["part", "dry-run", "dump-config", "max-file-rows", "max-file-size"].includes(name));
  const takes = new Set([...DIAGNOSTICS, "plan", ...(command === "part" ? [...CONNECTION, "part"] : [])]);
  return given.find((name) => !takes.has(name));
}

export async function runPartsCommand(command: PartsCommand, context: CommandContext): Promise<number> {
  const given = Object.keys(context.flags).filter((name) => context.flags[name] !== undefined);
  const wrong = refused(command, given);
  if (wrong !== undefined) {
    throw configError(`--${wrong} does not apply to gold-digger ${command}${command === "plan" ? "" : ": the plan sets what the parts do"} (see docs/parts.md)`);
  }
  if (command === "plan") return (await import("./plan-command.ts")).runPlan(context);
  if (command === "part") return (await import("./part-command.ts")).runPart(context);
  return (await import("./commit-command.ts")).runCommit(context);
}

/** --plan, which every one of them needs. */
export function planFlag(flags: ParsedFlags, command: PartsCommand): string {
  const plan = flags.plan;
  if (typeof plan !== "string" || !plan.trim()) throw configError(`gold-digger ${command} needs --plan PLAN: the plan's file or s3:// URL`);
  return plan;
}
