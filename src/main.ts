#!/usr/bin/env bun
// Entry point: run the CLI, translate SIGHUP/SIGINT/SIGTERM into a clean abort, exit with its code.
import { ExitCode, GdError } from "./errors.ts";
import { processIo, runCli } from "./cli/run.ts";

const controller = new AbortController();
// SIGHUP: the terminal closed or the ssh session was lost; the export is just as abandoned.
for (const [sig, code] of [
  ["SIGHUP", ExitCode.HungUp],
  ["SIGINT", ExitCode.Interrupted],
  ["SIGTERM", ExitCode.Terminated],
] as const) {
  process.on(sig, () => {
    if (controller.signal.aborted) process.exit(code);
    controller.abort(new GdError(code, `interrupted by ${sig}`));
  });
}
// A bug that throws inside an event handler must still end the export cleanly (temp file
// removed, connection closed, exit 4), not print a stack trace and hang.
process.on("uncaughtException", (error) => {
  // Already tearing down (a signal, an earlier error): a late error from a half-closed stream
  // must not cut the cleanup short. A second Ctrl-C still exits at once.
  if (controller.signal.aborted) return;
  controller.abort(new GdError(ExitCode.Query, `unexpected error: ${error instanceof Error ? error.message : String(error)}`));
});

const io = processIo();
const code = await runCli(process.argv.slice(2), io, controller.signal);
await io.flushed();
process.exit(code);
