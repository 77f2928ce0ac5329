// Where the bytes go. A regular file is written to a private temporary file beside the
// target and moved into place only after the last byte is flushed, so a failed or
// interrupted export never leaves a partial file under the final name; without --force that
// last step refuses to replace anything, even a file that appeared during the export; a temp file
// that a killed export left is removed by the next export to the same place. A
// symbolic link is written through, as open(2) would: its target is replaced and the link
// stays. Devices and FIFOs are written directly; "-" is stdout, and so are /dev/stdout and the
// other names of fd 1. An s3:// URL is an object, written by s3-sink.ts.
import {
  closeSync,
  constants,
  fchmodSync,
  fdatasync,
  fstatSync,
  fsync,
  linkSync,
  lstatSync,
  open,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  write,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { configError, ERRNO_WORDS, errnoWords, GdError, outputError } from "../errors.ts";
import type { OutputPlan } from "../plan.ts";
import { refuseClosedStdout, stdStream } from "../std-fds.ts";

export interface Sink {
  /**
   * Resolves when the chunk may be followed by the next one (not necessarily on disk yet), and
   * its memory may be reused: nothing reads it afterwards.
   */
  write(chunk: Uint8Array): Promise<void>;
  /** Flush and make the output visible under its final name. */
  commit(): Promise<void>;
  /** Discard everything written; safe to call more than once and after commit. */
  abort(): Promise<void>;
}

/**
 * A background fdatasync after every this many bytes, so the fsync that must come before the
 * final rename has only the tail to flush rather than the whole file (800 MB: 5 s here). The
 * tail is what a short export waits for at its end: 131 MB of JSON committed in 34-36 ms after
 * its last row with 16 MiB, 48-51 ms with 64 MiB, 70 ms with none (3 runs each).
 */
const SYNC_EVERY_BYTES = 16 << 20;

/** Raised when stdout's reader has gone away; not a failure of the export. */
export class ReaderGone extends Error {
  constructor() {
    super("output reader closed");
  }
}

function describeIoError(error: unknown, path: string): string {
  return `cannot write ${path}: ${errnoWords(error)}`;
}

/**
 * All of `chunk`, where the file's offset is: devices and FIFOs, which may block for as long as
 * their reader pleases, so the event loop (Ctrl-C, timers) runs meanwhile.
 */
function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        // The fd is one deviceSink opened, blocking: no EAGAIN (stdout, which may be a non-blocking
        // pipe, has writeStdout).
        if (error) return reject(error);
        const next = offset + written;
        if (next < chunk.length) step(next);
        else resolve();
      });
    };
    step(0);
  });
}

/**
 * All of `chunk`, at a regular file's offset, on this thread. Such a write only copies into the
 * page cache: handed to the thread pool it cost more (a wake-up each way, the bytes cold in
 * another core's cache) than the copy itself, on the cores the database server needs. Wide
 * rows: 0.62 CPU-s against 0.82 with 4 writes in flight, and the server waited less for a core.
 */
