// Exit codes are part of the compatibility contract (README, "Exit codes"): scripts branch on them.
export const ExitCode = {
  Ok: 0,
  NoRows: 1,
  Config: 2,
  Connect: 3,
  Query: 4,
  Output: 5,
  HungUp: 129,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user should see as one line on stderr and a documented exit code. */
export class GdError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = "GdError";
  }
}

export const configError = (message: string) => new GdError(ExitCode.Config, message);
export const outputError = (message: string) => new GdError(ExitCode.Output, message);

/** What the system calls' error codes mean, for messages: "ENOENT" alone tells a user little. */
export const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOENT: "no such file or directory",
  ENOTDIR: "a parent is not a directory",
  EISDIR: "is a directory",
  EIO: "input/output error",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
};

/** A file system error in words; the system's own message where there are none. */
export function errnoWords(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return ERRNO_WORDS[e?.code ?? ""] ?? e?.message ?? String(error);
}
