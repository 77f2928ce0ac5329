// Strict JSON (RFC 8259) validation over bytes. MariaDB's JSON type is a LONGTEXT whose CHECK
// (json_valid) accepts text that is not JSON ("[1.]", "[-]", "\x" escapes), and checks can be
// switched off; a value that fails here is written as a JSON string instead, so our JSON
// output always parses.

const enum C {
  Tab = 0x09, Lf = 0x0a, Cr = 0x0d, Space = 0x20, Quote = 0x22, Plus = 0x2b, Comma = 0x2c,
  Minus = 0x2d, Dot = 0x2e, Zero = 0x30, Nine = 0x39, Colon = 0x3a, BracketOpen = 0x5b,
  Backslash = 0x5c, BracketClose = 0x5d, E = 0x45, e = 0x65, BraceOpen = 0x7b, BraceClose = 0x7d,
}

const LITERALS = ["true", "false", "null"].map((w) => new TextEncoder().encode(w));
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]); // " \ / b f n r t
const isDigit = (b: number) => b >= C.Zero && b <= C.Nine;
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
    while (at(p) === C.Space || at(p) === C.Lf || at(p) === C.Cr || at(p) === C.Tab) p++;
  };
  const digits = () => {
    const from = p;
    while (isDigit(at(p))) p++;
    return p > from;
  };
  const number = (): boolean => {
    if (at(p) === C.Minus) p++;
    if (at(p) === C.Zero) p++;
    else if (!digits()) return false;
    if (at(p) === C.Dot) {
      p++;
      if (!digits()) return false;
    }
    if (at(p) === C.e || at(p) === C.E) {
      p++;
      if (at(p) === C.Plus || at(p) === C.Minus) p++;
      if (!digits()) return false;
    }
    return true;
  };
  const string = (): boolean => {
    p++; // opening quote
    for (;;) {
      const b = at(p++);
      if (b === C.Quote) return true;
      if (b < C.Space) return false; // control character, or the end
      if (b === C.Backslash) {
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
    if (b === C.Quote) return string();
    if (b === C.Minus || isDigit(b)) return number();
    return literal();
  };
  /** An object member's `"key":`, up to its value. */
  const key = (): boolean => {
    ws();
    if (at(p) !== C.Quote || !string()) return false;
    ws();
    return at(p++) === C.Colon;
  };

  // The closing bracket of each container open around p, innermost last.
  const open = new Uint8Array(MAX_JSON_DEPTH);
  let depth = 0;
  for (;;) {
    // A value starts here: a scalar, or a container that opens (and may close at once, `[]`).
    ws();
    const b = at(p);
    if (b === C.BraceOpen || b === C.BracketOpen) {
      if (depth === MAX_JSON_DEPTH) return false;
      const close = b === C.BraceOpen ? C.BraceClose : C.BracketClose;
      p++;
      ws();
      if (at(p) !== close) {
        open[depth++] = close;
        if (close === C.BraceClose && !key()) return false;
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
      if (c === C.Comma) break;
      if (c !== open[depth - 1]) return false;
      depth--;
    }
    if (open[depth - 1] === C.BraceClose && !key()) return false;
  }
}
