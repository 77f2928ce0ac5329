// JSON, pretty JSON and NDJSON in process: byte for byte what JSON.stringify writes for the same
// rows, on random text and random JSON documents; JSON-column text that is not JSON goes out as
// a string; numbers keep every digit.
import { describe, expect, test } from "bun:test";
import { Kind, type ColumnSpec } from "../../src/format/columns.ts";
import { batchOf, type Value } from "../support/packets.ts";
import { columnsOf, encoderOf, expectSameText, exportOf, inBatches, random, randomText, type Random } from "./encoding.ts";

/** JSON.rawJSON (not in the TypeScript lib yet): a number JSON.stringify writes with exactly these digits. */
const { rawJSON, isRawJSON } = JSON as unknown as { rawJSON(text: string): unknown; isRawJSON(value: unknown): boolean };

const CONTROL = Array.from({ length: 0x20 }, (_, b) => String.fromCharCode(b));
const TEXT_PIECES = [...CONTROL, '"', '"', "\\", "\\", "/", "a", "b", " ", "é", "Ａ", "😀", "\u2028", "\u007f", '\\"', "x".repeat(40)];

function randomString(rnd: Random): string {
  return rnd.chance(0.2) ? randomText(rnd, TEXT_PIECES, 64 + rnd.int(400)) : randomText(rnd, TEXT_PIECES, rnd.int(12));
}

type Row = Record<string, unknown>;
const STYLES = [
  { style: "compact", format: "json", pretty: false },
  { style: "pretty", format: "json", pretty: true },
  { style: "ndjson", format: "ndjson", pretty: false },
] as const;
type Style = (typeof STYLES)[number]["style"];

/** What JSON.stringify writes for these rows, in each layout. */
function stringified(style: Style, rows: Row[]): string {
  if (style === "ndjson") return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
  return style === "pretty" ? `${JSON.stringify({ data: rows }, null, 2)}\n` : `${JSON.stringify({ data: rows })}\n`;
}

/** The rows an export holds, parsed. */
function parsed(style: Style, text: string): Row[] {
  if (style !== "ndjson") return (JSON.parse(text) as { data: Row[] }).data;
  expect(text === "" || text.endsWith("\n")).toBe(true);
  return text.split("\n").slice(0, -1).map((line) => JSON.parse(line) as Row);
}

/** A table as JavaScript objects, keyed by the columns' keys. */
const objects = (columns: ColumnSpec[], cells: unknown[][]): Row[] =>
  cells.map((row) => Object.fromEntries(columns.map((c, i) => [c.key, row[i]])));

/** Keys the encoder must escape as JSON.stringify does, distinct as uniqueKeys makes them. */
const TEXT_COLUMNS: ColumnSpec[] = ["id", 'q"k', "back\\slash", "ctl\u0001\n", "Ａ", "id_2"].map((key) => ({ name: key, key, kind: Kind.Text }));

describe.each(STYLES)("$style", ({ style, format, pretty }) => {
  test("random text with every control byte, quotes and backslashes: JSON.stringify's bytes, parsed back", () => {
    const rnd = random(7 + style.length);
    const cells = Array.from({ length: 300 }, () => TEXT_COLUMNS.map(() => (rnd.chance(0.05) ? null : randomString(rnd))));
    const text = exportOf({ format, pretty, columns: TEXT_COLUMNS }, inBatches(rnd, cells, 40));
    const rows = objects(TEXT_COLUMNS, cells);
    expect(parsed(style, text)).toEqual(rows);
    expectSameText(text, stringified(style, rows));
  });

  test("numbers keep every digit, less leading zeros; BIT is a number, binary a 0x string", () => {
    const columns = columnsOf([Kind.Number, Kind.Bit, Kind.Binary]);
    const numbers = [
      "007", "0000", "000.50", "-0.000000000000000000000000000001", "18446744073709551615",
      "12345678901234567890123456789012345.123456789012345678901234567890", "1.7976931348623157e308",
    ];
    const cells = numbers.map((n, i): Value[] => [n, new Uint8Array(i + 1).fill(0xff), new Uint8Array(i * 10).fill(i)]);
    cells.push([null, null, null]);
    const text = exportOf({ format, pretty, columns }, [cells]);
    const want = numbers.map((n, i) => [
      rawJSON(n.replace(/^0+(?=\d)/, "")),
      rawJSON((2n ** BigInt(8 * (i + 1)) - 1n).toString()),
      `0x${Buffer.from(new Uint8Array(i * 10).fill(i)).toString("hex")}`,
    ]);
    want.push([null, null, null]);
    expect(text).toBe(stringified(style, objects(columns, want)));
  });

  test("JSON-column text that is not JSON goes out as a string, as it was", () => {
    const invalid = [
      "[1.]", "{", "}", "", "  ", "not json", '["\\x"]', "[1,]", "01", '{"a":1}x', "\u0001", "[\r\n1.\r\n]",
      // Nested one level deeper than the check allows.
      "[".repeat(101) + "]".repeat(101), '{"k":'.repeat(101) + "1" + "}".repeat(101),
    ];
    const columns = columnsOf([Kind.Json]);
    const text = exportOf({ format, pretty, columns }, [invalid.map((v) => [v])]);
    expect(text).toBe(stringified(style, objects(columns, invalid.map((v) => [v]))));
  });

  test("valid JSON nested 100 deep is embedded, not a string", () => {
    const columns = columnsOf([Kind.Json]);
    const deep = "[".repeat(100) + "]".repeat(100);
    const text = exportOf({ format, pretty, columns }, [[[deep]]]);
    expect(text).toBe(stringified(style, [{ c0: JSON.parse(deep) }]));
  });
});

