// CSV and TSV in process: byte for byte what papaparse's unparse() writes for the same values,
// on a large random set built to hit every quoting rule and both the short and the long
// (native search) code paths; and how the other kinds are rendered.
import { describe, expect, test } from "bun:test";
import Papa from "papaparse";
import { Kind } from "../../src/format/columns.ts";
import type { Value } from "../support/packets.ts";
import { columnsOf, expectSameText, exportOf, inBatches, random, randomText, type Random } from "./encoding.ts";

const BOM = "\uFEFF";
/** Pieces of text: every byte the quoting rule looks at, and UTF-8 that starts with 0xEF. */
const PIECES = [
  "a", "b", "z", "0", " ", '"', ",", "\t", "\r", "\n", "\r\n", ";", "'", "=", "\\", "é", "中", "😀",
  BOM, "Ａ", "ｚ", "\uFEFE", "\uFBBF", "\uEFBB",
];
/** Filler for long values: nothing to quote, some of it 3-byte UTF-8 that starts with 0xEF. */
const FILLER = ["a", "b", "Ａ", "ｚ", "x", "中", "\uFEFE"];
const SPECIALS = ['"', ",", "\t", "\r", "\n", BOM, " "];

/** Values each rule and code path must see at least once. */
const FIXED = [
  "", " ", "  ", '"', '""', ",", "\t", "\r", "\n", "\r\n", BOM, `${BOM}a`, `a${BOM}`, `a${BOM}b`, "\uFEFE", "Ａ",
  " a", "a ", "\ta", "a\t", "a".repeat(63) + '"', "a".repeat(64) + '"', '"' + "a".repeat(64), '"'.repeat(200),
  "a".repeat(100) + BOM, "Ａ".repeat(30) + BOM, BOM + "Ａ".repeat(30), "a".repeat(200), "a".repeat(200) + " ",
  "a".repeat(70) + "\n" + "b".repeat(70), "a".repeat(300) + "," + "b", "a".repeat(80) + "\t",
];

/** A value of one of several shapes: short mixes, padded, BOM-placed, long with dense or sparse specials. */
function randomValue(rnd: Random): string {
  switch (rnd.int(7)) {
    case 0:
    case 1:
      return randomText(rnd, PIECES, rnd.int(12));
    case 2: {
      const core = randomText(rnd, PIECES, rnd.int(6));
      return rnd.pick([` ${core}`, `${core} `, ` ${core} `]);
    }
    case 3: {
      const [a, b] = [randomText(rnd, FILLER, 1 + rnd.int(4)), randomText(rnd, FILLER, 1 + rnd.int(4))];
      return rnd.pick([`${BOM}${a}`, `${a}${BOM}${b}`, `${a}${BOM}`]);
    }
    case 4: // long, quotes dense
      return randomText(rnd, ['"', '"', "a", "Ａ", ",", "b"], 64 + rnd.int(200));
    default: {
      // long, with a special (or nothing) at any place: in the first 64 bytes or far beyond
      const filler = randomText(rnd, FILLER, 30 + rnd.int(200));
      const at = rnd.int(filler.length + 1);
      const special = rnd.chance(0.2) ? "" : rnd.pick(SPECIALS);
      return filler.slice(0, at) + special + filler.slice(at);
    }
  }
}

/** A table of text values: the FIXED ones in the first column, then random ones; some NULL. */
function randomTable(rnd: Random, width: number, height: number): Value[][] {
  return Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) => {
      if (c === 0 && r < FIXED.length) return FIXED[r];
      return rnd.chance(0.05) ? null : randomValue(rnd);
    }),
  );
}

const FORMATS = [
  { label: "csv, CRLF", format: "csv", csvNewline: "\r\n", delimiter: ",", newline: "\r\n" },
  { label: "csv, LF", format: "csv", csvNewline: "\n", delimiter: ",", newline: "\n" },
  // TSV ignores the CSV newline setting.
  { label: "tsv", format: "tsv", csvNewline: "\r\n", delimiter: "\t", newline: "\n" },
] as const;

/**
 * What papaparse writes for the same header and cells, plus the final newline. The header goes
 * in as the first record (papaparse quotes its `fields` by the same rule, but writes an empty
 * record after them when there is no data). NULL is an empty field; the one deliberate
 * difference, a record of a single empty field written "" rather than as a blank line, is
 * asked of papaparse by forcing quotes on exactly that field.
 */
function papa(names: string[], cells: (string | null)[][], delimiter: string, newline: string): string {
  const single = names.length === 1;
  const data = [names, ...cells.map((row) => row.map((v) => v ?? ""))];
  const quotes = (value: unknown) => single && value === "";
  return Papa.unparse(data, { delimiter, newline, quotes }) + newline;
}

