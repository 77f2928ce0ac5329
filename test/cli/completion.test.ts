import { describe, expect, test } from "bun:test";
import { COMPLETION_SHELLS, completionScript } from "../../src/cli/completion.ts";
import { FLAGS, SUBCOMMANDS } from "../../src/cli/flags.ts";
import { ExitCode, GdError } from "../../src/errors.ts";

const has = (command: string) => Bun.spawnSync(["sh", "-c", `command -v ${command}`]).exitCode === 0;

function run(argv: string[], stdin?: string): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync(argv, { stdin: stdin === undefined ? "ignore" : Buffer.from(stdin) });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("completionScript", () => {
  test("an unknown shell is a configuration error listing the valid ones", () => {
    let caught: unknown;
    try {
      completionScript("tcsh");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GdError);
    expect((caught as GdError).exitCode).toBe(ExitCode.Config);
    for (const shell of COMPLETION_SHELLS) expect((caught as GdError).message).toContain(shell);
    // Not fooled by inherited object keys.
    expect(() => completionScript("toString")).toThrow(GdError);
  });

  for (const shell of COMPLETION_SHELLS) {
    test(`${shell}: names both commands, every flag, alias, choice and subcommand`, () => {
      const script = completionScript(shell);
      expect(script).toContain("gold-digger");
      expect(script).toContain("gold_digger");
      // fish spells flags as `-l name` and `-s x`.
      const long = (name: string) => (shell === "fish" ? `-l ${name} ` : `--${name}`);
      const short = (alias: string) => (shell === "fish" ? `-s ${alias} ` : `-${alias}`);
      for (const flag of FLAGS) {
        expect(script).toContain(long(flag.name));
        if (flag.alias) expect(script).toContain(short(flag.alias));
        for (const choice of flag.choices ?? []) expect(script).toContain(choice);
      }
      for (const subcommand of SUBCOMMANDS) expect(script).toContain(subcommand.name);
      for (const name of COMPLETION_SHELLS) expect(script).toContain(name);
    });
  }
});

