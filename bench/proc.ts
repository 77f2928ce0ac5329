// /proc/<pid>/stat, parsed in one place: the command name in parentheses may itself hold
// spaces and parentheses, so fields are counted from after its last ")".
import { readFileSync } from "node:fs";

/** Fields 3 onwards of /proc/<pid>/stat: index 0 is the state, 1 the parent pid, 11 and 12 utime and stime. */
export function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}