describe.each(FORMATS)("$label", ({ format, csvNewline, delimiter, newline }) => {
  test.each([1, 2, 3])("%i text column(s): random values are papaparse's bytes", (width) => {
    const seed = 1000 * width + csvNewline.length;
    const rnd = random(seed);
    const rows = randomTable(rnd, width, 700);
    // Text and JSON columns are written alike.
    const columns = columnsOf(Array.from({ length: width }, (_, c) => (c === 2 ? Kind.Json : Kind.Text)));
    const text = exportOf({ format, columns, csvNewline }, inBatches(rnd, rows, 50));
    const cells = rows.map((row) => row.map((v) => (v === null ? null : (v as string))));
    expectSameText(text, papa(columns.map((c) => c.name), cells, delimiter, newline));
  });

  test("column names are quoted by the same rule", () => {
    const names = [
      "plain", "with,comma", 'with"quote', " lead", "trail ", "tab\there", "line\nbreak", "cr\r", `${BOM}bom`, "", "Ａ全角",
      "a".repeat(70) + '"',
    ];
    const columns = names.map((name, i) => ({ name, key: `k${i}`, kind: Kind.Text }));
    expect(exportOf({ format, columns, csvNewline }, [])).toBe(papa(names, [], delimiter, newline));
  });

  test("a single empty column name, a single empty field: \"\", not a blank line", () => {
    const columns = [{ name: "", key: "k", kind: Kind.Text }];
    const text = exportOf({ format, columns, csvNewline }, [[[""], [null], ["x"]], [[""]]]);
    expect(text).toBe(['""', '""', '""', "x", '""', ""].join(newline));
    expect(text).toBe(papa([""], [[""], [null], ["x"], [""]], delimiter, newline));
  });

  test("numbers verbatim, binary as 0x + hex, BIT as decimal, JSON as text; NULL an empty field", () => {
    const columns = columnsOf([Kind.Number, Kind.Binary, Kind.Bit, Kind.Json, Kind.Text]);
    const bin = Uint8Array.from([0x00, 0xff, 0x0d, 0x0a, 0x2c, 0x22, ...Array.from({ length: 40 }, (_, i) => i * 6)]);
    const rows: Value[][] = [
      ["-0012.50", bin, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), '{"a": [1, "x,y"]}', "t"],
      ["18446744073709551615", new Uint8Array(0), new Uint8Array([0x01]), "[]", ""],
      [null, null, null, null, null],
      ["0000", new Uint8Array([0xef, 0xbb, 0xbf]), new Uint8Array([0x00]), " {} ", "z"],
    ];
    const want = [
      ["-0012.50", `0x${Buffer.from(bin).toString("hex")}`, "18446744073709551615", '{"a": [1, "x,y"]}', "t"],
      ["18446744073709551615", "0x", "1", "[]", ""],
      [null, null, null, null, null],
      ["0000", "0xefbbbf", "0", " {} ", "z"],
    ];
    const text = exportOf({ format, columns, csvNewline }, [rows.slice(0, 1), rows.slice(1)]);
    expect(text).toBe(papa(columns.map((c) => c.name), want, delimiter, newline));
  });

  test("a single binary column: empty is 0x, NULL is \"\"", () => {
    const columns = columnsOf([Kind.Binary]);
    const text = exportOf({ format, columns, csvNewline }, [[[new Uint8Array(0)], [null], [new Uint8Array([0xab])]]]);
    expect(text).toBe(["c0", "0x", '""', "0xab", ""].join(newline));
  });

  test("--null-value: NULL as that text, quoted when it needs it; an empty string stays empty", () => {
    const columns = columnsOf([Kind.Text, Kind.Number, Kind.Binary]);
    const rows: Value[][] = [[null, null, null], ["", "1", new Uint8Array(0)], ["\\N", null, new Uint8Array([1])]];
    for (const nullValue of ["\\N", "NULL", `a${delimiter}"b"`, " x"]) {
      const text = exportOf({ format, columns, csvNewline, nullValue }, [rows]);
      const want = rows.map((row) => row.map((v, c) => (v === null ? nullValue : c === 2 ? `0x${Buffer.from(v as Uint8Array).toString("hex")}` : (v as string))));
      expect(text).toBe(papa(["c0", "c1", "c2"], want, delimiter, newline));
    }
    expect(exportOf({ format, columns, csvNewline, nullValue: "" }, [rows])).toBe(exportOf({ format, columns, csvNewline }, [rows]));
  });

  test("--null-value on a single column: NULL is the text, an empty string still \"\"", () => {
    const columns = columnsOf([Kind.Text]);
    const text = exportOf({ format, columns, csvNewline, nullValue: "\\N" }, [[[""], [null], ["x"]], [[null]]]);
    expect(text).toBe(["c0", '""', "\\N", "x", "\\N", ""].join(newline));
  });

  test("no rows: the header alone; no columns: nothing", () => {
    expect(exportOf({ format, columns: columnsOf([Kind.Text, Kind.Number]), csvNewline }, [])).toBe(`c0${delimiter}c1${newline}`);
    expect(exportOf({ format, columns: [], csvNewline }, [])).toBe("");
  });
});
