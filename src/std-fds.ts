// Bun reopens each of fds 0-2 that it finds closed on /dev/null, so a closed stdout (`>&-`) looks
// like `> /dev/null` and every row would vanish with exit 0. The two differ in one thing: the
// runtime opens its /dev/null with close-on-exec, which no descriptor inherited through exec(2)
// can carry (the kernel closes those; dup2, which shells and spawners use, clears it).
// /proc/self/fdinfo shows that flag. Without /proc, a descriptor is taken as open.
import { fstatSync, readFileSync, statSync } from "node:fs";
import { configError, outputError } from "./errors.ts";

const O_CLOEXEC = 0o2000000;

/** Whether standard descriptor `fd` was closed when the process started, and is the runtime's /dev/null. */
export function closedAtStart(fd: 0 | 1 | 2): boolean {
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1];
    if (flags === undefined || (parseInt(flags, 8) & O_CLOEXEC) === 0) return false;
    const own = fstatSync(fd);
    return own.isCharacterDevice() && own.rdev === statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

const quieted = new Set<NodeJS.WriteStream>();

/**
 * process.stdout or process.stderr, taken only where one is written: the runtime builds each
 * stream on first use, ~2 MB of a start-up that never writes there (an export to a file, a quiet
 * run). A failed write (a closed pipe under `| head`, a terminal gone after SIGHUP) is seen by
 * whoever wrote, never thrown as an 'error' event that would cut an export's cleanup short.
 */
export function stdStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!quieted.has(stream)) {
    stream.on?.("error", () => {});
    quieted.add(stream);
  }
  return stream;
}

/** Exit 5 when stdout was closed (`>&-`): nothing written there would reach anyone. */
export function refuseClosedStdout(): void {
  if (closedAtStart(1)) throw outputError("cannot write stdout: it is closed");
}

/** Exit 2 when standard input, which is to be read, was closed (`<&-`). */
export function refuseClosedStdin(what: string): void {
  if (closedAtStart(0)) throw configError(`cannot read ${what}: it is closed`);
}
