// gold-digger commit: every part's manifest checked against the plan and the others, then the
// dataset's manifest written, listing every part's file: the commit point, as a split export's
// manifest is. A part missing or inconsistent is exit 4, naming it; nothing is written then.
import { ExitCode, GdError } from "../errors.ts";
import { jsonText } from "../output/manifest.ts";
import type { ManifestHead } from "../output/split-sink.ts";
import { planFlag, type CommandContext } from "./command.ts";
import { datasetManifest, nameOf, partFile, partManifest } from "./names.ts";
import type { PartManifest } from "./part-sink.ts";
import { openPlaces, type Places } from "./places.ts";
import { readPlan, type PartsPlan } from "./plan-file.ts";

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Part `index`'s manifest, or what is wrong with it (or with its file). */
async function checkPart(plan: PartsPlan, index: number, places: Places): Promise<PartManifest | string> {
  const path = partManifest(plan.output.template, index);
  const text = await places.read(path);
  if (text === undefined) return `part ${index} is missing (no ${path})`;
  let manifest: PartManifest;
  try {
    manifest = JSON.parse(text) as PartManifest;
  } catch {
    return `part ${index}'s manifest ${path} is not JSON`;
  }
  if (manifest.plan !== plan.id || manifest.part !== index) return `part ${index}'s manifest ${path} belongs to another plan or part (plan ${manifest.plan}, part ${manifest.part})`;
  const [file] = manifest.files ?? [];
  const expected = partFile(plan.output.template, index);
  const counted = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (manifest.files?.length !== 1 || file.name !== nameOf(expected) || !counted(file.rows) || !counted(file.bytes) || typeof file.sha256 !== "string") {
    return `part ${index}'s manifest ${path} does not describe its file ${nameOf(expected)} (rows, bytes, sha256)`;
  }
  if (!(await places.exists(expected))) return `part ${index}'s file ${expected} is missing`;
  return manifest;
}

/** What the parts disagree on that one dataset cannot: its columns, and with a snapshot, the binlog position. */
function disagreement(plan: PartsPlan, manifests: PartManifest[]): string | undefined {
  const [first] = manifests;
  const columns = manifests.find((m) => !sameJson(m.columns, first.columns));
  if (columns) return `part ${columns.part} has other columns than part ${first.part}`;
  if (!plan.snapshot) return undefined;
  const binlog = manifests.find((m) => !sameJson(m.binlog, first.binlog));
  if (binlog) return `part ${binlog.part} read another snapshot than part ${first.part} (binlog ${JSON.stringify(binlog.binlog)} vs ${JSON.stringify(first.binlog)})`;
  return undefined;
}

export async function runCommit({ flags, io, log, signal }: CommandContext): Promise<number> {
  const planPath = planFlag(flags, "commit");
  const places = openPlaces(io.env, signal);
  try {
    const plan = await readPlan(places, planPath);
    const checked = await Promise.all(plan.parts.map((_, index) => checkPart(plan, index, places)));
    const problems = checked.filter((c): c is string => typeof c === "string");
    if (problems.length > 0) throw new GdError(ExitCode.Query, `cannot commit the dataset: ${problems.join("; ")}`);
    const manifests = checked as PartManifest[];
    const conflict = disagreement(plan, manifests);
    if (conflict) throw new GdError(ExitCode.Query, `cannot commit the dataset: ${conflict}`);
    const rows = manifests.reduce((sum, m) => sum + m.files[0].rows, 0);
    if (rows === 0 && !plan.output.allowEmpty) throw new GdError(ExitCode.NoRows, "the query returned no rows in any part (--allow-empty to commit an empty dataset)");
    const { version, query, columns, binlog } = manifests[0];
    const head: ManifestHead = { version, query, rows, columns, ...(binlog && { binlog }) };
    const dataset = { ...head, plan: plan.id, files: manifests.map((m) => m.files[0]) };
    const path = datasetManifest(plan.output.template);
    await places.write(path, jsonText(dataset), true);
    if (flags.verbose) log.info(`committed ${plan.parts.length} parts, ${rows} rows: ${path}`);
    return 0;
  } finally {
    places.close();
  }
}
