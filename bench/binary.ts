// The gold-digger that bench measures. Issue 9's targets are stated for the compiled binary
// (`bun run build`), whose start-up and module loading differ from `bun src/main.ts`, so
// bench builds it once per run from the working tree. If the build fails, bench still runs,
// from source, and every report says so: those numbers are not the targets' numbers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { log } from "./log.ts";
import { ROOT } from "./variants.ts";

export interface GoldDiggerProgram {
  /** The command's first words; gold-digger's own arguments follow. */
  argv: string[];
  compiled: boolean;
  /** One line for the report: what ran, and why if not the compiled binary. */
  note: string;
}

const BINARY = join(ROOT, "dist/gold-digger");

export function buildGoldDigger(): GoldDiggerProgram {
  log("building the compiled binary (bun run build)...");
  const res = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (res.exitCode === 0 && existsSync(BINARY)) {
    return { argv: [BINARY], compiled: true, note: "compiled binary dist/gold-digger, built at the start of this run" };
  }
  // bun run's own last line only says the script failed; the build's reason comes before it.
  const lines = res.stderr.toString().trim().split("\n").filter((l) => l.trim() !== "" && !l.startsWith("$ ") && !l.includes('script "build" exited'));
  const why = lines.at(-1) ?? `exit ${res.exitCode}`;
  const note = `NOT the compiled binary: \`bun run build\` failed (${why}), so gold-digger ran as \`bun src/main.ts\``;
  log(note);
  return { argv: [process.execPath, join(ROOT, "src/main.ts")], compiled: false, note };
}
