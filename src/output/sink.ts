// Where the bytes go. A regular file is written to a private temporary file beside the
// target and renamed into place only after the last byte is flushed, so a failed or
// interrupted export never leaves a partial file under the final name. Devices and FIFOs
// are written directly; "-" is stdout.
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, write } from "node:fs";
import { basename, dirname, join } from "node:path";
import { GdError, configError, outputError } from "../errors.ts";

export interface Sink {
  write(chunk: Uint8Array): Promise<void>;
  /** Flush and make the output visible under its final name. */
  commit(): Promise<void>;
  /** Discard everything written; safe to call more than once and after commit. */
  abort(): void;
  /** True when the reader went away (stdout closed): stop quietly. */
  readonly readerGone: boolean;
}

/** Raised when stdout's reader has gone away; not a failure of the export. */
export class ReaderGone extends Error {
  constructor() {
    super("output reader closed");
  }
}

function describeIoError(error: unknown, path: string): string {
  const e = error as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ENOENT: "directory does not exist",
    ENOTDIR: "a parent is not a directory",
    EISDIR: "is a directory",
    EIO: "input/output error",
  };
  return `cannot write ${path}: ${reason[e?.code ?? ""] ?? e?.message ?? String(error)}`;
}

function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (error) {
          // A non-blocking pipe that is full: wait for the reader instead of failing.
          if (error.code === "EAGAIN") setTimeout(() => step(offset), 5);
          else reject(error);
          return;
        }
        const next = offset + written;
        if (next < chunk.length) step(next);
        else resolve();
      });
    };
    step(0);
  });
}

function stdoutSink(): Sink {
  let gone = false;
  return {
    get readerGone() {
      return gone;
    },
    async write(chunk) {
      if (gone) throw new ReaderGone();
      try {
        await writeAll(1, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EPIPE") {
          gone = true;
          throw new ReaderGone();
        }
        throw outputError(describeIoError(error, "stdout"));
      }
    },
    commit: async () => {},
    abort: () => {},
  };
}

interface FdSinkOptions {
  /** fsync before finishing: a regular file must be on disk before it is renamed into place. */
  sync: boolean;
  finish: () => void;
  discard: () => void;
}

function fdSink(fd: number, path: string, { sync, finish, discard }: FdSinkOptions): Sink {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    closeSync(fd);
  };
  return {
    readerGone: false,
    async write(chunk) {
      try {
        await writeAll(fd, chunk);
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
    },
    async commit() {
      try {
        if (sync) {
          // The temp file is private (0600) while partial; the result gets the usual mode.
          fchmodSync(fd, 0o666 & ~process.umask());
          fsyncSync(fd);
        }
        close();
        finish();
      } catch (error) {
        throw outputError(describeIoError(error, path));
      }
    },
    abort() {
      try {
        close();
      } catch {
        // Closing can fail after a write error; the temp file is removed regardless.
      }
      discard();
    },
  };
}

/** Checks that can fail before any database work is done: exit 2 or 5 early. */
export function checkTarget(path: string, force: boolean): void {
  if (path === "-") return;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    const dir = dirname(path);
    try {
      if (!statSync(dir).isDirectory()) throw outputError(`cannot write ${path}: ${dir} is not a directory`);
    } catch (error) {
      if (error instanceof GdError) throw error;
      throw outputError(`cannot write ${path}: directory ${dir} does not exist`);
    }
    return;
  }
  if (stat.isDirectory()) throw outputError(`cannot write ${path}: is a directory`);
  if (stat.isFile() && !force) throw configError(`output file ${path} exists; use --force to overwrite it`);
}

export function openSink(path: string, force: boolean): Sink {
  if (path === "-") return stdoutSink();
  checkTarget(path, force);
  let existing;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    // /dev/null, a FIFO, a terminal: write in place, never replace.
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY);
    } catch (error) {
      throw outputError(describeIoError(error, path));
    }
    return fdSink(fd, path, { sync: false, finish: () => {}, discard: () => {} });
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    throw outputError(describeIoError(error, path));
  }
  return fdSink(fd, path, {
    sync: true,
    finish: () => renameSync(temp, path),
    discard: () => {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone (renamed or removed): nothing to clean.
      }
    },
  });
}
