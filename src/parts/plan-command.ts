// gold-digger plan: the export's ranges resolved once (as --dry-run resolves them), shared out
// among N parts, and written as the plan. With --consistency snapshot it then holds the barrier
// (source/ranges/barrier.ts) until every part has opened its snapshot, and exits 0 once they all
// have: it runs beside the parts.
import { configError } from "../errors.ts";
import { binaryProtocolPays, planExport } from "../cli/plan-export.ts";
import { configWarnings, integer, resolveConfig, seconds } from "../cli/resolve-config.ts";
import { sqlSecrets } from "../redact.ts";
import { Connections } from "../source/connection/connections.ts";
import { awaitParts, openBarrier } from "../source/ranges/barrier.ts";
import { planRead } from "../source/ranges/read-plan.ts";
import { planFlag, type CommandContext } from "./command.ts";
import { outputTemplate } from "./names.ts";
import { openPlaces } from "./places.ts";
import { jsonText } from "../output/manifest.ts";
import { assignRanges, newPlanId, type PartsPlan } from "./plan-file.ts";

const MAX_PARTS = 10_000;
const DEFAULT_BARRIER_S = 600;

export async function runPlan({ flags, verbosity, io, redaction, log, signal }: CommandContext): Promise<number> {
  const planPath = planFlag(flags, "plan");
  if (flags.parts === undefined) throw configError("gold-digger plan needs --parts N: how many parts to cut the export into");
  const parts = integer("parts", String(flags.parts), 1, 1, MAX_PARTS);
  const cfg = resolveConfig(flags, io.env, verbosity, false);
  if (!cfg.quiet) for (const warning of configWarnings(cfg)) log.warn(`warning: ${warning}`);
  redaction.query = cfg.query;
  redaction.secrets.push(cfg.connection.target.password, ...sqlSecrets(cfg.query));
  if (cfg.splitBy === undefined) throw configError("gold-digger plan needs --split-by COLUMN: the column whose ranges the parts share");
  if (cfg.output === "-") throw configError("gold-digger plan: each part writes a file; give -o a file name or an s3:// URL, not stdout");
  const snapshot = cfg.consistency === "snapshot";
  if (!snapshot && flags["barrier-timeout"] !== undefined) throw configError("--barrier-timeout applies only with --consistency snapshot");
  const barrierMs = seconds("barrier-timeout", flags["barrier-timeout"] as string | undefined, DEFAULT_BARRIER_S, false);
  const places = openPlaces(io.env, signal);
  const exportPlan = planExport(cfg);
  const connections = new Connections(exportPlan.connection, signal);
  try {
    if (!cfg.force && (await places.exists(planPath))) throw configError(`plan ${planPath} exists; use --force to overwrite it`);
    const { conn } = await connections.open();
    // As many ranges as one export whose readers are every part's together.
    const { readers } = exportPlan.read;
    const read = await planRead(conn, { ...exportPlan.read, readers: parts * readers }, { estimate: true });
    const unsafe = read.snapshot?.lockedThroughout ?? [];
    if (unsafe.length > 0) {
      throw configError(
        `${unsafe.join(", ")} ${unsafe.length === 1 ? "has" : "have"} no transactions, so no snapshot shared by parts on other machines ` +
          "can cover them; use --consistency none to read each range as it is when the range starts",
      );
    }
    const estimatedRows = read.estimatedRows ?? 0;
    const shares = assignRanges(read.ranges, parts, estimatedRows);
    const id = newPlanId();
    const holder = read.snapshot && (await openBarrier(conn, id, read.snapshot.tables));
    const { workerModule: _, ...encoding } = exportPlan.encoding;
    const plan: PartsPlan = {
      kind: "gold-digger parts plan",
      version: 1,
      id,
      query: cfg.query,
      splitBy: cfg.splitBy,
      consistency: cfg.consistency,
      // The server sees every part's readers at once, and spreads their formatting over as many threads.
      read: { readers, protocol: binaryProtocolPays(encoding, parts * readers) ? "binary" : "text", batchRows: cfg.batchRows, readTimeoutMs: cfg.readTimeoutMs },
      ...(read.snapshot && holder !== undefined && { snapshot: { tables: read.snapshot.tables, holder, timeoutMs: barrierMs } }),
      encoding,
      output: { template: outputTemplate(cfg.output), allowEmpty: cfg.allowEmpty },
      estimatedRows,
      parts: shares,
    };
    await places.write(planPath, jsonText(plan), cfg.force);
    if (cfg.verbosity > 0) log.info(`plan ${id}: ${parts} parts, ${read.ranges.length} ranges, about ${estimatedRows} rows, written to ${planPath}`);
    if (holder !== undefined) {
      if (cfg.verbosity > 0) log.info(`waiting up to ${barrierMs / 1000} s for ${parts} parts to open the snapshot`);
      await awaitParts(conn, id, parts, barrierMs, signal);
      if (cfg.verbosity > 0) log.info("every part has opened the snapshot");
    }
    await connections.end();
    return 0;
  } catch (error) {
    connections.destroy();
    throw signal?.aborted ? signal.reason : error;
  } finally {
    places.close();
  }
}
