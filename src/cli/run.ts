// Runs the CLI: parses, answers --help, --version and completion at once, loads the export
// command only for an export, and turns every outcome into one line on stderr (or one JSON
// object, with --log-format json) and an exit code. Nothing but exported data is ever written to
// stdout.
import { ExitCode, GdError } from "../errors.ts";
import { envSecrets, paramPasswords, redactMessage, urlPasswords } from "../redact.ts";
import { refuseClosedStdout, stdStream } from "../std-fds.ts";
import { helpText, parseFlags, scanFlags, VERSION } from "./command.ts";
import type { Redaction } from "./export-command.ts";
import { CONFIG_ENV, PARTS_COMMANDS } from "./flags.ts";
import { createLog, logFormatOf, requestedLogFormat } from "./log.ts";
import { refuseUndecodableInput } from "./utf8-input.ts";

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  /** Throws for arguments or variables that reached the process as bytes that are not UTF-8. */
  refuseUndecodable?: () => void;
}

const COMPLETION_USAGE = "usage: gold-digger completion bash|zsh|fish|powershell\n";
const DEMO_USAGE =
  "usage: gold-digger demo [--dir DIR]\n" +
  "Starts a throwaway MariaDB, loads a sample table, exports it in every format into DIR\n" +
  "(default ./gold-digger-demo), shows what it ran, and removes the server.\n";

/**
 * The process's own streams, each taken only when used (std-fds.ts). Text for stdout (help,
 * version, a completion script, --dump-config, --dry-run) goes through Bun's writer, in order and
 * without building process.stdout; `flushed` resolves once it is written, or could not be (a
 * closed pipe, as `| head` leaves it, is no failure).
 */
export function processIo(): CliIo & { flushed(): Promise<void> } {
  let written = Promise.resolve();
  return {
    env: process.env,
    stdout: (t) => {
      refuseClosedStdout();
      written = written.then(() => Bun.write(Bun.stdout, t)).then(
        () => {},
        () => {},
      );
    },
    stderr: (t) => stdStream(2).write(t),
    // Asked by an export only (node:tty's isatty would cost every start-up its loading, ~2 MB).
    get stdoutIsTty() {
      return stdStream(1).isTTY === true;
    },
    get stderrIsTty() {
      return stdStream(2).isTTY === true;
    },
    refuseUndecodable: () => refuseUndecodableInput(process.argv.length - 2, CONFIG_ENV),
    flushed: () => written,
  };
}

/** Every secret we know of: what must never be printed. */
function secretsOf(argv: string[], env: CliIo["env"]): string[] {
  const texts = [...argv, env.DATABASE_URL ?? ""];
  return [...texts.flatMap(urlPasswords), ...texts.flatMap(paramPasswords), ...envSecrets(env)];
}

/** The contract promises one line per failure, whatever a library put in a message. */
const oneLine = (message: string) => message.split("\n").find((l) => l.trim() !== "")?.trim() ?? message;

export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  // The query joins once the configuration is resolved: a server error may quote it.
  const redaction: Redaction = { query: "", secrets: secretsOf(argv, io.env) };
  const redact = (line: string) => redactMessage(line, redaction.query, redaction.secrets);
  // Until the flags parse, as the arguments ask: a usage error is then as machine-readable as the rest.
  let log = createLog(requestedLogFormat(argv), io.stderr, redact);
  try {
    io.refuseUndecodable?.();
    if ((argv[0] === "completion" || argv[0] === "demo") && argv.includes("--help")) {
      io.stdout(argv[0] === "demo" ? DEMO_USAGE : COMPLETION_USAGE);
      return ExitCode.Ok;
    }
    if (argv[0] === "completion") {
      if (argv.length !== 2) throw new GdError(ExitCode.Config, COMPLETION_USAGE.trim());
      const { completionScript } = await import("./completion.ts");
      io.stdout(completionScript(argv[1]));
      return ExitCode.Ok;
    }
    if (argv[0] === "demo") {
      const { runDemo } = await import("../demo/demo.ts");
      return await runDemo(argv.slice(1), io, (args, demoIo) => runCli(args, demoIo, signal));
    }
    const parts = PARTS_COMMANDS.find((name) => name === argv[0]);
    const args = parts ? argv.slice(1) : argv;
    const scanned = scanFlags(args);
    if (scanned.switches.has("help")) {
      io.stdout(helpText());
      return ExitCode.Ok;
    }
    if (scanned.switches.has("version")) {
      io.stdout(`gold-digger ${VERSION}\n`);
      return ExitCode.Ok;
    }
    const { flags, verbosity } = parseFlags(args, scanned);
    log = createLog(logFormatOf(flags), io.stderr, redact);
    if (parts) {
      const { runPartsCommand } = await import("../parts/command.ts");
      return await runPartsCommand(parts, { flags, verbosity, io, redaction, log, signal });
    }
    const { runExportCommand } = await import("./export-command.ts");
    return await runExportCommand(flags, verbosity, io, redaction, log, signal);
  } catch (error) {
    if (error instanceof GdError) {
      log.error(oneLine(error.message), error.exitCode);
      return error.exitCode;
    }
    log.error(`unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}`, ExitCode.Query);
    return ExitCode.Query;
  }
}
