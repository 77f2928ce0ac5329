// LTSV in process: random text with every byte the format escapes, in short values and long ones
// (the native-copy path), read back by an independent reader and compared byte for byte with a
// plain string-level rendering; the other kinds; labels made from column names.
import { describe, expect, test } from "bun:test";
import { Kind, type ColumnSpec } from "../../src/format/columns.ts";
import { createEncoder } from "../../src/format/encoder.ts";
import { ltsvLabels } from "../../src/format/ltsv.ts";
import { batchOf, type Value } from "../support/packets.ts";
import { readLtsv } from "../support/ltsv.ts";
import { columnsOf, expectSameText, exportOf, inBatches, random, randomText, type Random } from "./encoding.ts";

const PIECES = ["a", "b", " ", ":", "::", "\\", "\\t", "\\n", "\t", "\n", "\r", "\r\n", "=", '"', "é", "Ａ", "😀", "\u2028", "x".repeat(40)];
/** Values each code path must see: empty, escapes alone, dense, at the ends of long stretches. */
const FIXED = [
  "", ":", "a:b", "\\", "\t", "\n", "\r", "\\".repeat(300), "\n".repeat(100), "a".repeat(63) + "\t", "a".repeat(64) + "\t",
  "\r" + "a".repeat(200), "a".repeat(200), "x".repeat(70) + "\\" + "y".repeat(70),
];

function randomValue(rnd: Random): string {
  return rnd.chance(0.2) ? randomText(rnd, PIECES, 64 + rnd.int(300)) : randomText(rnd, PIECES, rnd.int(10));
}

/** The text written for a label or value, the obvious way. */
const escaped = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c);
const rendered = (labels: string[], rows: (string | null)[][]) =>
  rows.map((row) => `${row.map((v, i) => `${escaped(labels[i])}:${escaped(v ?? "")}`).join("\t")}\n`).join("");

test.each([1, 3])("%i text column(s): random values with every escape read back exactly", (width) => {
  const rnd = random(40 + width);
  const columns = columnsOf(Array.from({ length: width }, (_, c) => (c === 1 ? Kind.Json : Kind.Text)));
  const rows = Array.from({ length: 600 }, (_, r) =>
    columns.map((_, c) => (c === 0 && r < FIXED.length ? FIXED[r] : rnd.chance(0.05) ? null : randomValue(rnd))),
  );
  const text = exportOf({ format: "ltsv", columns }, inBatches(rnd, rows, 40));
  expect(readLtsv(text)).toEqual(rows.map((row) => row.map((v, c): [string, string] => [columns[c].name, v ?? ""])));
  expectSameText(text, rendered(columns.map((c) => c.name), rows));
});

test("numbers and dates verbatim, binary as 0x + hex, BIT as decimal, JSON as escaped text; NULL and empty as label:", () => {
  const columns = columnsOf([Kind.Number, Kind.Temporal, Kind.Binary, Kind.Bit, Kind.Json, Kind.Text]);
  const bin = Uint8Array.from([0x00, 0xff, 0x09, 0x0a, 0x5c, 0x3a, ...Array.from({ length: 60 }, (_, i) => i * 4)]);
  const rows: Value[][] = [
    ["-0012.50", "2024-01-15 10:30:00.123456", bin, new Uint8Array(8).fill(0xff), '{"a": "x\\ny",\n "b": 1}', "t"],
    ["18446744073709551615", "-838:59:59", new Uint8Array(0), new Uint8Array([0x01]), "[]", ""],
    [null, null, null, null, null, null],
  ];
  const text = exportOf({ format: "ltsv", columns }, [rows.slice(0, 2), rows.slice(2)]);
  expect(text).toBe(
    [
      `c0:-0012.50\tc1:2024-01-15 10:30:00.123456\tc2:0x${Buffer.from(bin).toString("hex")}\tc3:18446744073709551615\tc4:{"a": "x\\\\ny",\\n "b": 1}\tc5:t\n`,
      "c0:18446744073709551615\tc1:-838:59:59\tc2:0x\tc3:1\tc4:[]\tc5:\n",
      "c0:\tc1:\tc2:\tc3:\tc4:\tc5:\n",
    ].join(""),
  );
});

test("zero rows: nothing at all, no header", () => {
  expect(exportOf({ format: "ltsv", columns: columnsOf([Kind.Text, Kind.Number]) }, [])).toBe("");
});

describe("labels", () => {
  test("are the unique keys; a colon becomes _, suffixed if that is another column's key", () => {
    expect(ltsvLabels(["id", "a:b", "a_b", "x:", ":", "a:b_2", "c::d"])).toEqual(["id", "a_b_2", "a_b", "x_", "_", "a_b_2_2", "c__d"]);
    expect(ltsvLabels(["a", "a_2", "t\tb\nc\\d"])).toEqual(["a", "a_2", "t\tb\nc\\d"]);
  });

  test("are escaped like values, read back as the names; renamed ones are warned of once", () => {
    const names = ["t\tab", "l\nf", "c\rr", "back\\slash", "", "a:b", "a", "a", "é:Ａ"];
    const keys = ["t\tab", "l\nf", "c\rr", "back\\slash", "", "a:b", "a", "a_2", "é:Ａ"];
    const columns: ColumnSpec[] = names.map((name, i) => ({ name, key: keys[i], kind: Kind.Text }));
    const warnings: string[] = [];
    const encoder = createEncoder(
      { format: "ltsv", columns, pretty: false, csvNewline: "\n", compression: "none" },
      { warn: (line) => warnings.push(line) },
    );
    const values = names.map((_, i) => `v${i}`);
    const text = new TextDecoder().decode(encoder.batch(batchOf([values]), 1, true));
    expect(text).toBe("t\\tab:v0\tl\\nf:v1\tc\\rr:v2\tback\\\\slash:v3\t:v4\ta_b:v5\ta:v6\ta_2:v7\té_Ａ:v8\n");
    expect(readLtsv(text)).toEqual([["t\tab", "l\nf", "c\rr", "back\\slash", "", "a_b", "a", "a_2", "é_Ａ"].map((l, i) => [l, values[i]])]);
    expect(warnings).toEqual(["warning: colons in column names replaced in LTSV labels: a:b -> a_b, é:Ａ -> é_Ａ"]);
  });

  test("no warning when no label needs changing", () => {
    const warnings: string[] = [];
    createEncoder({ format: "ltsv", columns: columnsOf([Kind.Text]), pretty: false, csvNewline: "\n", compression: "none" }, { warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([]);
  });
});
