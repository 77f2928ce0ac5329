// Exit codes are part of the compatibility contract (../shared/CONTRACT.md): scripts branch on them.
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
