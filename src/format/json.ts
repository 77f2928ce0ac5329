// JSON ({"data":[...]}, optionally pretty) and NDJSON. Values are written from the server's
// text: numbers keep every digit (BIGINT beyond 2^53, DECIMAL(65,30)), JSON columns are
// embedded as JSON, everything else becomes a JSON string.
import { Ascii, FieldCursor, growthOf, HEX_EXTRA, LONG_STRETCH, OutputBuffer, utf8, writeBitAsDecimal, writeEscaped, writeHex } from "./bytes.ts";
import { spareBuffers } from "./buffer-pool.ts";
import { Kind, type ColumnSpec } from "./columns.ts";
import type { Encoder } from "./encoder.ts";
import { isJsonWhitespace, isValidJson } from "./json-check.ts";

const NULL_BYTES = utf8("null");
/** At most this many output bytes per input byte in a JSON string: a control byte is \u00XX. */
const STRING_GROWTH = 6;

/** What each byte becomes in a JSON string (see writeEscaped). */
const ESCAPE = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) table[b] = Ascii.LowerU;
  const short: Record<number, string> = { 0x08: "b", 0x09: "t", 0x0a: "n", 0x0c: "f", 0x0d: "r" };
  for (const [b, c] of Object.entries(short)) table[Number(b)] = c.charCodeAt(0);
  table[Ascii.Quote] = Ascii.Quote;
  table[Ascii.Backslash] = Ascii.Backslash;
  return table;
})();

/** A JSON string: quoted, escaped. */
function writeJsonString(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  out.byte(Ascii.Quote);
  writeEscaped(out, src, start, end, ESCAPE);
  out.byte(Ascii.Quote);
}

/** src[start, end) as the bytes of a JSON string holding it: how text that is not valid JSON is kept. */
export function jsonStringBytes(src: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new OutputBuffer(STRING_GROWTH * (end - start) + 2);
  writeJsonString(out, src, start, end);
  return out.take();
}

/** The server's digits as a JSON number: ZEROFILL and YEAR send leading zeros JSON forbids. */
function writeJsonNumber(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  let s = start;
  while (src[s] === Ascii.Zero && s + 1 < end && src[s + 1] >= Ascii.Zero && src[s + 1] <= Ascii.Nine) s++;
  out.bytes(src, s, end);
}

/** JSON text from the server, embedded. Raw CR/LF can only be insignificant whitespace in
 *  valid JSON, so they become spaces: NDJSON needs one record per line. */
function writeEmbeddedJson(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  const buf = out.buf;
  const from = out.len;
  if (end - start < LONG_STRETCH) {
    // Copied and cleaned in one pass.
    let o = from;
    for (let i = start; i < end; i++) {
      const b = src[i];
      buf[o++] = b === Ascii.Lf || b === Ascii.Cr ? Ascii.Space : b;
    }
    out.len = o;
    return;
  }
  out.bytes(src, start, end);
  const copy = buf.subarray(from, out.len);
  for (const lineBreak of [Ascii.Lf, Ascii.Cr]) {
    for (let i = copy.indexOf(lineBreak); i >= 0; i = copy.indexOf(lineBreak, i + 1)) copy[i] = Ascii.Space;
  }
}

/**
 * Valid JSON text laid out the way JSON.stringify(value, null, 2) would, nested `depth` levels
 * deep, token by token: numbers keep every digit (parsing would round big ones). With `out`
 * undefined it only counts the size of the result. isValidJson bounds the nesting, and so the
 * indentation, which grows with its square.
 */
