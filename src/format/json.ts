// JSON ({"data":[...]}, optionally pretty) and NDJSON. Values are written from the server's
// text: numbers keep every digit (BIGINT beyond 2^53, DECIMAL(65,30)), JSON columns are
// embedded as JSON, everything else becomes a JSON string.
import { ByteSink, FieldCursor, utf8, writeBitAsDecimal, writeHex } from "./bytes.ts";
import { Kind, uniqueKeys, type ColumnSpec } from "./columns.ts";
import { isValidJson } from "./json-check.ts";
import type { Encoder } from "./encoder.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NULL_BYTES = utf8("null");
const HEX = utf8("0123456789abcdef");
// JSON's short escapes for control characters; the rest become \u00XX.
const SHORT_ESCAPE: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };

function writeJsonString(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  // Worst case every byte becomes \u00XX.
  out.ensure(6 * (end - start) + 2);
  const buf = out.buf;
  let o = out.len;
  buf[o++] = QUOTE;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
      buf[o++] = b;
    } else if (b === QUOTE || b === BACKSLASH) {
      buf[o++] = BACKSLASH;
      buf[o++] = b;
    } else {
      buf[o++] = BACKSLASH;
      const short = SHORT_ESCAPE[b];
      if (short !== undefined) buf[o++] = short;
      else {
        buf[o++] = 0x75; // u
        buf[o++] = ZERO;
        buf[o++] = ZERO;
        buf[o++] = HEX[b >> 4]!;
        buf[o++] = HEX[b & 15]!;
      }
    }
  }
  buf[o++] = QUOTE;
  out.len = o;
}

/** The server's digits as a JSON number: ZEROFILL and YEAR send leading zeros JSON forbids. */
function writeJsonNumber(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  let s = start;
  while (src[s] === ZERO && s + 1 < end && src[s + 1]! >= ZERO && src[s + 1]! <= 0x39) s++;
  out.bytes(src, s, end);
}

/** JSON text from the server, embedded. Raw CR/LF can only be insignificant whitespace in
 *  valid JSON, so they become spaces: NDJSON needs one record per line. */
function writeEmbeddedJson(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  const from = out.len;
  out.bytes(src, start, end);
  const buf = out.buf;
  for (let i = from; i < out.len; i++) if (buf[i] === 0x0a || buf[i] === 0x0d) buf[i] = 0x20;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function isJsonWhitespace(b: number): boolean {
  return b === SPACE || b === NEWLINE || b === 0x0d || b === 0x09;
}

/**
 * JSON text re-laid out the way JSON.stringify(value, null, 2) would, nested `depth` levels
 * deep, token by token: numbers keep every digit (parsing would round big ones).
 */
function writeIndentedJson(out: ByteSink, src: Uint8Array, start: number, end: number, depth: number): void {
  const newline = (level: number) => {
    out.byte(NEWLINE);
    out.ensure(2 * level);
    out.buf.fill(SPACE, out.len, out.len + 2 * level);
    out.len += 2 * level;
  };
  const nextSignificant = (i: number) => {
    while (i < end && isJsonWhitespace(src[i]!)) i++;
    return i;
  };
  let level = depth;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (isJsonWhitespace(b)) continue;
    if (b === QUOTE) {
      let j = i + 1;
      while (j < end && src[j] !== QUOTE) j += src[j] === BACKSLASH ? 2 : 1;
      out.bytes(src, i, j + 1);
      i = j;
    } else if (b === 0x7b || b === 0x5b) {
      // { or [ : an empty container stays on one line, as JSON.stringify writes it.
      const next = nextSignificant(i + 1);
      if (src[next] === b + 2) {
        out.byte(b);
        out.byte(b + 2);
        i = next;
      } else {
        out.byte(b);
        newline(++level);
      }
    } else if (b === 0x7d || b === 0x5d) {
      newline(--level);
      out.byte(b);
    } else if (b === 0x2c) {
      out.byte(b);
      newline(level);
    } else if (b === 0x3a) {
      out.byte(b);
      out.byte(SPACE);
    } else {
      out.byte(b);
    }
  }
}

