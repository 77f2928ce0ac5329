// The byte-level pieces every encoder stands on, in process: the length-encoded field walk over
// row payloads, hex, BIT(n) as decimal, and the output buffer's bound.
import { describe, expect, test } from "bun:test";
import {
  BIT_GROWTH,
  FieldCursor,
  hasByte,
  hasByteBelow,
  HEX_EXTRA,
  HEX_GROWTH,
  OutputBuffer,
  writeBitAsDecimal,
  wordsOf,
  writeHex,
} from "../../src/format/bytes.ts";
import { batchOf, lengthPrefix, rowPayload } from "../support/packets.ts";
import { random } from "./encoding.ts";

const MALFORMED = "malformed row data";
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

/** Every field of `buf` from `start` on, as the cursor reads it: null for NULL, else the value. */
function fields(buf: Uint8Array, start = 0): (string | null)[] {
  const cur = new FieldCursor(buf, start);
  const out: (string | null)[] = [];
  while (cur.pos < buf.length) {
    const len = cur.next();
    out.push(len < 0 ? null : latin1(buf.subarray(cur.pos - len, cur.pos)));
  }
  cur.expectEnd(buf.length);
  return out;
}

describe("FieldCursor", () => {
  test("1-byte length prefixes 0..250, one after another in one row", () => {
    const values = Array.from({ length: 251 }, (_, n) => String.fromCharCode(0x41 + (n % 26)).repeat(n));
    const row = rowPayload(values);
    const cur = new FieldCursor(row);
    let pos = 0;
    for (let n = 0; n <= 250; n++) {
      expect(row[pos]).toBe(n); // the prefix is the length itself
      expect(cur.next()).toBe(n);
      expect(cur.pos).toBe(pos + 1 + n);
      expect(latin1(row.subarray(cur.pos - n, cur.pos))).toBe(values[n]);
      pos = cur.pos;
    }
    cur.expectEnd(row.length);
  });

  test("0xfb is NULL, distinct from an empty value; both take no value bytes", () => {
    const row = rowPayload([null, "", null, "x", ""]);
    expect([...row]).toEqual([0xfb, 0x00, 0xfb, 0x01, 0x78, 0x00]);
    expect(fields(row)).toEqual([null, "", null, "x", ""]);
  });

  // Each length on either side of a prefix-width boundary, with the prefix the protocol uses.
  test.each([
    [250, [250]],
    [251, [0xfc, 0xfb, 0x00]],
    [65535, [0xfc, 0xff, 0xff]],
    [65536, [0xfd, 0x00, 0x00, 0x01]],
    [16777215, [0xfd, 0xff, 0xff, 0xff]],
    [16777216, [0xfe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]],
  ])("a %i-byte value: prefix %p", (len, prefix) => {
    const value = new Uint8Array(len).fill(0x61);
    value[0] = 0x41;
    value[len - 1] = 0x5a;
    const row = rowPayload([value, "z", null]);
    expect([...row.subarray(0, prefix.length)]).toEqual(prefix);
    const cur = new FieldCursor(row);
    expect(cur.next()).toBe(len);
    expect(cur.pos).toBe(prefix.length + len);
    expect([row[cur.pos - len], row[cur.pos - 1]]).toEqual([0x41, 0x5a]);
    expect(cur.next()).toBe(1);
    expect(row[cur.pos - 1]).toBe(0x7a);
    expect(cur.next()).toBe(-1);
    cur.expectEnd(row.length);
  });

  test.each([0xfc, 0xfd, 0xfe] as const)("a wider prefix than needed (%p) is read all the same", (width) => {
    const row = new Uint8Array([...lengthPrefix(3, width), 0x61, 0x62, 0x63, ...lengthPrefix(0, width), 0xfb]);
    expect(fields(row)).toEqual(["abc", "", null]);
  });

  test("rows of a batch are walked back to back, from any start", () => {
    const batch = batchOf([["a", null], ["", "bcd"], [null, "e".repeat(300)]]);
    expect(fields(batch)).toEqual(["a", null, "", "bcd", null, "e".repeat(300)]);
    // Starting at the second row: "a" takes 2 bytes, NULL one.
    expect(fields(batch, 3)).toEqual(["", "bcd", null, "e".repeat(300)]);
  });

  test.each([
    ["a 1-byte length past the end", [5, 0x61, 0x62]],
    ["a 2-byte length past the end", [0xfc, 0x00, 0x01, ...new Array(255).fill(0x61)]],
    ["a 3-byte length past the end", [0xfd, 0x00, 0x00, 0x01, 0x61]],
    ["an 8-byte length past the end", [0xfe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x61]],
    ["an 8-byte length of 2^31, past the end", [0xfe, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00]],
    ["a 2-byte prefix cut short", [0xfc, 0x01]],
    ["a 3-byte prefix cut short", [0xfd, 0x00, 0x00]],
    ["an 8-byte prefix cut short after 4 bytes", [0xfe, 0x00, 0x00, 0x00, 0x00]],
    ["a lone 2-byte marker", [0xfc]],
    ["a 0xff prefix (an ERR packet's header, never a length)", [0xff, 0x00]],
    ["nothing at all", []],
  ])("%s throws", (_, bytes) => {
    expect(() => new FieldCursor(new Uint8Array(bytes)).next()).toThrow(MALFORMED);
  });

  test("a length running past the end of a later field throws, after the earlier fields read", () => {
    const row = new Uint8Array([...rowPayload(["ok", null]), 3, 0x61]);
    const cur = new FieldCursor(row);
    expect([cur.next(), cur.next()]).toEqual([2, -1]);
    expect(() => cur.next()).toThrow(MALFORMED);
  });

  test("expectEnd: leftover bytes throw, as does reading past the last field", () => {
    const batch = batchOf([["a"], ["b"]]);
    const cur = new FieldCursor(batch);
    cur.next();
    expect(() => cur.expectEnd(batch.length)).toThrow(MALFORMED);
    cur.next();
    cur.expectEnd(batch.length);
    expect(() => cur.next()).toThrow(MALFORMED);
    // A trailing NULL marker is a whole field too: one byte left over.
    const extra = new Uint8Array([...batch, 0xfb]);
    const cur2 = new FieldCursor(extra);
    cur2.next();
    cur2.next();
    expect(() => cur2.expectEnd(extra.length)).toThrow(MALFORMED);
  });

  // BUGS (reported, not fixed here): next() reads only the low 4 of an 8-byte length's bytes, and
  // reads them even when they are not there. So a length of 2^32 + 1 is taken as 1 and the
  // batch read as if it were sound; and a prefix cut short inside its first 4 bytes gives a
  // length and a position of NaN instead of an error (an encoder's expectEnd still throws, as
  // "byte NaN of 2").
  test("an 8-byte length with its high bytes set (2^32 + 1) runs past the end and throws", () => {
    const bytes = new Uint8Array([0xfe, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61]);
    expect(() => new FieldCursor(bytes).next()).toThrow(MALFORMED);
  });

  test("an 8-byte prefix cut short inside its first 4 bytes throws", () => {
    for (const bytes of [[0xfe], [0xfe, 0x01], [0xfe, 0x01, 0x00, 0x00]]) {
      expect(() => new FieldCursor(new Uint8Array(bytes)).next()).toThrow(MALFORMED);
    }
  });
});

