// LTSV: one record a line, `label:value` fields separated by TAB. Backslash, TAB, LF and CR are
// backslash-escaped in values and labels, so a record is always one line; colons are not, since a
// reader splits a field at its first colon. NULL is a label with nothing after its colon.
import { Ascii, FieldCursor, growthOf, HEX_EXTRA, OutputBuffer, utf8, writeEscaped, writeUnquoted } from "./bytes.ts";
import { spareBuffers } from "./buffer-pool.ts";
import type { ColumnSpec } from "./columns.ts";
import type { Encoder } from "./encoder.ts";

/** What each byte becomes in a label or value (see writeEscaped). */
const ESCAPE = (() => {
  const table = new Uint8Array(256);
  table[Ascii.Backslash] = Ascii.Backslash;
  table[Ascii.Tab] = "t".charCodeAt(0);
  table[Ascii.Lf] = "n".charCodeAt(0);
  table[Ascii.Cr] = "r".charCodeAt(0);
  return table;
})();
/** At most this many output bytes per input byte of text: an escape is two. */
const TEXT_GROWTH = 2;

/**
 * The labels: the columns' unique keys, except that a colon, which would end the label early for
 * any reader, becomes `_`, suffixed like a duplicate if that makes it a key another column has.
 */
export function ltsvLabels(keys: string[]): string[] {
  const taken = new Set(keys);
  return keys.map((key) => {
    if (!key.includes(":")) return key;
    const base = key.replaceAll(":", "_");
    let label = base;
    for (let n = 2; taken.has(label); n++) label = `${base}_${n}`;
    taken.add(label);
    return label;
  });
}


/** `warn` hears of labels changed from the column names' JSON keys. */
export function ltsvEncoder(columns: ColumnSpec[], warn: (line: string) => void): Encoder {
  const labels = ltsvLabels(columns.map((c) => c.key));
  const changed = columns.flatMap((c, i) => (labels[i] === c.key ? [] : [`${c.key} -> ${labels[i]}`]));
  if (changed.length > 0) warn(`warning: colons in column names replaced in LTSV labels: ${changed.join(", ")}`);
  // Each field's TAB (but the first's), escaped label and colon, encoded once.
  const prefixes = labels.map((label, i) => {
    const text = utf8(label);
    const out = new OutputBuffer(TEXT_GROWTH * text.length + 2);
    if (i > 0) out.byte(Ascii.Tab);
    writeEscaped(out, text, 0, text.length, ESCAPE);
    out.byte(Ascii.Colon);
    return out.take();
  });
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;
  const factor = Math.max(1, ...kinds.map((kind) => growthOf(kind, TEXT_GROWTH)));
  // Beyond the growth of the values: the labels, hex's extra per field and a newline per row.
  const perRow = prefixes.reduce((sum, p) => sum + p.length, 0) + n * HEX_EXTRA + 1;

  return {
    header: () => new Uint8Array(0),

    batch(payloads, rowCount) {
      const out = new OutputBuffer(factor * payloads.length + rowCount * perRow, spareBuffers);
      const cur = new FieldCursor(payloads);
      for (let r = 0; r < rowCount; r++) {
        for (let c = 0; c < n; c++) {
          out.chunk(prefixes[c]);
          const len = cur.next();
          if (len < 0) continue;
          const end = cur.pos;
          const start = end - len;
          if (!writeUnquoted(out, kinds[c], payloads, start, end)) writeEscaped(out, payloads, start, end, ESCAPE);
        }
        out.byte(Ascii.Lf);
      }
      cur.expectEnd(payloads.length);
      return out.take();
    },

    footer: () => new Uint8Array(0),
    recycle: (chunk) => spareBuffers.give(chunk.buffer),
  };
}