describe("bash completion in a real bash", () => {
  const script = completionScript("bash");

  /** Runs the registered completion function for `words` (the last is the one being completed). */
  function complete(words: string[], cwd?: string): string[] {
    const program = [
      'source /dev/stdin',
      // The function name is whatever `complete -p` says was registered.
      'fn=$(complete -p gold-digger | sed -E "s/.*-F ([^ ]+).*/\\1/")',
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '"$fn" gold-digger "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    const result = Bun.spawnSync(["bash", "-c", program, "bash", ...words], { stdin: Buffer.from(script), cwd });
    expect(result.stderr.toString()).toBe("");
    expect(result.exitCode).toBe(0);
    return result.stdout.toString().split("\n").filter((line) => line !== "");
  }

  test("loads and registers both command names", () => {
    for (const command of ["gold-digger", "gold_digger"]) {
      const result = run(["bash", "-c", `source <(cat) && complete -p ${command}`], script);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(command);
    }
  });

  test("gold-digger --form offers --format", () => {
    expect(complete(["gold-digger", "--form"])).toEqual(["--format"]);
  });

  test("- offers every flag spelling", () => {
    const offered = complete(["gold-digger", "-"]);
    for (const flag of FLAGS) {
      expect(offered).toContain(`--${flag.name}`);
      if (flag.alias) expect(offered).toContain(`-${flag.alias}`);
    }
    expect(offered).toContain("--help");
    expect(offered).toContain("-V");
  });

  test("flag values: choices after the flag, also after --flag=", () => {
    expect(complete(["gold-digger", "--format", ""])).toEqual(["csv", "tsv", "json", "ndjson", "ltsv", "parquet"]);
    expect(complete(["gold-digger", "-f", "n"])).toEqual(["ndjson"]);
    expect(complete(["gold-digger", "-f", "l"])).toEqual(["ltsv"]);
    expect(complete(["gold-digger", "--format", "=", "j"])).toEqual(["json"]);
    expect(complete(["gold-digger", "--compress", "=", ""])).toEqual(["none", "gzip", "zstd", "snappy"]);
  });

  test("free-text values get nothing, not flags", () => {
    expect(complete(["gold-digger", "--db-url", ""])).toEqual([]);
    expect(complete(["gold-digger", "-q", "-"])).toEqual([]);
  });

  test("file flags offer file names, spaces kept", async () => {
    const dir = `${process.env.TMPDIR ?? "/tmp"}/gd-completion-${process.pid}`;
    await Bun.write(`${dir}/out file.csv`, "");
    await Bun.write(`${dir}/other.json`, "");
    try {
      expect(complete(["gold-digger", "-o", "out"], dir)).toEqual(["out file.csv"]);
      expect(complete(["gold-digger", "--tls-ca-file", ""], dir).sort()).toEqual(["other.json", "out file.csv"]);
    } finally {
      await Bun.$`rm -rf ${dir}`;
    }
  });

  test("demo offers only its own flags, and directories after --dir", async () => {
    expect(complete(["gold-digger", "demo", "--"])).toEqual(["--dir", "--help"]);
    expect(complete(["gold-digger", "demo", "-"]).sort()).toEqual(["--dir", "--help", "-h"]);
    const dir = `${process.env.TMPDIR ?? "/tmp"}/gd-completion-demo-${process.pid}`;
    await Bun.write(`${dir}/out dir/.keep`, "");
    await Bun.write(`${dir}/out.csv`, "");
    try {
      expect(complete(["gold-digger", "demo", "--dir", "ou"], dir)).toEqual(["out dir"]);
      expect(complete(["gold-digger", "demo", "--dir", "=", "ou"], dir)).toEqual(["out dir"]);
    } finally {
      await Bun.$`rm -rf ${dir}`;
    }
  });

  test("plan, part and commit offer the export's flags", () => {
    expect(complete(["gold-digger", "plan", "--par"]).sort()).toEqual(["--parallel", "--part", "--parts"]);
    expect(complete(["gold-digger", "commit", "--pl"])).toEqual(["--plan"]);
  });

  test("subcommands first, then the shells for completion", () => {
    expect(complete(["gold-digger", ""])).toEqual(SUBCOMMANDS.map((s) => s.name));
    expect(complete(["gold-digger", "completion", "p"])).toEqual(["powershell"]);
    // After a flag a bare word is a flag value or nothing: no subcommands there.
    expect(complete(["gold-digger", "--pretty", "comp"])).toEqual([]);
  });
});

describe.if(has("zsh"))("zsh script", () => {
  test("parses", () => {
    const result = run(["zsh", "-n"], completionScript("zsh"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});

describe.if(has("fish"))("fish script in a real fish", () => {
  const script = completionScript("fish");

  test("parses", () => {
    const result = run(["fish", "-n"], script);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  const complete = (line: string) =>
    run(["fish", "--no-config", "-c", `source; complete -C '${line}'`], script)
      .stdout.split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split("\t")[0]);

  test("completes flags, choices, subcommands and the alias", () => {
    expect(complete("gold-digger --form")).toEqual(["--format"]);
    expect(complete("gold-digger -f ").sort()).toEqual(["csv", "json", "ltsv", "ndjson", "parquet", "tsv"]);
    expect(complete("gold-digger completion ").sort()).toEqual(["bash", "fish", "powershell", "zsh"]);
    expect(complete("gold_digger --db")).toEqual(["--db-url"]);
  });

  test("plan, part and commit offer the export's flags", () => {
    expect(complete("gold-digger plan --par").sort()).toEqual(["--parallel", "--part", "--parts"]);
    expect(complete("gold-digger part --pl")).toEqual(["--plan"]);
  });

  test("demo offers only its own flags", () => {
    expect(complete("gold-digger demo --").sort()).toEqual(["--dir", "--help"]);
    expect(complete("gold_digger demo --").sort()).toEqual(["--dir", "--help"]);
    expect(complete("gold-digger --pretty --").length).toBeGreaterThan(FLAGS.length);
  });
});
