// CSV (RFC 4180) and TSV. Quoting follows papaparse's unparse() exactly, so the output is
// byte-identical to it (test/format/adversarial.test.ts proves it): a field is quoted when it
// holds the delimiter, a quote, CR, LF or a byte-order mark, or starts or ends with a space;
// quotes are doubled. One deliberate difference: a record of a single empty field is written
// as "" (like Rust's csv crate), because as a blank line CSV readers drop it.
import { Ascii, copyBytes, DENSE_RUN, FieldCursor, growthOf, hasByte, HEX_EXTRA, OutputBuffer, utf8, wordsOf, writeUnquoted } from "./bytes.ts";
import { spareBuffers } from "./buffer-pool.ts";
import { Kind, type ColumnSpec } from "./columns.ts";
import type { Encoder } from "./encoder.ts";

const BOM = [0xef, 0xbb, 0xbf] as const;
const EMPTY_QUOTED = utf8('""');
/** Fields at least this long are searched natively, and quoted by words, rather than byte by byte. */
const LONG = 64;
const QUOTES = 0x22222222;
/**
 * Bytes without a quote after which the next one is searched natively: a call costs ~30 ns, which
 * quotes a hundred bytes apart (random text) do not repay.
 */
const CLEAN_STRETCH = 256;

function hasBom(v: Uint8Array): boolean {
  for (let i = v.indexOf(BOM[0]); i >= 0 && i + 2 < v.length; i = v.indexOf(BOM[0], i + 1)) {
    if (v[i + 1] === BOM[1] && v[i + 2] === BOM[2]) return true;
  }
  return false;
}

/** A field of LONG bytes or more: whether it holds a byte that needs quotes, searched natively. */
function longNeedsQuotes(src: Uint8Array, start: number, end: number, delimiter: number): boolean {
  const v = src.subarray(start, end);
  return v.includes(Ascii.Quote) || v.includes(delimiter) || v.includes(Ascii.Lf) || v.includes(Ascii.Cr) || hasBom(v);
}

/**
 * A short field copied as it is, looking for a byte that needs quotes on the way: one pass over
 * what most fields are. Returns false, having written nothing, if it found one.
 */
function copyUnlessQuoted(out: OutputBuffer, src: Uint8Array, start: number, end: number, delimiter: number): boolean {
  const buf = out.buf;
  let o = out.len;
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (b === delimiter || b === Ascii.Quote || b === Ascii.Cr || b === Ascii.Lf) return false;
    if (b === BOM[0] && i + 2 < end && src[i + 1] === BOM[1] && src[i + 2] === BOM[2]) return false;
    buf[o++] = b;
  }
  out.len = o;
  return true;
}

/** src[from, to) at o with quotes doubled; returns where it ends. */
function doubleQuotes(buf: Uint8Array, o: number, src: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const b = src[i];
    buf[o++] = b;
    if (b === Ascii.Quote) buf[o++] = b;
  }
  return o;
}

/**
 * A quoted field, quotes doubled. A long one goes by words: one without a quote is copied whole,
 * one with a quote is written byte by byte (see DENSE_RUN); after CLEAN_STRETCH bytes without
 * one, the rest up to the next quote is found natively and copied in one go. On 1 MB values
 * (Bun 1.4.5, a loaded 2-core microVM, CPU time) a quote every 3 bytes took 0.9 GB/s, one every
 * 40 bytes 1.26-1.29 (1.0-1.05 when every word with a quote started a DENSE_RUN), none 3.6-4.9.
 */
function writeQuoted(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  const buf = out.buf;
  let o = out.len;
  buf[o++] = Ascii.Quote;
  let i = start;
  if (end - start >= LONG) {
    const words = wordsOf(src);
    const outWords = wordsOf(buf);
    let clean = 4;
    while (i + 4 <= end) {
      const x = words.getInt32(i, true);
      if (!hasByte(x, QUOTES)) {
        outWords.setInt32(o, x, true);
        o += 4;
        i += 4;
        if ((clean += 4) < CLEAN_STRETCH) continue;
        const q = src.subarray(i, end).indexOf(Ascii.Quote);
        const stretchEnd = q < 0 ? end : i + q;
        copyBytes(src, i, stretchEnd, buf, o);
        o += stretchEnd - i;
        i = stretchEnd;
        clean = 0;
        continue;
      }
      // A quote right after another word with one: quotes are dense here, bytes go one by one.
      const stop = Math.min(end, i + (clean === 0 ? DENSE_RUN : 4));
      clean = 0;
      o = doubleQuotes(buf, o, src, i, stop);
      i = stop;
    }
  }
  o = doubleQuotes(buf, o, src, i, end);
  buf[o++] = Ascii.Quote;
  out.len = o;
}

