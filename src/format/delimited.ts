// CSV (RFC 4180) and TSV. Quoting follows papaparse's unparse() exactly, so the output is
// byte-identical to it (test/format/adversarial.test.ts proves it): a field is quoted when it
// holds the delimiter, a quote, CR, LF or a byte-order mark, or starts or ends with a space;
// quotes are doubled. One deliberate difference: a record of a single empty field is written
// as "" (like Rust's csv crate), because as a blank line CSV readers drop it.
import { ByteSink, FieldCursor, utf8, writeBitAsDecimal, writeHex } from "./bytes.ts";
import { Kind, type ColumnSpec } from "./columns.ts";
import type { Encoder } from "./encoder.ts";

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const BOM0 = 0xef;
const EMPTY_QUOTED = utf8('""');

function needsQuotes(src: Uint8Array, start: number, end: number, delimiter: number): boolean {
  if (start === end) return false;
  if (src[start] === SPACE || src[end - 1] === SPACE) return true;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (b === delimiter || b === QUOTE || b === CR || b === LF) return true;
    if (b === BOM0 && src[i + 1] === 0xbb && src[i + 2] === 0xbf && i + 2 < end) return true;
  }
  return false;
}

function writeQuoted(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  out.ensure(2 * (end - start) + 2);
  const buf = out.buf;
  let o = out.len;
  buf[o++] = QUOTE;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (b === QUOTE) buf[o++] = QUOTE;
    buf[o++] = b;
  }
  buf[o++] = QUOTE;
  out.len = o;
}

function writeField(out: ByteSink, src: Uint8Array, start: number, end: number, delimiter: number): void {
  if (needsQuotes(src, start, end, delimiter)) writeQuoted(out, src, start, end);
  else out.bytes(src, start, end);
}

export function delimitedEncoder(columns: ColumnSpec[], delimiter: string, newline: string): Encoder {
  const delim = delimiter.charCodeAt(0);
  const eol = utf8(newline);
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;

  return {
    header() {
      // No result set, no columns: an empty file rather than an empty record.
      if (columns.length === 0) return new Uint8Array(0);
      const out = new ByteSink(256);
      columns.forEach((c, i) => {
        if (i > 0) out.byte(delim);
        const name = utf8(c.name);
        if (name.length === 0 && columns.length === 1) out.chunk(EMPTY_QUOTED);
        else writeField(out, name, 0, name.length, delim);
      });
      out.chunk(eol);
      return out.take();
    },

    batch(rows, rowCount) {
      const out = new ByteSink(rows.length + (rows.length >> 3) + 64);
      const cur = new FieldCursor(rows);
      for (let r = 0; r < rowCount; r++) {
        for (let c = 0; c < n; c++) {
          if (c > 0) out.byte(delim);
          const len = cur.next();
          // An empty field (NULL, or empty text) alone on its record is "", not a blank line.
          if (n === 1 && (len < 0 || (len === 0 && kinds[0] !== Kind.Binary))) {
            out.chunk(EMPTY_QUOTED);
            continue;
          }
          if (len < 0) continue; // NULL: empty field
          const end = cur.pos;
          const start = end - len;
          switch (kinds[c]) {
            case Kind.Number:
              out.bytes(rows, start, end);
              break;
            case Kind.Binary:
              writeHex(out, rows, start, end);
              break;
            case Kind.Bit:
              writeBitAsDecimal(out, rows, start, end);
              break;
            default:
              writeField(out, rows, start, end, delim);
          }
        }
        out.chunk(eol);
      }
      cur.expectEnd(rows.length);
      return out.take();
    },

    footer: () => new Uint8Array(0),
  };
}
