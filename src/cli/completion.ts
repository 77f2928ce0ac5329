// `gold-digger completion SHELL`: scripts generated from the flag table, so a new flag
// completes everywhere without touching four shell dialects by hand.
import { configError } from "../errors.ts";
import { BUILTIN_FLAGS, FLAGS, HELP_FLAG, PARTS_COMMANDS, SUBCOMMANDS, type FlagSpec } from "./flags.ts";

export const COMPLETION_SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

const COMMANDS = ["gold-digger", "gold_digger"];
const FUNCTION = "_gold_digger";

/** `gold-digger demo` takes none of the export flags, only these (src/demo/demo.ts). */
const DEMO_DIR: FlagSpec = { name: "dir", type: "string", valueHint: "DIR", file: true, description: "Write the sample exports into DIR (default ./gold-digger-demo)" };
const DEMO_FLAGS: FlagSpec[] = [DEMO_DIR, HELP_FLAG];

const GENERATORS: Record<(typeof COMPLETION_SHELLS)[number], (flags: FlagSpec[]) => string> = {
  bash,
  zsh,
  fish,
  powershell,
};

export function completionScript(shell: string): string {
  const generate = Object.hasOwn(GENERATORS, shell) ? GENERATORS[shell as keyof typeof GENERATORS] : undefined;
  if (!generate) {
    throw configError(`unknown shell "${shell}" for completion: use one of ${COMPLETION_SHELLS.join(", ")}`);
  }
  return generate([...FLAGS, ...BUILTIN_FLAGS]);
}

const spellings = (flag: FlagSpec) => [`--${flag.name}`, ...(flag.alias ? [`-${flag.alias}`] : [])];
const takesValue = (flag: FlagSpec) => flag.type === "string";

/** POSIX shell single-quoting, for bash and zsh. */
const sq = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function bash(flags: FlagSpec[]): string {
  const names = (pick: (flag: FlagSpec) => boolean) => flags.filter(pick).flatMap(spellings).join("|");
  const lines = [
    "# bash completion for gold-digger; load with: source <(gold-digger completion bash)",
    `${FUNCTION}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev=""',
    '  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
    "  # bash splits `--format=js` at '=' (COMP_WORDBREAKS), leaving the flag one word further back.",
    '  if [[ $cur == "=" ]]; then cur=""',
    '  elif [[ $prev == "=" ]] && (( COMP_CWORD > 1 )); then prev="${COMP_WORDS[COMP_CWORD-2]}"',
    "  fi",
    "  COMPREPLY=()",
    '  if [[ ${COMP_WORDS[1]} == demo ]] && (( COMP_CWORD > 1 )); then',
    `    if [[ $prev == --${DEMO_DIR.name} ]]; then ${FUNCTION}_files -d; else ${FUNCTION}_words ${sq(DEMO_FLAGS.flatMap(spellings).join(" "))}; fi`,
    "    return",
    "  fi",
    '  case "$prev" in',
    ...flags
      .filter((flag) => flag.choices)
      .map((flag) => `    ${spellings(flag).join("|")}) ${FUNCTION}_words ${sq(flag.choices!.join(" "))}; return ;;`),
    `    ${names((flag) => flag.file === true)}) ${FUNCTION}_files -f; return ;;`,
    // Free text (a URL, SQL, a number): nothing sensible to offer.
    `    ${names((flag) => takesValue(flag) && !flag.choices && !flag.file)}) return ;;`,
    "  esac",
    '  if (( COMP_CWORD == 1 )) && [[ $cur != -* ]]; then',
    `    ${FUNCTION}_words ${sq(SUBCOMMANDS.map((s) => s.name).join(" "))}`,
    '  elif [[ ${COMP_WORDS[1]} == completion ]]; then',
    `    ${FUNCTION}_words ${sq(COMPLETION_SHELLS.join(" "))}`,
    "  else",
    `    ${FUNCTION}_words ${sq(flags.flatMap(spellings).join(" "))}`,
    "  fi",
    "}",
    // Candidates are read one per line, so file names with spaces stay whole.
    `${FUNCTION}_words() {`,
    "  local word",
    '  while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -W "$1" -- "$cur")',
    "}",
    // $1: -f for files, -d for directories.
    `${FUNCTION}_files() {`,
    "  local file",
    '  while IFS= read -r file; do COMPREPLY+=("$file"); done < <(compgen "$1" -- "$cur")',
    "  compopt -o filenames 2>/dev/null",
    "}",
    `complete -F ${FUNCTION} ${COMMANDS.join(" ")}`,
  ];
  return lines.join("\n") + "\n";
}

function zsh(flags: FlagSpec[]): string {
  // `_arguments` reads `[`, `]` and `:` in a description as syntax unless escaped.
  const describe = (text: string) => text.replace(/[[\]:\\]/g, "\\$&");
  const spec = (flag: FlagSpec) => {
    const value = !takesValue(flag)
      ? ""
      : `:${describe(flag.valueHint ?? "VALUE")}:` +
        (flag.choices ? `(${flag.choices.join(" ")})` : flag.file ? "_files" : " ");
    const names = [`--${flag.name}${takesValue(flag) ? "=" : ""}`];
    if (flag.alias) names.unshift(`-${flag.alias}${takesValue(flag) ? "+" : ""}`);
    const exclusive = flag.alias ? `(${spellings(flag).join(" ")})` : "";
    const tail = `[${describe(flag.description)}]${value}`;
    return names.length === 1 ? sq(exclusive + names[0] + tail) : sq(exclusive) + `{${names.join(",")}}` + sq(tail);
  };
  const subcommands = SUBCOMMANDS.map((s) => sq(`${s.name}:${s.description}`));
  return [
    `#compdef ${COMMANDS.join(" ")}`,
    "# zsh completion for gold-digger; load with: source <(gold-digger completion zsh),",
    "# or save as _gold-digger in a directory of $fpath.",
    "",
    `${FUNCTION}() {`,
    "  local curcontext=$curcontext state line",
    "  typeset -A opt_args",
    `  local -a subcommands=(${subcommands.join(" ")})`,
    "  _arguments -s -S \\",
    ...flags.map((flag) => `    ${spec(flag)} \\`),
    "    '1: :->subcommand' '*:: :->argument'",
    "  case $state in",
    "    subcommand) _describe -t commands 'gold-digger command' subcommands ;;",
    // After `*::` the words are the subcommand's own: $words[1] is its name.
    "    argument)",
    "      case $words[1] in",
    `        completion) _values shell ${COMPLETION_SHELLS.join(" ")} ;;`,
    `        demo) _arguments ${DEMO_FLAGS.map(spec).join(" ")} ;;`,
    `        ${PARTS_COMMANDS.join("|")}) _arguments -s -S ${flags.map(spec).join(" ")} ;;`,
    "      esac ;;",
    "  esac",
    "}",
    "",
    // Autoloaded from $fpath the file body is the completion function; sourced, it registers it.
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then',
    `  ${FUNCTION} "$@"`,
    "else",
    `  compdef ${FUNCTION} ${COMMANDS.join(" ")}`,
    "fi",
    "",
  ].join("\n");
}

