// Strict JSON (RFC 8259) validation over bytes. MariaDB's JSON type is a LONGTEXT whose CHECK
// (json_valid) accepts text that is not JSON ("[1.]", "[-]", "\x" escapes), and checks can be
// switched off; a value that fails here is written as a JSON string instead, so our JSON
// output always parses.

import { Ascii } from "./bytes.ts";

const LITERALS = ["true", "false", "null"].map((w) => new TextEncoder().encode(w));
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]); // " \ / b f n r t
const isDigit = (b: number) => b >= Ascii.Zero && b <= Ascii.Nine;
/** JSON's insignificant whitespace. */
export const isJsonWhitespace = (b: number) => b === Ascii.Space || b === Ascii.Lf || b === Ascii.Cr || b === Ascii.Tab;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/**
 * Deeper nesting than this is not valid here, and goes out as a string. Nothing the server's own
 * checks accept nests deeper (MariaDB's JSON functions stop at 32 levels, MySQL's JSON type at
 * 100), readers stop near it (Ruby's parser at 100, serde_json at 128), and only text stored
 * with checks off (100,000 brackets) gets past it.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * The validator's state, in one object reused for every value: a JSON column is checked once
 * per row, and closures or arrays made per call would cost more than the check.
 */
class Validator {
  private src: Uint8Array = new Uint8Array(0);
  private end = 0;
  private p = 0;
  /** The closing bracket of each container open around p, innermost last. */
  private readonly open = new Uint8Array(MAX_JSON_DEPTH);

  /** The value is one field inside a larger batch: never look past its end. */
  private at(i: number): number {
    return i < this.end ? this.src[i] : -1;
  }

  private ws(): void {
    const { src, end } = this;
    let p = this.p;
    while (p < end && isJsonWhitespace(src[p])) p++;
    this.p = p;
  }

  private digits(): boolean {
    const { src, end } = this;
    const from = this.p;
    let p = from;
    while (p < end && isDigit(src[p])) p++;
    this.p = p;
    return p > from;
  }

  private number(): boolean {
    if (this.at(this.p) === Ascii.Minus) this.p++;
    if (this.at(this.p) === Ascii.Zero) this.p++;
    else if (!this.digits()) return false;
    if (this.at(this.p) === Ascii.Dot) {
      this.p++;
      if (!this.digits()) return false;
    }
    if (this.at(this.p) === Ascii.LowerE || this.at(this.p) === Ascii.UpperE) {
      this.p++;
      if (this.at(this.p) === Ascii.Plus || this.at(this.p) === Ascii.Minus) this.p++;
      if (!this.digits()) return false;
    }
    return true;
  }

  /** Strings are most of a JSON value's bytes: the scan keeps its position in a local. */
  private string(): boolean {
    const { src, end } = this;
    let p = this.p + 1; // past the opening quote
    for (;;) {
      if (p >= end) return false;
      const b = src[p++];
      if (b === Ascii.Quote) break;
      if (b < Ascii.Space) return false; // control character
      if (b !== Ascii.Backslash) continue;
      this.p = p;
      if (!this.escape()) return false;
      p = this.p;
    }
    this.p = p;
    return true;
  }

  /** What follows a backslash in a string. */
  private escape(): boolean {
    const esc = this.at(this.p++);
    if (esc !== Ascii.LowerU) return SIMPLE_ESCAPES.has(esc);
    for (let i = 0; i < 4; i++) if (!isHex(this.at(this.p++))) return false;
    return true;
  }

  private literal(): boolean {
    for (const word of LITERALS) {
      if (this.at(this.p) !== word[0]) continue;
      for (let i = 1; i < word.length; i++) if (this.at(this.p + i) !== word[i]) return false;
      this.p += word.length;
      return true;
    }
    return false;
  }

  private scalar(): boolean {
    const b = this.at(this.p);
    if (b === Ascii.Quote) return this.string();
    if (b === Ascii.Minus || isDigit(b)) return this.number();
    return this.literal();
  }

  /** An object member's `"key":`, up to its value. */
  private key(): boolean {
    this.ws();
    if (this.at(this.p) !== Ascii.Quote || !this.string()) return false;
    this.ws();
    return this.at(this.p++) === Ascii.Colon;
  }

  /**
   * Whether src[start, end) is one JSON value. Iterative: the nesting, which the data controls,
   * is counted in `open`, never on the call stack.
   */
  check(src: Uint8Array, start: number, end: number): boolean {
    this.src = src;
    this.end = end;
    this.p = start;
    const open = this.open;
    let depth = 0;
    for (;;) {
      // A value starts here: a scalar, or a container that opens (and may close at once, `[]`).
      this.ws();
      const b = this.at(this.p);
      if (b === Ascii.BraceOpen || b === Ascii.BracketOpen) {
        if (depth === MAX_JSON_DEPTH) return false;
        const close = b === Ascii.BraceOpen ? Ascii.BraceClose : Ascii.BracketClose;
        this.p++;
        this.ws();
        if (this.at(this.p) !== close) {
          open[depth++] = close;
          if (close === Ascii.BraceClose && !this.key()) return false;
          continue;
        }
        this.p++;
      } else if (!this.scalar()) {
        return false;
      }
      // A value ended: it may close the containers around it; a comma starts the next element.
      for (;;) {
        this.ws();
        if (depth === 0) return this.p === end;
        const c = this.at(this.p++);
        if (c === Ascii.Comma) break;
        if (c !== open[depth - 1]) return false;
        depth--;
      }
      if (open[depth - 1] === Ascii.BraceClose && !this.key()) return false;
    }
  }
}

const validator = new Validator();

/** Whether src[start, end) is one JSON value (at most MAX_JSON_DEPTH deep). */
export function isValidJson(src: Uint8Array, start: number, end: number): boolean {
  return validator.check(src, start, end);
}