/**
 * A random JSON document, as a value JSON.stringify writes (numbers as raw text, any number of
 * digits); the text of its numbers is pushed on `numbers` in document order.
 */
function randomDocument(rnd: Random, numbers: string[], depth = 0): unknown {
  const kind = depth > 5 ? rnd.int(4) : rnd.int(7);
  switch (kind) {
    case 0: {
      const digits = () => String(1 + rnd.int(9)) + randomText(rnd, "0123456789".split(""), rnd.int(40));
      const sign = rnd.chance(0.3) ? "-" : "";
      const fraction = rnd.chance(0.4) ? `.${digits()}` : "";
      const exponent = rnd.chance(0.2) ? rnd.pick(["e", "E+", "e-"]) + digits().slice(0, 3) : "";
      const text = sign + (rnd.chance(0.2) ? "0" : digits()) + fraction + exponent;
      numbers.push(text);
      return rawJSON(text);
    }
    case 1:
      return randomString(rnd);
    case 2:
      return rnd.pick([true, false, null]);
    case 3:
      return rnd.pick([{}, []]);
    case 4:
    case 5:
      return Array.from({ length: rnd.int(5) }, () => randomDocument(rnd, numbers, depth + 1));
    default:
      // Keys made distinct (and never array indices, which objects reorder) by a #n suffix.
      const key = (i: number) => `${[...randomString(rnd)].slice(0, 8).join("")}#${i}`;
      return Object.fromEntries(Array.from({ length: rnd.int(5) }, (_, i) => [key(i), randomDocument(rnd, numbers, depth + 1)]));
  }
}