function fish(flags: FlagSpec[]): string {
  const [command, ...aliases] = COMMANDS;
  const fq = (text: string) => `'${text.replace(/[\\']/g, "\\$&")}'`;
  // Each flag belongs to the export command or to one subcommand: `demo --` offers only demo's.
  // plan, part and commit take the export's flags (each refuses those it has no use for).
  const exportOnly = fq("not __fish_seen_subcommand_from completion demo");
  const line = (condition: string) => (flag: FlagSpec) => {
    const parts = [`complete -c ${command}`, `-n ${condition}`, `-l ${flag.name}`];
    if (flag.alias) parts.push(`-s ${flag.alias}`);
    // -x: needs a value and offers no files; -r -F: needs a value, offers files.
    if (takesValue(flag)) parts.push(flag.file ? "-r -F" : "-x");
    if (flag.choices) parts.push(`-a ${fq(flag.choices.join(" "))}`);
    parts.push(`-d ${fq(flag.description)}`);
    return parts.join(" ");
  };
  return [
    "# fish completion for gold-digger; load with: gold-digger completion fish | source",
    `complete -c ${command} -f`,
    ...SUBCOMMANDS.map((s) => `complete -c ${command} -n __fish_use_subcommand -a ${s.name} -d ${fq(s.description)}`),
    `complete -c ${command} -n '__fish_seen_subcommand_from completion' -a ${fq(COMPLETION_SHELLS.join(" "))}`,
    ...flags.map(line(exportOnly)),
    ...DEMO_FLAGS.map(line(fq("__fish_seen_subcommand_from demo"))),
    ...aliases.map((alias) => `complete -c ${alias} -w ${command}`),
    "",
  ].join("\n");
}

function powershell(flags: FlagSpec[]): string {
  const ps = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const list = (items: string[]) => `@(${items.map(ps).join(", ")})`;
  const flagRows = flags.map(
    (flag) =>
      `        @{ Names = ${list(spellings(flag))}; Value = $${takesValue(flag)}; ` +
      `Choices = ${list(flag.choices ?? [])}; Tip = ${ps(flag.description)} }`,
  );
  const subcommandRows = SUBCOMMANDS.map((s) => `        @{ Name = ${ps(s.name)}; Tip = ${ps(s.description)} }`);
  return [
    "# PowerShell completion for gold-digger; load with:",
    "#   gold-digger completion powershell | Out-String | Invoke-Expression",
    `Register-ArgumentCompleter -Native -CommandName ${list(COMMANDS)} -ScriptBlock {`,
    "    param($wordToComplete, $commandAst, $cursorPosition)",
    "    $flags = @(",
    flagRows.join(",\n"),
    "    )",
    "    $subcommands = @(",
    subcommandRows.join(",\n"),
    "    )",
    `    $shells = ${list([...COMPLETION_SHELLS])}`,
    "    # The words before the one being completed (which ends at the cursor, if it has begun).",
    "    $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })",
    "    $prev = if ($before.Count -gt 1) { $before[-1] } else { '' }",
    "    # -ccontains: -v and -V are different flags.",
    "    $valueFlag = $flags | Where-Object { $_.Value -and $_.Names -ccontains $prev } | Select-Object -First 1",
    "    $candidates = if ($valueFlag) {",
    "        # No choices: return nothing, so PowerShell falls back to completing paths.",
    "        $valueFlag.Choices | ForEach-Object { @{ Name = $_; Tip = $_ } }",
    "    } elseif ($before.Count -eq 1 -and -not $wordToComplete.StartsWith('-')) {",
    "        $subcommands",
    "    } elseif ($before.Count -gt 1 -and $before[1] -eq 'completion') {",
    "        $shells | ForEach-Object { @{ Name = $_; Tip = $_ } }",
    "    } else {",
    "        $flags | ForEach-Object { $tip = $_.Tip; $_.Names | ForEach-Object { @{ Name = $_; Tip = $tip } } }",
    "    }",
    "    $candidates | Where-Object { $_.Name.StartsWith($wordToComplete, [System.StringComparison]::Ordinal) } | ForEach-Object {",
    "        [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ParameterValue', $_.Tip)",
    "    }",
    "}",
    "",
  ].join("\n");
}