/** `src` hex-encoded after `before` bytes already in a buffer no bigger than the encoders' bound. */
function hexAfter(before: number, src: Uint8Array, start = 0, end = src.length): string {
  const out = new OutputBuffer(before + HEX_GROWTH * (end - start) + HEX_EXTRA);
  for (let i = 0; i < before; i++) out.byte(0x2d);
  writeHex(out, src, start, end);
  return latin1(out.take());
}

describe("writeHex", () => {
  const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, b) => b);
  const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

  test("each of the 256 byte values alone: 0x and two lowercase digits", () => {
    for (let b = 0; b < 256; b++) expect(hexAfter(0, ALL_BYTES, b, b + 1)).toBe(`0x${b.toString(16).padStart(2, "0")}`);
  });

  test("an empty value is 0x", () => {
    expect(hexAfter(0, new Uint8Array(0))).toBe("0x");
    expect(hexAfter(1, new Uint8Array(0))).toBe("-0x");
  });

  test.each([0, 1, 2, 3])("all 256 byte values in one value, after %i bytes already written", (before) => {
    expect(hexAfter(before, ALL_BYTES)).toBe("-".repeat(before) + hex(ALL_BYTES));
  });

  test("random values of 1..100 bytes, at even and odd output offsets and source starts", () => {
    const rnd = random(0x4ec5);
    for (let n = 1; n <= 100; n++) {
      const src = Uint8Array.from({ length: n + 2 }, () => rnd.int(256));
      for (const before of [0, 1, 2, 5]) {
        for (const start of [0, 1]) {
          const want = "-".repeat(before) + hex(src.subarray(start, start + n));
          expect(hexAfter(before, src, start, start + n)).toBe(want);
        }
      }
    }
  });

  test("one long value after another, the second at an odd offset; and in a buffer at an odd address", () => {
    const a = Uint8Array.from({ length: 33 }, (_, i) => 255 - i);
    const b = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    const out = new OutputBuffer(2 * (HEX_GROWTH * 97 + HEX_EXTRA));
    writeHex(out, a, 0, a.length);
    out.byte(0x2c);
    writeHex(out, b, 0, b.length);
    expect(latin1(out.take())).toBe(`${hex(a)},${hex(b)}`);

    const shifted = new OutputBuffer(0);
    shifted.buf = new Uint8Array(new ArrayBuffer(HEX_GROWTH * 64 + HEX_EXTRA + 1), 1);
    writeHex(shifted, b, 0, b.length);
    expect(latin1(shifted.take())).toBe(hex(b));
  });
});