function indentJson(out: OutputBuffer | undefined, src: Uint8Array, start: number, end: number, depth: number): number {
  let size = 0;
  const emit = (b: number) => {
    if (out) out.byte(b);
    size++;
  };
  const newline = (level: number) => {
    emit(Ascii.Lf);
    if (out) {
      out.buf.fill(Ascii.Space, out.len, out.len + 2 * level);
      out.len += 2 * level;
    }
    size += 2 * level;
  };
  const nextSignificant = (i: number) => {
    while (i < end && isJsonWhitespace(src[i])) i++;
    return i;
  };
  let level = depth;
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (isJsonWhitespace(b)) continue;
    if (b === Ascii.Quote) {
      let j = i + 1;
      while (j < end && src[j] !== Ascii.Quote) j += src[j] === Ascii.Backslash ? 2 : 1;
      if (out) out.bytes(src, i, j + 1);
      size += j + 1 - i;
      i = j;
    } else if (b === Ascii.BraceOpen || b === Ascii.BracketOpen) {
      // An empty container stays on one line, as JSON.stringify writes it.
      const next = nextSignificant(i + 1);
      if (src[next] === b + 2) {
        emit(b);
        emit(b + 2);
        i = next;
      } else {
        emit(b);
        newline(++level);
      }
    } else if (b === Ascii.BraceClose || b === Ascii.BracketClose) {
      newline(--level);
      emit(b);
    } else if (b === Ascii.Comma) {
      emit(b);
      newline(level);
    } else if (b === Ascii.Colon) {
      emit(b);
      emit(Ascii.Space);
    } else {
      emit(b);
    }
  }
  return size;
}

function writeIndentedJson(out: OutputBuffer, src: Uint8Array, start: number, end: number, depth: number): void {
  out.ensure(indentJson(undefined, src, start, end, depth));
  indentJson(out, src, start, end, depth);
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
  // Each column's key with what precedes and follows it, encoded once.
  const keyBytes = columns.map((c, i) =>
    utf8((i === 0 ? layout.keyIndent : layout.fieldSeparator + layout.keyIndent) + JSON.stringify(c.key) + layout.keyColon),
  );
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;
  const rowOpen = utf8(layout.rowOpen);
  const rowClose = utf8(layout.rowClose);
  const separator = utf8(layout.separator);
  const firstSeparator = utf8(layout.firstSeparator);
  const factor = Math.max(1, ...kinds.map((kind) => growthOf(kind, STRING_GROWTH)));
  // Beyond the growth of the values: keys, the row's punctuation, quotes or "null" and hex's extra.
  const perRow =
    keyBytes.reduce((sum, k) => sum + k.length, 0) +
    Math.max(separator.length, firstSeparator.length) + rowOpen.length + rowClose.length +
    n * (NULL_BYTES.length + HEX_EXTRA);

  return {
    header: () => utf8(layout.header),

    batch(payloads, rowCount, isFirstBatch) {
      const out = new OutputBuffer(factor * payloads.length + rowCount * perRow, spareBuffers);
      const cur = new FieldCursor(payloads);
      for (let r = 0; r < rowCount; r++) {
        out.chunk(r === 0 && isFirstBatch ? firstSeparator : separator);
        out.chunk(rowOpen);
        for (let c = 0; c < n; c++) {
          out.chunk(keyBytes[c]);
          const len = cur.next();
          if (len < 0) {
            out.chunk(NULL_BYTES);
            continue;
          }
          const end = cur.pos;
          const start = end - len;
          switch (kinds[c]) {
            case Kind.Number:
              writeJsonNumber(out, payloads, start, end);
              break;
            case Kind.Json:
              // Text the server let through as JSON but that is not: kept, as a string.
              if (!isValidJson(payloads, start, end)) writeJsonString(out, payloads, start, end);
              else if (pretty) writeIndentedJson(out, payloads, start, end, PRETTY_VALUE_DEPTH);
              else writeEmbeddedJson(out, payloads, start, end);
              break;
            case Kind.Bit:
              writeBitAsDecimal(out, payloads, start, end);
              break;
            case Kind.Binary:
              out.byte(Ascii.Quote);
              writeHex(out, payloads, start, end);
              out.byte(Ascii.Quote);
              break;
            case Kind.Temporal:
              out.byte(Ascii.Quote);
              out.bytes(payloads, start, end);
              out.byte(Ascii.Quote);
              break;
            default:
              writeJsonString(out, payloads, start, end);
          }
        }
        out.chunk(rowClose);
      }
      cur.expectEnd(payloads.length);
      return out.take();
    },

    recycle: (chunk) => spareBuffers.give(chunk.buffer),

    footer: (wroteRows) => utf8(layout.footer(wroteRows)),
  };
}
