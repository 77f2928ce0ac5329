// Runs one command as a child process and measures it. GNU time reports the child's CPU
// time and peak RSS from wait4() (for Bun that includes its worker threads, which share the
// process); wall time is taken here with a finer clock than time's 10 ms. The server's CPU
// time over the same interval comes from /proc, which shows who is the bottleneck.
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { statFields } from "./proc.ts";
import { sampleChildRss, type RssSample } from "./rss-sampler.ts";

export interface Command {
  argv: string[];
  /** Where the child's stdout goes (the mariadb client writes its result there). */
  stdoutFile?: string;
  /** The file whose size is the output; removed after measuring, to keep the disk free. */
  output?: string;
  /** The output's size when it is no local file (an object in bench's S3 store). */
  outputSize?: () => number;
  /** Variables added to the child's environment (the store's endpoint and key). */
  env?: Record<string, string>;
  /** The child prints one JSON object of counters on stdout (the probes do). */
  reportsJson?: boolean;
  /** Record the child's RSS over time, not only its peak. */
  sampleRss?: boolean;
  /** Another process the export keeps busy (bench's S3 store), whose CPU over the run is reported too. */
  busiesPid?: number;
}

export interface Measurement {
  wallS: number;
  userS: number;
  sysS: number;
  peakRssMb: number;
  /** Page faults served without I/O: first touches of memory, and mapped pages already cached. */
  minorFaults: number;
  /** CPU the server spent during the run. */
  serverCpuS: number;
  /** CPU of command.busiesPid over the run, where there is one. */
  otherCpuS?: number;
  outputBytes: number;
  /** Counters the child printed (rows seen, payload bytes). */
  reported?: Record<string, number>;
  rssSamples?: RssSample[];
}

// Linux reports /proc/<pid>/stat times in USER_HZ, which is 100 on every mainstream arch.
const USER_HZ = 100;

function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The environment without the variables gold-digger reads, so the host's cannot leak in. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...extra };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !(k in extra) && !["DATABASE_URL", "DATABASE_QUERY", "OUTPUT_FILE"].includes(k)) env[k] = v;
  }
  return env;
}

let active: Subprocess | undefined;

/** For the interrupt handler: stop whatever is being measured. */
export function killActiveChild(): void {
  active?.kill("SIGKILL");
}

/** A file's size, or the total of a directory's files (mydumper writes many). */
function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

export async function measure(cmd: Command, serverPid: number, scratchDir: string): Promise<Measurement> {
  const timeFile = join(scratchDir, "time.out");
  const stdoutFd = cmd.stdoutFile ? openSync(cmd.stdoutFile, "w") : undefined;
  const serverBefore = processCpuSeconds(serverPid);
  const otherBefore = cmd.busiesPid === undefined ? 0 : processCpuSeconds(cmd.busiesPid);
  const started = performance.now();
  const child = Bun.spawn(["/usr/bin/time", "-f", "%U %S %M %R", "-o", timeFile, ...cmd.argv], {
    env: childEnv(cmd.env),
    stdin: "ignore",
    stdout: stdoutFd ?? "pipe",
    stderr: "pipe",
  });
  active = child;
  const sampler = cmd.sampleRss ? sampleChildRss(child.pid, started) : undefined;
  const [stdout, stderr, code] = await Promise.all([
    stdoutFd === undefined ? new Response(child.stdout as ReadableStream).text() : Promise.resolve(""),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const wallS = (performance.now() - started) / 1000;
  const rssSamples = sampler?.stop();
  active = undefined;
  const serverCpuS = processCpuSeconds(serverPid) - serverBefore;
  const otherCpuS = cmd.busiesPid === undefined ? undefined : processCpuSeconds(cmd.busiesPid) - otherBefore;
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  if (code !== 0) throw new Error(`exit ${code}: ${cmd.argv.join(" ")}\n${stderr.trim().slice(-2000)}`);

  // time writes "Command exited with non-zero status" lines first; the numbers are last.
  const [userS, sysS, rssKb, minorFaults] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
  let outputBytes = cmd.outputSize?.() ?? 0;
  const output = cmd.output ?? cmd.stdoutFile;
  if (output) {
    outputBytes = sizeOf(output);
    rmSync(output, { recursive: true, force: true });
  }
  return {
    wallS,
    userS: userS!,
    sysS: sysS!,
    peakRssMb: rssKb! / 1024,
    minorFaults: minorFaults!,
    serverCpuS,
    otherCpuS,
    outputBytes,
    reported: cmd.reportsJson ? (JSON.parse(stdout) as Record<string, number>) : undefined,
    rssSamples,
  };
}