function writeAllToFile(fd: number, chunk: Uint8Array): void {
  for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

/**
 * A chunk to stdout that is a pipe or terminal, through Bun's own writer, which waits for the fd
 * to become writable. Bun makes fd 1 non-blocking, so fs.write fails with EAGAIN whenever the
 * pipe is full, and retrying after a pause starved a reader that keeps up: `| gzip -1` took
 * 10.6 s with 5 ms pauses, 3.4 s with 1 ms, 2.35 s this way.
 */
function writeStdout(chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stdStream(1).write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function stdoutSink(): Sink {
  refuseClosedStdout();
  // `> file` makes stdout a regular file, which never blocks for long (see writeAllToFile).
  const toFile = fstatSync(1).isFile();
  let gone = false;
  return {
    async write(chunk) {
      if (gone) throw new ReaderGone();
      try {
        if (toFile) writeAllToFile(1, chunk);
        else await writeStdout(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EPIPE") {
          gone = true;
          throw new ReaderGone();
        }
        throw outputError(describeIoError(error, "stdout"));
      }
    },
    commit: async () => {},
    abort: async () => {},
  };
}

/** A device, FIFO or terminal, written in place. */
function deviceSink(fd: number, path: string): Sink {
  return {
    async write(chunk) {
      try {
        await writeAll(fd, chunk);
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
    },
    commit: async () => {
      try {
        closeSync(fd);
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
    },
    abort: async () => {
      try {
        closeSync(fd);
      } catch {
        // Already closed by commit, or failing after a write error: nothing else to do.
      }
    },
  };
}

interface TempFile {
  fd: number;
  /** The name the user gave, for messages. */
  path: string;
  /** Its mode once complete (it is 0600 while partial). */
  finalMode: number;
  /** Moves it into place. */
  publish: () => void;
  remove: () => void;
}

/**
 * A temporary file, fsynced, given its final mode and moved into place by commit(), so its final
 * name never shows unwritten data. The data is flushed in the background as it goes
 * (SYNC_EVERY_BYTES, one fdatasync at a time), so the last fsync is short.
 */
function tempFileSink({ fd, path, finalMode, publish, remove }: TempFile): Sink {
  let unsynced = 0;
  let failure: unknown;
  let syncing: Promise<void> | undefined;
  /** On the thread pool, one at a time: the main thread goes on meanwhile (a split export writes its next file). */
  const backgroundSync = (sync: typeof fsync = fdatasync) => {
    syncing = new Promise<void>((resolve) =>
      sync(fd, (error) => {
        if (error) failure ??= error;
        syncing = undefined;
        resolve();
      }),
    );
  };
  const check = () => {
    if (failure !== undefined) throw outputError(describeIoError(failure, path));
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    closeSync(fd);
  };
  return {
    async write(chunk) {
      check();
      try {
        writeAllToFile(fd, chunk);
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
      unsynced += chunk.length;
      // One at a time: a sync still running when the next is due is followed by one that covers both.
      if (unsynced >= SYNC_EVERY_BYTES && !syncing) {
        unsynced = 0;
        backgroundSync();
      }
    },
    async commit() {
      await syncing;
      check();
      try {
        fchmodSync(fd, finalMode);
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
      backgroundSync(fsync);
      await syncing;
      check();
      try {
        close();
        publish();
      } catch (error) {
        // A GdError says what failed already (a file that appeared at the target: exit 2).
        throw error instanceof GdError ? error : outputError(describeIoError(error, path));
      }
    },
    async abort() {
      // Closed only once no sync is running: it must never reach a reused fd number.
      await syncing;
      try {
        close();
      } catch {
        // Closing can fail after a write error; the temp file is removed regardless.
      }
      remove();
    },
  };
}

/** Symbolic links make no sense to follow forever; Linux gives up after 40 too (ELOOP). */
const MAX_LINK_HOPS = 40;

/**
 * lstat (or stat, following links), with "does not exist" as undefined and any other failure
 * as an output error.
 */
function statIfExists(path: string, shownPath: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    // ENOTDIR: a parent is a file, so nothing exists here; the parent check names it.
    if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw outputError(describeIoError(error, shownPath));
  }
}

/**
 * `path`, then the target of each symbolic link in turn, as open(2) would follow them. Each link
 * is read relative to the real directory holding it; the last name need not exist (a dangling link).
 */
function* linkChain(path: string): Generator<string> {
  let file = path;
  for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
    yield file;
    if (!statIfExists(file, path, false)?.isSymbolicLink()) return;
    try {
      file = resolve(realpathSync(dirname(file)), readlinkSync(file));
    } catch (error) {
      throw outputError(describeIoError(error, path));
    }
  }
  throw outputError(`cannot write ${path}: ${ERRNO_WORDS.ELOOP}`);
}

/** Where open(2) on `path` would create or replace a file: the last name of its link chain. */
function followLinks(path: string): string {
  let last = path;
  for (const file of linkChain(path)) last = file;
  return last;
}

/** The directory of our own descriptors, /proc/PID/fd (what /proc/self/fd and /dev/fd resolve to). */
function ownFdDirectory(): string | undefined {
  try {
    return realpathSync("/proc/self/fd");
  } catch {
    return undefined; // no /proc: nothing can name our descriptors by path
  }
}

/**
 * Whether `path` names our own stdout: /dev/stdout, /dev/fd/1, /proc/self/fd/1, or a link that
 * leads to one of them. Such a name must be written as "-" is: opening it would follow fd 1's
 * link to a file shell redirection opened (`>> app.csv`) and replace that file, not append to it.
 */
function isOwnStdout(path: string): boolean {
  const fdDirectory = ownFdDirectory();
  if (!fdDirectory) return false;
  for (const file of linkChain(path)) {
    if (basename(file) !== "1") continue;
    try {
      if (realpathSync(dirname(file)) === fdDirectory) return true;
    } catch {
      // A directory that does not exist holds no descriptor.
    }
  }
  return false;
}

/** "-", or a name for our own stdout: both are written to fd 1 as it is. */
const writesStdout = (path: string) => path === "-" || isOwnStdout(path);

interface Target {
  /** The file to create or replace: `path` itself, or the final target of a link at `path`. */
  file: string;
  /** What is there now (links followed), if anything. */
  existing?: Stats;
}

/**
 * Where the output goes, with the checks that can fail before any database work is done:
 * exit 2 for an existing entry without --force, 5 for an unwritable place.
 */
function resolveTarget(path: string, force: boolean): Target {
  const entry = statIfExists(path, path, false);
  // `new/` names a directory whether or not one exists; caught here, not after the whole query.
  if (path.endsWith("/") && !entry?.isDirectory()) {
    throw outputError(`cannot write ${path}: the trailing '/' makes it the name of a directory; give a file name`);
  }
  const link = entry?.isSymbolicLink() === true;
  // The kernel follows links that readlink cannot (/dev/stdout -> /proc/self/fd/1 -> "pipe:[…]").
  const existing = link ? statIfExists(path, path, true) : entry;
  if (existing?.isDirectory()) throw outputError(`cannot write ${path}: is a directory`);
  // open(2) refuses it (ENXIO, "no such device or address"), which would not say why.
  if (existing?.isSocket()) throw outputError(`cannot write ${path}: is a socket`);
  const replaced = !existing || existing.isFile();
  // Only a file to create or replace needs the link's target by name: the temp file goes beside it.
  const file = link && replaced ? followLinks(path) : path;
  // Anything the export would replace needs --force: a file, or a link, even a dangling one.
  // A device or FIFO (also behind a link, such as /dev/tty) is written in place, never replaced.
  if (entry && replaced && !force) {
    const what = link ? `${path} exists (a symbolic link to ${file})` : `file ${path} exists`;
    throw configError(`output ${what}; use --force to overwrite it`);
  }
  if (!existing) {
    const dir = dirname(file);
    const parent = statIfExists(dir, path, true);
    if (!parent) throw outputError(`cannot write ${path}: directory ${dir} does not exist`);
    if (!parent.isDirectory()) throw outputError(`cannot write ${path}: ${dir} is not a directory`);
  }
  return { file, existing };
}

/** The longest file name Linux file systems take, in bytes (NAME_MAX). */
const NAME_MAX = 255;

/** The longest start of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
function fitUtf8(text: string, maxBytes: number): string {
  let fitted = "";
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    fitted += char;
  }
  return fitted;
}

/**
 * `.NAME.PID.TIME.tmp`: hidden, and unique to a process and moment (by default, this one now). A
 * NAME near the limit is shortened here, so that any name that may exist at all can be exported to.
 */
function tempName(name: string, pid = process.pid, time = Date.now().toString(36)): string {
  const suffix = `.${pid}.${time}.tmp`;
  return `.${fitUtf8(name, NAME_MAX - 1 - Buffer.byteLength(suffix))}${suffix}`;
}

/** Any export's temp file: the PID and time as tempName writes them. */
const TEMP_NAME = /^\..*\.([1-9]\d*)\.([0-9a-z]+)\.tmp$/s;

/** Whether process `pid` exists, ours to signal or not. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes what exports to `name` in `dir` left when killed outright (SIGKILL, a crash): temp files
 * named exactly as tempName names them for `name`, regular, of our user, whose process is gone.
 * A PID in use again keeps its file until it is free: taking a live export's file would be worse.
 * Best effort: a directory we cannot list has nothing we could remove either.
 */
function removeStaleTemps(dir: string, name: string, temps = tempFilesIn(dir)): void {
  for (const entry of temps) {
    const match = TEMP_NAME.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (entry !== tempName(name, pid, match[2]) || processExists(pid)) continue;
    const temp = join(dir, entry);
    try {
      const stats = lstatSync(temp);
      if (stats.isFile() && stats.uid === process.getuid?.()) unlinkSync(temp);
    } catch {
      // Removed meanwhile by another export doing the same.
    }
  }
}

/**
 * The entries of `dir` that are some export's temp file (none where it cannot be listed). A set of
 * files in one directory (split output) lists it once for all of them, not once a file.
 */
export function tempFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((entry) => TEMP_NAME.test(entry));
  } catch {
    return [];
  }
}

/** link(2) fails with these where the file system has no hard links (FAT, some network shares). */
const NO_HARD_LINKS = new Set(["EPERM", "EOPNOTSUPP", "ENOTSUP", "ENOSYS"]);

/**
 * Gives the finished temp file its final name without replacing anything there: the check
 * before connecting is not enough, since a file may appear at the target while the export runs.
 * rename(2) would replace it; link(2) refuses (EEXIST), and the temp name is then dropped.
 */
function publishWithoutReplacing(temp: string, file: string, path: string): void {
  try {
    linkSync(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") throw appearedMeanwhile(path);
    if (!NO_HARD_LINKS.has(code)) throw error;
    // No hard links here: the best left is to look just before renaming.
    if (statIfExists(file, path, false)) throw appearedMeanwhile(path);
    renameSync(temp, file);
    return;
  }
  unlinkSync(temp);
}

const appearedMeanwhile = (path: string) =>
  configError(`output ${path} appeared during the export and was left untouched; use --force to overwrite it`);

/**
 * A device or FIFO, opened for writing on the thread pool: opening a FIFO waits until it has a
 * reader (a terminal line may wait for carrier), for as long as that takes, and a signal must
 * still stop the export at once meanwhile.
 */
function openDevice(file: string, path: string, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    open(file, constants.O_WRONLY, (error, fd) => {
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) {
        // Given up on: the reader came too late.
        if (!error) closeSync(fd);
        return;
      }
      if (error) reject(outputError(describeIoError(error, path)));
      else resolve(fd);
    });
  });
}

