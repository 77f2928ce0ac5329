// RSS over time, not only its peak: a peak cannot tell flat memory from a slow climb that
// the run ended before it showed. Reads VmRSS from /proc every so often while a child runs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { statFields } from "./proc.ts";

export interface RssSample {
  /** Seconds since the child was started. */
  tS: number;
  rssMb: number;
}

export const RSS_SAMPLE_MS = 100;

/**
 * The measured program runs under /usr/bin/time, so its pid is time's child. Found by the
 * kernel's children list where it has one (CONFIG_PROC_CHILDREN), else by parent pid.
 */
function childOf(pid: number): number | undefined {
  const list = `/proc/${pid}/task/${pid}/children`;
  if (existsSync(list)) {
    const first = readFileSync(list, "utf8").trim().split(" ")[0];
    return first ? Number(first) : undefined;
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) === pid) return Number(entry);
    } catch {
      // It exited while we looked.
    }
  }
  return undefined;
}

function rssMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of `parentPid`'s child from now until stop(); `startedMs` is performance.now() at spawn. */
export function sampleChildRss(parentPid: number, startedMs: number): { stop(): RssSample[] } {
  const samples: RssSample[] = [];
  let pid: number | undefined;
  const tick = () => {
    pid ??= childOf(parentPid);
    const mb = pid === undefined ? undefined : rssMb(pid);
    if (mb === undefined) return;
    const tS = (performance.now() - startedMs) / 1000;
    samples.push({ tS: Math.round(tS * 1000) / 1000, rssMb: Math.round(mb * 10) / 10 });
  };
  const timer = setInterval(tick, RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
