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
// A closed stdout (| head) must not crash the process; the sink reports it and we stop quietly.
process.stdout.on?.("error", () => {});
// After SIGHUP the terminal behind stderr may be gone: a failed message must not stop the cleanup.
process.stderr.on?.("error", () => {});

const code = await runCli(process.argv.slice(2), processIo(), controller.signal);
process.exit(code);