describe("OutputBuffer", () => {
  test("holds at least 64 bytes; take() returns exactly what was written", () => {
    const out = new OutputBuffer(0);
    expect(out.buf.length).toBe(64);
    out.bytes(new Uint8Array([1, 2, 3, 4]), 1, 3);
    out.chunk(new Uint8Array(40).fill(9)); // the native copy
    out.byte(7);
    expect([...out.take()]).toEqual([2, 3, ...new Array(40).fill(9), 7]);
  });

  test("take() refuses a bound overrun rather than hide it", () => {
    const out = new OutputBuffer(64);
    for (let i = 0; i < 64; i++) out.byte(0x61);
    expect(out.take().length).toBe(64);
    out.byte(0x62); // lands nowhere: a typed array drops it
    expect(() => out.take()).toThrow("output bound exceeded: 65 > 64");
  });

  test("ensure() grows, keeping what is written", () => {
    const out = new OutputBuffer(64);
    out.chunk(new Uint8Array(60).fill(5));
    out.ensure(100);
    expect(out.buf.length).toBeGreaterThanOrEqual(160);
    out.chunk(new Uint8Array(100).fill(6));
    expect([...out.take()]).toEqual([...new Array(60).fill(5), ...new Array(100).fill(6)]);
  });
});

describe("writeBitAsDecimal", () => {
  const decimal = (bytes: number[], before = 0) => {
    const src = new Uint8Array([...new Array(before).fill(0xee), ...bytes, 0xee]);
    const out = new OutputBuffer(BIT_GROWTH * bytes.length);
    writeBitAsDecimal(out, src, before, before + bytes.length);
    return latin1(out.take());
  };

  test("BIT(1)", () => {
    expect(decimal([0])).toBe("0");
    expect(decimal([1])).toBe("1");
  });

  test("BIT(64): 0, the top bit alone, and the maximum", () => {
    expect(decimal([0, 0, 0, 0, 0, 0, 0, 0])).toBe("0");
    expect(decimal([0x80, 0, 0, 0, 0, 0, 0, 0])).toBe("9223372036854775808");
    expect(decimal([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe("18446744073709551615");
  });

  test("big-endian, leading zero bytes dropped, read from within a larger buffer", () => {
    expect(decimal([0x01, 0x00], 3)).toBe("256");
    expect(decimal([0x00, 0x00, 0x01, 0xff], 1)).toBe("511");
  });

  test("every value of one and two bytes, and random ones of every width, read as the bigint reads them", () => {
    for (let v = 0; v < 65536; v++) {
      expect(decimal([v & 0xff])).toBe(String(v & 0xff));
      expect(decimal([v >> 8, v & 0xff], 2)).toBe(String(v));
    }
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 20_000; i++) {
      const bytes = Array.from({ length: 1 + (i % 8) }, random);
      expect(decimal(bytes)).toBe(bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n).toString());
    }
  });

  test("every width's maximum fits the BIT_GROWTH bound", () => {
    for (let n = 1; n <= 8; n++) {
      const digits = decimal(new Array(n).fill(0xff));
      expect(digits).toBe((2n ** BigInt(8 * n) - 1n).toString());
      expect(digits.length).toBeLessThanOrEqual(BIT_GROWTH * n);
    }
  });
});

describe("word tests (SWAR)", () => {
  // Every byte value in every lane, beside random bytes and beside the bytes nearest the
  // threshold (where a borrow between lanes would show), against a byte-by-byte answer.
  test("hasByte and hasByteBelow agree with a byte-by-byte look at every byte value in every lane", () => {
    const rnd = random(0x5a1);
    const word = new Uint8Array(4);
    const words = wordsOf(word);
    const neighbours = [0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff];
    for (let lane = 0; lane < 4; lane++) {
      for (let b = 0; b < 256; b++) {
        for (let k = 0; k < 8; k++) {
          for (let j = 0; j < 4; j++) word[j] = k < 4 ? rnd.int(256) : rnd.pick(neighbours);
          word[lane] = b;
          const x = words.getInt32(0, true);
          for (const target of [0x22, 0x5c]) expect(hasByte(x, target * 0x01010101)).toBe(word.includes(target));
          expect(hasByteBelow(x, 0x20202020)).toBe(word.some((v) => v < 0x20));
        }
      }
    }
  });
});