interface Layout {
  header: string;
  /** Before each row but the first of the export. */
  separator: string;
  /** Before the first row of the export. */
  firstSeparator: string;
  rowOpen: string;
  /** Before each key but the first of a row; the first key gets keyIndent only. */
  fieldSeparator: string;
  keyIndent: string;
  keyColon: string;
  rowClose: string;
  footer: (wroteRows: boolean) => string;
}

const COMPACT: Layout = {
  header: '{"data":[',
  separator: ",",
  firstSeparator: "",
  rowOpen: "{",
  fieldSeparator: ",",
  keyIndent: "",
  keyColon: ":",
  rowClose: "}",
  footer: () => "]}\n",
};

// Byte-identical to JSON.stringify(value, null, 2) followed by a newline.
const PRETTY: Layout = {
  header: '{\n  "data": [',
  separator: ",\n",
  firstSeparator: "\n",
  rowOpen: "    {\n",
  fieldSeparator: ",\n",
  keyIndent: "      ",
  keyColon: ": ",
  rowClose: "\n    }",
  footer: (wroteRows) => (wroteRows ? "\n  ]\n}\n" : "]\n}\n"),
};

const NDJSON: Layout = {
  header: "",
  separator: "",
  firstSeparator: "",
  rowOpen: "{",
  fieldSeparator: ",",
  keyIndent: "",
  keyColon: ":",
  rowClose: "}\n",
  footer: () => "",
};

/** How deep a column's value sits in the pretty layout: {"data": [{"key": value}]}. */
const PRETTY_VALUE_DEPTH = 3;

export function jsonEncoder(columns: ColumnSpec[], style: "compact" | "pretty" | "ndjson"): Encoder {
  const layout = style === "pretty" ? PRETTY : style === "ndjson" ? NDJSON : COMPACT;
  const pretty = style === "pretty";
  const { keys } = uniqueKeys(columns.map((c) => c.name));
  // Each column's key with what precedes and follows it, encoded once.
  const keyBytes = keys.map((k, i) =>
    utf8((i === 0 ? layout.keyIndent : layout.fieldSeparator + layout.keyIndent) + JSON.stringify(k) + layout.keyColon),
  );
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;
  const rowOpen = utf8(layout.rowOpen);
  const rowClose = utf8(layout.rowClose);
  const separator = utf8(layout.separator);
  const firstSeparator = utf8(layout.firstSeparator);

  return {
    header: () => utf8(layout.header),

    batch(rows, rowCount, isFirstBatch) {
      const out = new ByteSink(rows.length * 2 + rowCount * (n * 12 + 8) + 64);
      const cur = new FieldCursor(rows);
      for (let r = 0; r < rowCount; r++) {
        out.chunk(r === 0 && isFirstBatch ? firstSeparator : separator);
        out.chunk(rowOpen);
        for (let c = 0; c < n; c++) {
          out.chunk(keyBytes[c]!);
          const len = cur.next();
          if (len < 0) {
            out.chunk(NULL_BYTES);
            continue;
          }
          const end = cur.pos;
          const start = end - len;
          switch (kinds[c]) {
            case Kind.Number:
              writeJsonNumber(out, rows, start, end);
              break;
            case Kind.Json:
              // Text the server let through as JSON but that is not: kept, as a string.
              if (!isValidJson(rows, start, end)) writeJsonString(out, rows, start, end);
              else if (pretty) writeIndentedJson(out, rows, start, end, PRETTY_VALUE_DEPTH);
              else writeEmbeddedJson(out, rows, start, end);
              break;
            case Kind.Bit:
              writeBitAsDecimal(out, rows, start, end);
              break;
            case Kind.Binary:
              out.byte(QUOTE);
              writeHex(out, rows, start, end);
              out.byte(QUOTE);
              break;
            default:
              writeJsonString(out, rows, start, end);
          }
        }
        out.chunk(rowClose);
      }
      cur.expectEnd(rows.length);
      return out.take();
    },

    footer: (wroteRows) => utf8(layout.footer(wroteRows)),
  };
}
