// The command line as tokens, split as node:util's parseArgs splits it (strict off, positionals
// allowed), which is also how the `mariadb` client reads a flag's value: the next argument, even
// when it starts with a dash. Ours because node:util costs more memory than the rest of a
// start-up, and --help and --version need nothing more than these tokens.

/** What the tokenizer needs to know of a flag: whether it takes a value, and its short name. */
export interface TokenOption {
  type: "string" | "boolean";
  short?: string;
}

export type ArgvToken =
  /** `name` is the long name, or the letter of an unknown short flag; `value` is set only for a string flag, or given with `=`. */
  | { kind: "option"; name: string; rawName: string; value?: string }
  | { kind: "positional"; value: string }
  | { kind: "option-terminator" };

export function tokenize(argv: readonly string[], options: Readonly<Record<string, TokenOption>>): ArgvToken[] {
  const longOf = (letter: string) => Object.keys(options).find((name) => options[name].short === letter) ?? letter;
  const takesValue = (name: string) => Object.hasOwn(options, name) && options[name].type === "string";
  const tokens: ArgvToken[] = [];
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--") {
      tokens.push({ kind: "option-terminator" }, ...rest.map((value) => ({ kind: "positional" as const, value })));
      break;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      tokens.push({ kind: "positional", value: arg });
    } else if (arg[1] === "-") {
      // --name, --name value, --name=value
      const equals = arg.indexOf("=", 3);
      const name = arg.slice(2, equals < 0 ? undefined : equals);
      const value = equals >= 0 ? arg.slice(equals + 1) : takesValue(name) && rest.length > 0 ? rest.shift() : undefined;
      tokens.push({ kind: "option", name, rawName: `--${name}`, value });
    } else {
      const name = longOf(arg[1]);
      if (arg.length === 2) {
        // -q value
        tokens.push({ kind: "option", name, rawName: arg, value: takesValue(name) && rest.length > 0 ? rest.shift() : undefined });
      } else if (takesValue(name)) {
        // -qSELECT: the rest of the argument is the value
        tokens.push({ kind: "option", name, rawName: arg.slice(0, 2), value: arg.slice(2) });
      } else {
        // -vpq: each letter a flag; one that takes a value takes the rest of the argument, or the next one if it is last
        const letters = arg.slice(1).split("");
        const valueAt = letters.findIndex((letter) => takesValue(longOf(letter)));
        const expanded = valueAt < 0 ? letters.map((l) => `-${l}`) : [...letters.slice(0, valueAt).map((l) => `-${l}`), `-${arg.slice(valueAt + 1)}`];
        rest.unshift(...expanded);
      }
    }
  }
  return tokens;
}
