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
  const container = (close: number, member: () => boolean): boolean => {
    p++; // opening bracket
    ws();
    if (at(p) === close) {
      p++;
      return true;
    }
    for (;;) {
      if (!member()) return false;
      ws();
      const b = at(p++);
      if (b === close) return true;
      if (b !== C.Comma) return false;
      ws();
    }
  };
  const member = (): boolean => {
    if (at(p) !== C.Quote || !string()) return false;
    ws();
    if (at(p) !== C.Colon) return false;
    p++;
    return value();
  };
  const value = (): boolean => {
    ws();
    const b = at(p);
    let ok: boolean;
    if (b === C.BraceOpen) ok = container(C.BraceClose, member);
    else if (b === C.BracketOpen) ok = container(C.BracketClose, value);
    else if (b === C.Quote) ok = string();
    else if (b === C.Minus || isDigit(b)) ok = number();
    else ok = literal();
    ws();
    return ok;
  };

  return value() && p === end;
}