/** Writes `bytes` as the whole output and commits it; on any failure the output is discarded. */
export async function writeWhole(sink: Sink, bytes: Uint8Array): Promise<void> {
  try {
    await sink.write(bytes);
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/**
 * The output, ready for the first byte. Called before connecting, so that whatever fails or waits
 * here (an existing file, a missing directory, a FIFO nobody reads yet) holds no database connection.
 * `tempsInDir`: the directory's temp files as tempFilesIn listed them for a whole set of files;
 * without it the directory is listed here.
 */
export async function openSink({ path, s3, force }: OutputPlan, signal?: AbortSignal, tempsInDir?: string[]): Promise<Sink> {
  // Loaded only here: the S3 client's modules took 4 ms of a 1,000-row export's 44 that did not use them.
  if (s3) return (await import("./s3-sink.ts")).openS3Sink(s3, force, signal);
  if (writesStdout(path)) return stdoutSink();
  const { file, existing } = resolveTarget(path, force);
  if (existing && !existing.isFile()) {
    // /dev/null, a FIFO, a terminal: write in place, never replace.
    signal?.throwIfAborted();
    return deviceSink(await openDevice(file, path, signal), path);
  }
  // Beside the final file (a link's target), so the rename stays within one directory.
  const dir = dirname(file);
  removeStaleTemps(dir, basename(file), tempsInDir);
  const temp = join(dir, tempName(basename(file)));
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    // Not describeIoError's words alone: /proc says ENOENT although both it and the target exist.
    throw outputError(`cannot write ${path}: cannot create a file in ${dir}: ${errnoWords(error)}`);
  }
  return tempFileSink({
    fd,
    path,
    // A replaced file keeps its mode (a private 0600 export stays private); a new one gets the usual.
    finalMode: existing ? existing.mode & 0o7777 : 0o666 & ~process.umask(),
    publish: () => (force ? renameSync(temp, file) : publishWithoutReplacing(temp, file, path)),
    remove: () => {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone (renamed or removed): nothing to clean.
      }
    },
  });
}
