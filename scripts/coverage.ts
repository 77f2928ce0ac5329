// The coverage gate scripts/test.sh applies: line coverage of src/ from bun's lcov report.
// Prints `coverage: NN.N% lines` and one line per file below its threshold; exits 1 if any is.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The thresholds, in percent of lines: all of src/, and each file under these folders. */
export const TOTAL_MIN = 90;
export const FILE_MIN = 80;
export const GATED_DIRS = ["src/source/", "src/pipeline/", "src/format/", "src/output/"];
/**
 * Entry points that only ever run as their own process or thread, never inside the test runner,
 * so its coverage cannot see them; the child-process tests, and those that start the thread, exercise them.
 */
const OWN_PROCESS = ["src/main.ts", "src/pipeline/worker.ts", "src/output/hash-thread.ts"];

interface FileLines {
  found: number;
  hit: number;
}

function parseLcov(text: string): Map<string, FileLines> {
  const files = new Map<string, FileLines>();
  let path = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) path = line.slice(3);
    else if (line.startsWith("LF:")) files.set(path, { found: Number(line.slice(3)), hit: 0 });
    else if (line.startsWith("LH:")) files.get(path)!.hit = Number(line.slice(3));
  }
  return files;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f));
}

/** A file with nothing left after types are stripped (interfaces, type aliases) has no lines to run. */
const transpiler = new Bun.Transpiler({ loader: "ts" });
const hasCode = (path: string) => transpiler.transformSync(readFileSync(path, "utf8")).trim() !== "";

const percent = ({ found, hit }: FileLines) => (found === 0 ? 100 : (100 * hit) / found);

export function gate(lcovPath: string, root: string): { lines: string[]; ok: boolean } {
  const measured = parseLcov(readFileSync(lcovPath, "utf8"));
  const lines: string[] = [];
  let found = 0;
  let hit = 0;
  let ok = true;
  for (const path of sourceFiles(join(root, "src")).map((p) => relative(root, p)).sort()) {
    if (OWN_PROCESS.includes(path)) continue;
    // A file no test loaded counts as none of its lines run; its line count is not known, so
    // it cannot weigh in the total, and fails the gate by name instead.
    const file = measured.get(path);
    if (!file) {
      if (!hasCode(path)) continue;
      lines.push(`coverage: ${path} is loaded by no test`);
      ok = false;
      continue;
    }
    found += file.found;
    hit += file.hit;
    if (GATED_DIRS.some((d) => path.startsWith(d)) && percent(file) < FILE_MIN) {
      lines.push(`coverage: ${path} ${percent(file).toFixed(1)}% lines, below ${FILE_MIN}%`);
      ok = false;
    }
  }
  const total = percent({ found, hit });
  if (total < TOTAL_MIN) ok = false;
  lines.unshift(`coverage: ${total.toFixed(1)}% lines${total < TOTAL_MIN ? `, below ${TOTAL_MIN}%` : ""}`);
  return { lines, ok };
}

if (import.meta.main) {
  const [lcovPath] = process.argv.slice(2);
  if (!lcovPath) {
    console.error("usage: bun scripts/coverage.ts LCOV_FILE");
    process.exit(2);
  }
  if (!existsSync(lcovPath)) {
    console.log(`coverage: no report at ${lcovPath} (did the test run end early?)`);
    process.exit(1);
  }
  const { lines, ok } = gate(lcovPath, join(import.meta.dir, ".."));
  for (const line of lines) console.log(line);
  process.exit(ok ? 0 : 1);
}
