// Strict JSON (RFC 8259) validation over bytes. MariaDB's JSON type is a LONGTEXT whose CHECK
// (json_valid) accepts text that is not JSON ("[1.]", "[-]", "\x" escapes), and checks can be
// switched off; a value that fails here is written as a JSON string instead, so our JSON
// output always parses.

import { Ascii } from "./bytes.ts";

const LITERALS = ["true", "false", "null"].map((w) => new TextEncoder().encode(w));
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]); // " \ / b f n r t
const isDigit = (b: number) => b >= Ascii.Zero && b <= Ascii.Nine;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/**
 * Deeper nesting than this is not valid here, and goes out as a string. Nothing the server's own
 * checks accept nests deeper (MariaDB's JSON functions stop at 32 levels, MySQL's JSON type at
 * 100), readers stop near it (Ruby's parser at 100, serde_json at 128), and only text stored
 * with checks off (100,000 brackets) gets past it.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether src[start, end) is one JSON value. Iterative: the nesting, which the data controls, is
 * counted in `open`, never on the call stack.
 */
export function isValidJson(src: Uint8Array, start: number, end: number): boolean {
  let p = start;
  // The value is one field inside a larger batch: never look past its end.
  const at = (i: number): number => (i < end ? src[i]! : -1);

  const ws = () => {
    while (at(p) === Ascii.Space || at(p) === Ascii.Lf || at(p) === Ascii.Cr || at(p) === Ascii.Tab) p++;
  };
  const digits = () => {
    const from = p;
    while (isDigit(at(p))) p++;
    return p > from;
  };
  const number = (): boolean => {
    if (at(p) === Ascii.Minus) p++;
    if (at(p) === Ascii.Zero) p++;
    else if (!digits()) return false;
    if (at(p) === Ascii.Dot) {
      p++;
      if (!digits()) return false;
    }
    if (at(p) === Ascii.LowerE || at(p) === Ascii.UpperE) {
      p++;
      if (at(p) === Ascii.Plus || at(p) === Ascii.Minus) p++;
      if (!digits()) return false;
    }
    return true;
  };
  const string = (): boolean => {
    p++; // opening quote
    for (;;) {
      const b = at(p++);
      if (b === Ascii.Quote) return true;
      if (b < Ascii.Space) return false; // control character, or the end
      if (b === Ascii.Backslash) {
        const esc = at(p++);
        if (esc === 0x75) {
          for (let i = 0; i < 4; i++) if (!isHex(at(p++))) return false;
        } else if (!SIMPLE_ESCAPES.has(esc)) return false;
      }
    }
  };
  const literal = (): boolean => {
    for (const word of LITERALS) {
      if (at(p) !== word[0]) continue;
      for (let i = 1; i < word.length; i++) if (at(p + i) !== word[i]) return false;
      p += word.length;
      return true;
    }
    return false;
  };
  const scalar = (): boolean => {
    const b = at(p);
    if (b === Ascii.Quote) return string();
    if (b === Ascii.Minus || isDigit(b)) return number();
    return literal();
  };
  /** An object member's `"key":`, up to its value. */
  const key = (): boolean => {
    ws();
    if (at(p) !== Ascii.Quote || !string()) return false;
    ws();
    return at(p++) === Ascii.Colon;
  };

  // The closing bracket of each container open around p, innermost last.
  const open = new Uint8Array(MAX_JSON_DEPTH);
  let depth = 0;
  for (;;) {
    // A value starts here: a scalar, or a container that opens (and may close at once, `[]`).
    ws();
    const b = at(p);
    if (b === Ascii.BraceOpen || b === Ascii.BracketOpen) {
      if (depth === MAX_JSON_DEPTH) return false;
      const close = b === Ascii.BraceOpen ? Ascii.BraceClose : Ascii.BracketClose;
      p++;
      ws();
      if (at(p) !== close) {
        open[depth++] = close;
        if (close === Ascii.BraceClose && !key()) return false;
        continue;
      }
      p++;
    } else if (!scalar()) {
      return false;
    }
    // A value ended: it may close the containers around it; a comma starts the next element.
    for (;;) {
      ws();
      if (depth === 0) return p === end;
      const c = at(p++);
      if (c === Ascii.Comma) break;
      if (c !== open[depth - 1]) return false;
      depth--;
    }
    if (open[depth - 1] === Ascii.BraceClose && !key()) return false;
  }
}
