// The plan of an export spread over machines: what `gold-digger plan` writes and every `part` and
// `commit` reads. Everything a part needs to run its share, except how to connect: the URL and its
// password stay with each part's own flags, environment or option files, never in the plan.
import { randomBytes } from "node:crypto";
import { configError } from "../errors.ts";
import type { Places } from "./places.ts";
import type { Consistency, EncodingPlan, ExportPlan, Protocol, ReadPlan } from "../plan.ts";

/** What a plan file says it is, so that any other JSON is refused by name. */
const KIND = "gold-digger parts plan";
const VERSION = 1;

export interface PartsPlan {
  kind: typeof KIND;
  version: typeof VERSION;
  /** Unique to this plan: each part's manifest carries it, and the barrier's lock names. */
  id: string;
  query: string;
  splitBy: string;
  consistency: Consistency;
  read: { readers: number; protocol: Protocol; batchRows: number; readTimeoutMs: number };
  /** With --consistency snapshot: the tables the plan holds still, and its connection that holds the barrier open. */
  snapshot?: { tables: string[]; holder: number; timeoutMs: number };
  encoding: Omit<EncodingPlan, "workerModule">;
  /** The output name with `{part}` in it (names.ts); zero rows in all parts is a success only with allowEmpty. */
  output: { template: string; allowEmpty: boolean };
  estimatedRows: number;
  /** Part i reads these ranges, in order: contiguous runs of the whole, one after another. */
  parts: { ranges: string[]; estimatedRows: number }[];
}

export const newPlanId = () => randomBytes(8).toString("hex");

/**
 * `ranges` cut into `parts` contiguous runs of as equal a size as can be. The ranges are cut at
 * equal steps of the column (split.ts), each about the same estimated rows, so equal counts
 * balance the estimate.
 */
export function assignRanges(ranges: string[], parts: number, estimatedRows: number): PartsPlan["parts"] {
  if (ranges.length < parts) {
    throw configError(`--parts ${parts}: the query splits into only ${ranges.length} range${ranges.length === 1 ? "" : "s"} of its column; use --parts ${ranges.length} or fewer`);
  }
  const perRange = estimatedRows / ranges.length;
  return Array.from({ length: parts }, (_, i) => {
    const run = ranges.slice(Math.floor((i * ranges.length) / parts), Math.floor(((i + 1) * ranges.length) / parts));
    return { ranges: run, estimatedRows: Math.round(run.length * perRange) };
  });
}

/** The plan in `text`, read from `where`: exit 2 for anything that is not a plan this version reads. */
export function parsePlan(text: string, where: string): PartsPlan {
  let plan: Partial<PartsPlan>;
  try {
    plan = JSON.parse(text) as Partial<PartsPlan>;
  } catch {
    throw configError(`${where} is not a gold-digger plan: it is not JSON`);
  }
  if (plan?.kind !== KIND) throw configError(`${where} is not a gold-digger plan (write one with gold-digger plan)`);
  if (plan.version !== VERSION) throw configError(`${where} is a version ${plan.version} plan; this gold-digger reads version ${VERSION}`);
  if (!Array.isArray(plan.parts) || plan.parts.length === 0 || typeof plan.id !== "string") throw configError(`${where} is a damaged plan: it has no parts`);
  return plan as PartsPlan;
}

/** The plan at `path`: exit 2 where there is none. */
export async function readPlan(places: Places, path: string): Promise<PartsPlan> {
  const text = await places.read(path);
  if (text === undefined) throw configError(`no plan at ${path} (write one with gold-digger plan)`);
  return parsePlan(text, path);
}

/** Part `index` of the plan, as one export: its ranges, read in the plan's snapshot where it has one. */
export function partExport(plan: PartsPlan, index: number, connection: ExportPlan["connection"], output: ExportPlan["output"]): ExportPlan {
  const part = plan.parts[index];
  if (!part) throw configError(`--part ${index}: the plan has parts 0 to ${plan.parts.length - 1}`);
  const { snapshot } = plan;
  const read: ReadPlan = {
    query: plan.query,
    ...plan.read,
    consistency: plan.consistency,
    binlogPosition: snapshot !== undefined,
    ranges: part.ranges,
    estimatedRows: part.estimatedRows,
    snapshot: snapshot && { tables: snapshot.tables, lockedThroughout: [] },
    barrier: snapshot && { planId: plan.id, part: index, holder: snapshot.holder, timeoutMs: snapshot.timeoutMs },
  };
  return { connection, read, encoding: plan.encoding, output };
}
