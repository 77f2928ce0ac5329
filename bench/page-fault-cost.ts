// The machine's price of a first-touch page fault: what turns the same export's page faults
// into more or less sys time from one machine to the next (a microVM here: 10-15 µs; bare
// metal: a fraction of one). Compiled with cc from probes/page-fault-cost.c and run once per bench.
import { join } from "node:path";

/** Microseconds per fault, the median of the probe's rounds, or why it was not measured. */
export type PageFaultCost = { us: number } | { unmeasured: string };

const SOURCE = join(import.meta.dir, "probes/page-fault-cost.c");

export function pageFaultCost(scratch: string): PageFaultCost {
  const binary = join(scratch, "page-fault-cost");
  const cc = Bun.spawnSync(["cc", "-O2", "-o", binary, SOURCE], { stdout: "pipe", stderr: "pipe" });
  if (!cc.success) return { unmeasured: `cc failed: ${cc.stderr.toString().trim().split("\n").at(-1) ?? `exit ${cc.exitCode}`}` };
  const run = Bun.spawnSync([binary], { stdout: "pipe", stderr: "pipe" });
  const rounds = [...run.stdout.toString().matchAll(/([\d.]+) us per page fault/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  if (!run.success || rounds.length === 0) return { unmeasured: `the probe exited ${run.exitCode}` };
  return { us: rounds[rounds.length >> 1] };
}