/** JSON text for a document with random whitespace (CR and LF among it) between its tokens. */
function spacedJson(rnd: Random, value: unknown): string {
  const ws = () => randomText(rnd, [" ", "\t", "\n", "\r\n", "\r"], rnd.chance(0.5) ? 0 : 1 + rnd.int(3));
  if (value === null || typeof value !== "object" || isRawJSON(value)) return ws() + JSON.stringify(value) + ws();
  if (Array.isArray(value)) return `${ws()}[${ws()}${value.map((v) => spacedJson(rnd, v)).join(",")}]${ws()}`;
  const members = Object.entries(value).map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${spacedJson(rnd, v)}`);
  return `${ws()}{${ws()}${members.join(",")}}${ws()}`;
}

/** JSON.parse, each number as its source text. */
function numberTexts(text: string): string[] {
  const seen: string[] = [];
  JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number") seen.push(context!.source!);
    return value;
  });
  return seen;
}

describe("JSON columns holding JSON documents", () => {
  const rnd = random(2024);
  const columns = [
    { name: "id", key: "id", kind: Kind.Number },
    { name: "doc", key: "doc", kind: Kind.Json },
    { name: "doc", key: "doc_2", kind: Kind.Json },
  ];
  /** Each row's numbers' text, in output order: the id, then each document's. */
  const numbers: string[][] = [];
  const documents = Array.from({ length: 200 }, (_, i) => {
    numbers.push([String(i)]);
    return [randomDocument(rnd, numbers[i]), randomDocument(rnd, numbers[i])];
  });
  const spaced = documents.map((pair) => pair.map((doc) => spacedJson(rnd, doc)));
  const batches = inBatches(rnd, spaced.map((pair, i): Value[] => [String(i), ...pair]), 30);
  const rows = documents.map(([a, b], i) => ({ id: i, doc: a, doc_2: b }));
  /** The export with each document embedded as sent, CR and LF made spaces. */
  const asSent = (style: Style) => {
    const sent = spaced.flat().map((json) => json.replace(/[\r\n]/g, " "));
    const placeholders = rows.map((row, r) => ({ ...row, doc: `@@${2 * r}@@`, doc_2: `@@${2 * r + 1}@@` }));
    return stringified(style, placeholders).replace(/"@@(\d+)@@"/g, (_, i: string) => sent[Number(i)]);
  };

  test("the documents exercise what they should", () => {
    expect(numbers.flat().filter((n) => n.replace(/\D/g, "").length > 17).length).toBeGreaterThan(20);
    expect(spaced.flat().filter((json) => /\r|\n/.test(json)).length).toBeGreaterThan(100);
    expect(spaced.flat().some((json) => /[[{]\s*[\]}]/.test(json))).toBe(true);
  });

  test("pretty: laid out as JSON.stringify(value, null, 2) lays them out, every digit kept", () => {
    const text = exportOf({ format: "json", pretty: true, columns }, batches);
    expect(numberTexts(text)).toEqual(numbers.flat());
    expectSameText(text, stringified("pretty", rows));
  });

  test("compact: embedded as sent, line breaks made spaces", () => {
    const text = exportOf({ format: "json", columns }, batches);
    expectSameText(text, asSent("compact"));
    expect(JSON.parse(text)).toEqual(JSON.parse(stringified("compact", rows)));
  });

  test("ndjson: one line a row, whatever line breaks the documents hold", () => {
    const text = exportOf({ format: "ndjson", columns }, batches);
    const lines = text.split("\n");
    expect(lines.length).toBe(rows.length + 1);
    expect(lines.pop()).toBe("");
    expect(lines.map((line) => (JSON.parse(line) as Row).id)).toEqual(rows.map((row) => row.id));
    expectSameText(text, asSent("ndjson"));
  });

  test("canonical documents, compact: JSON.stringify's bytes", () => {
    const canonical = documents.map(([a, b], i): Value[] => [String(i), JSON.stringify(a), JSON.stringify(b)]);
    expectSameText(exportOf({ format: "json", columns }, [canonical]), stringified("compact", rows));
  });
});

describe("header, batches and footer", () => {
  const columns = columnsOf([Kind.Text, Kind.Json]);
  const rowsOf = (...ids: number[]): Value[][] => ids.map((id) => [`r${id}`, `{"n": [${id}]}`]);
  /** A row of rowsOf, compact: the JSON column's text embedded as it came. */
  const compactRow = (id: number) => `{"c0":"r${id}","c1":{"n": [${id}]}}`;
  const decoded = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  test.each([
    ["compact", "json", false, '{"data":[', compactRow(1), ","],
    ["pretty", "json", true, '{\n  "data": [', '    {\n      "c0": "r1",\n      "c1": {\n        "n": [\n          1\n        ]\n      }\n    }', ",\n"],
    ["ndjson", "ndjson", false, "", `${compactRow(1)}\n`, ""],
  ] as const)("%s: a row is preceded by a separator unless it is the export's first", (_, format, pretty, header, row, separator) => {
    const encoder = encoderOf({ format, pretty, columns });
    const first = pretty ? "\n" : "";
    expect(decoded(encoder.header())).toBe(header);
    const batch = batchOf(rowsOf(1, 1));
    expect(decoded(encoder.batch(batch, 2, true))).toBe(first + row + separator + row);
    expect(decoded(encoder.batch(batch, 2, false))).toBe(separator + row + separator + row);
  });

  test.each(STYLES)("$style: batches concatenated make one export of all their rows", ({ style, format, pretty }) => {
    const batches = [rowsOf(1), rowsOf(2, 3), rowsOf(4), rowsOf(5, 6, 7)];
    const ids = [1, 2, 3, 4, 5, 6, 7];
    const rows = ids.map((id) => ({ c0: `r${id}`, c1: { n: [id] } }));
    const text = exportOf({ format, pretty, columns }, batches);
    expect(parsed(style, text)).toEqual(rows);
    const want = {
      compact: `{"data":[${ids.map(compactRow).join(",")}]}\n`,
      pretty: stringified(style, rows),
      ndjson: ids.map((id) => `${compactRow(id)}\n`).join(""),
    };
    expect(text).toBe(want[style]);
  });

  test.each([
    ["compact", "json", false, '{"data":[]}\n'],
    ["pretty", "json", true, `${JSON.stringify({ data: [] }, null, 2)}\n`],
    ["ndjson", "ndjson", false, ""],
  ] as const)("%s: no rows", (_, format, pretty, want) => {
    expect(exportOf({ format, pretty, columns }, [])).toBe(want);
    const encoder = encoderOf({ format, pretty, columns });
    expect(decoded(encoder.header()) + decoded(encoder.footer(false))).toBe(want);
  });
});