/** Quoted when it holds the delimiter, a quote, CR, LF or a byte-order mark, or starts or ends with a space. */
function writeField(out: OutputBuffer, src: Uint8Array, start: number, end: number, delimiter: number): void {
  if (start === end) return;
  if (src[start] === Ascii.Space || src[end - 1] === Ascii.Space) writeQuoted(out, src, start, end);
  else if (end - start < LONG) {
    if (!copyUnlessQuoted(out, src, start, end, delimiter)) writeQuoted(out, src, start, end);
  } else if (longNeedsQuotes(src, start, end, delimiter)) writeQuoted(out, src, start, end);
  else out.bytes(src, start, end);
}

/** Text at its worst: every byte a quote, doubled. */
const TEXT_GROWTH = 2;

/** How NULL is written (--null-value): rendered once, quoted by the same rules as any value. */
function nullField(nullValue: string, delim: number): Uint8Array {
  const text = utf8(nullValue);
  const out = new OutputBuffer(2 * text.length + 2);
  writeField(out, text, 0, text.length, delim);
  return out.take();
}

/** `nullValue` is written for NULL; the default, "", leaves the field empty like an empty string. */
export function delimitedEncoder(columns: ColumnSpec[], delimiter: string, newline: string, nullValue = ""): Encoder {
  const delim = delimiter.charCodeAt(0);
  const eol = utf8(newline);
  const nul = nullField(nullValue, delim);
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;
  const factor = Math.max(1, ...kinds.map((kind) => growthOf(kind, TEXT_GROWTH)));
  // Beyond the growth of the values: a delimiter, two quotes and hex's extra per field (or the
  // NULL text, whose 1-byte marker the growth does not cover), a newline per row.
  const perRow = n * (1 + Math.max(2, HEX_EXTRA, nul.length)) + eol.length;

  return {
    header() {
      // No result set, no columns: an empty file rather than an empty record.
      if (n === 0) return new Uint8Array(0);
      const names = columns.map((c) => utf8(c.name));
      const out = new OutputBuffer(names.reduce((sum, name) => sum + 2 * name.length + 3, eol.length));
      names.forEach((name, i) => {
        if (i > 0) out.byte(delim);
        if (name.length === 0 && n === 1) out.chunk(EMPTY_QUOTED);
        else writeField(out, name, 0, name.length, delim);
      });
      out.chunk(eol);
      return out.take();
    },

    batch(payloads, rowCount) {
      const out = new OutputBuffer(factor * payloads.length + rowCount * perRow, spareBuffers);
      const cur = new FieldCursor(payloads);
      for (let r = 0; r < rowCount; r++) {
        for (let c = 0; c < n; c++) {
          if (c > 0) out.byte(delim);
          const len = cur.next();
          // An empty field (NULL without a --null-value, or empty text) alone on its record is "",
          // not a blank line.
          if (n === 1 && (len < 0 ? nul.length === 0 : len === 0 && kinds[0] !== Kind.Binary)) {
            out.chunk(EMPTY_QUOTED);
            continue;
          }
          if (len < 0) {
            out.chunk(nul);
            continue;
          }
          const end = cur.pos;
          const start = end - len;
          if (!writeUnquoted(out, kinds[c], payloads, start, end)) writeField(out, payloads, start, end, delim);
        }
        out.chunk(eol);
      }
      cur.expectEnd(payloads.length);
      return out.take();
    },

    recycle: (chunk) => spareBuffers.give(chunk.buffer),

    footer: () => new Uint8Array(0),
  };
}
