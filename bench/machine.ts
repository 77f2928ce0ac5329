// What the numbers were measured on: a result without it cannot be compared with another.
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { pageFaultCost, type PageFaultCost } from "./page-fault-cost.ts";
import { probeConnection } from "./probes/connection.ts";
import { ROOT } from "./variants.ts";

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  bun: string;
  mariadbServer: string;
  mariadbClient: string;
  connector: string;
  gitCommit: string;
  /** Uncommitted changes were present: the commit alone does not describe the code measured. */
  gitDirty: boolean;
  /** 1-minute load average before the run: the machine is shared. */
  loadBefore: number;
  /** What a first touch of a page costs here: faults become sys time at this price. */
  pageFault: PageFaultCost;
}

const text = (argv: string[]) => Bun.spawnSync(argv, { cwd: ROOT, stdout: "pipe", stderr: "ignore" }).stdout.toString().trim();

export async function machineInfo(port: number, scratch: string): Promise<MachineInfo> {
  const conn = await probeConnection(port);
  const [[serverVersion]] = (await conn.query("SELECT VERSION()")) as [[string]];
  await conn.end();
  const connector = (await Bun.file(join(ROOT, "node_modules/mariadb/package.json")).json()) as { version: string };
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    bun: `${Bun.version} (${Bun.revision.slice(0, 9)})`,
    mariadbServer: serverVersion,
    mariadbClient: text(["mariadb", "--version"]),
    connector: connector.version,
    gitCommit: text(["git", "rev-parse", "--short", "HEAD"]),
    gitDirty: text(["git", "status", "--porcelain", "--untracked-files=no"]) !== "",
    loadBefore: loadavg()[0],
    pageFault: pageFaultCost(scratch),
  };
}
