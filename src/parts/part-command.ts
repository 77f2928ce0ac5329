// gold-digger part: one part of a plan, run as one export of its ranges into its own file and
// manifest. Its index comes from --part or JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job
// in every pod). A rerun replaces only this part's file and manifest.
import { configError } from "../errors.ts";
import { runExport, type ExportStats } from "../export.ts";
import { s3TargetOf } from "../output/s3-target.ts";
import { sqlSecrets } from "../redact.ts";
import { planConnection } from "../source/connection/connect.ts";
import { summary } from "../cli/progress.ts";
import { refuseVerboseAndQuiet, resolveConnectionConfig } from "../cli/resolve-config.ts";
import { planFlag, type CommandContext } from "./command.ts";
import { partFile, partManifest } from "./names.ts";
import { openPartSink } from "./part-sink.ts";
import { openPlaces } from "./places.ts";
import { partExport, readPlan } from "./plan-file.ts";

/** --part, else JOB_COMPLETION_INDEX: a whole number. */
function partIndex(given: string | undefined, env: Record<string, string | undefined>): number {
  const raw = given ?? env.JOB_COMPLETION_INDEX;
  const source = given === undefined ? "JOB_COMPLETION_INDEX" : "--part";
  if (raw === undefined) throw configError("gold-digger part needs --part I (or JOB_COMPLETION_INDEX): which part to run, from 0");
  if (!/^\d+$/.test(raw)) throw configError(`${source} must be a whole number from 0, got '${raw}'`);
  return Number(raw);
}

export async function runPart({ flags, verbosity, io, redaction, log, signal }: CommandContext): Promise<number> {
  const planPath = planFlag(flags, "part");
  const index = partIndex(flags.part as string | undefined, io.env);
  refuseVerboseAndQuiet(flags, verbosity);
  const quiet = flags.quiet === true;
  const verbose = verbosity > 0;
  const connection = resolveConnectionConfig(flags, io.env);
  if (!quiet) for (const warning of connection.connection.warnings) log.warn(`warning: ${warning}`);
  redaction.secrets.push(connection.connection.target.password);
  const places = openPlaces(io.env, signal);
  try {
    const plan = await readPlan(places, planPath);
    redaction.query = plan.query;
    redaction.secrets.push(...sqlSecrets(plan.query));
    const file = partFile(plan.output.template, index);
    const manifest = partManifest(plan.output.template, index);
    const output = { path: file, s3: s3TargetOf(file, io.env), force: true, allowEmpty: true };
    const exportPlan = partExport(plan, index, planConnection(connection.connection.target, connection.tls, connection.connectTimeoutMs), output);
    const stats: ExportStats = { rows: 0, bytes: 0, startedAt: performance.now() };
    await runExport(exportPlan, {
      warn: (line) => quiet || log.warn(line),
      detail: (line) => verbose && log.info(line),
      signal,
      stats,
      openOutput: (sinkSignal) => openPartSink(output, manifest, { plan: plan.id, part: index }, places, sinkSignal),
    });
    if (verbose) {
      const { text, fields } = summary(stats, performance.now());
      log.info(`part ${index}: ${text}`, fields);
    }
    return 0;
  } finally {
    places.close();
  }
}
