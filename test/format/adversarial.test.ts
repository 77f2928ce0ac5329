// Every format on a table of adversarial values, parsed back with independent parsers
// (papaparse, JSON.parse, a small LTSV reader) and compared value by value with what the server holds.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import {
  ADVERSARIAL_COLUMNS,
  JSON_COLUMNS,
  NUMERIC_COLUMNS,
  createAdversarialTable,
  expectedCells,
} from "../support/adversarial.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";
import { readLtsv } from "../support/ltsv.ts";
import { beforeAll } from "bun:test";

const server = usePrivateServer();
const tmp = useTempDir();
let expected: (string | null)[][];
const FLOATING = new Set(["dbl", "flt"]);
// YEAR keeps the server's text in CSV/TSV ("0000", as the mariadb client prints it); the
// connector's decoded view is the number.
const SAME_NUMBER = new Set([...FLOATING, "yr"]);

beforeAll(async () => {
  await createAdversarialTable(server());
  expected = await expectedCells(server());
});

async function exportTo(name: string, extra: string[] = [], query = "SELECT * FROM t ORDER BY id"): Promise<string> {
  const out = `${tmp()}/${name}`;
  const r = await gdInProcess(["--db-url", server().url("adv"), "-q", query, "-o", out, ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return readFileSync(out, "utf8");
}

function expectCell(column: string, actual: string, want: string | null) {
  if (want === null) return expect(actual).toBe("");
  if (SAME_NUMBER.has(column)) return expect(Number(actual)).toBe(Number(want));
  expect(actual).toBe(want);
}

describe.each([
  ["csv", ",", "\r\n"],
  ["tsv", "\t", "\n"],
] as const)("%s", (format, delimiter, newline) => {
  test("parses back to the server's values", async () => {
    const text = await exportTo(`adv.${format}`);
    expect(text.endsWith(newline)).toBe(true);
    const parsed = Papa.parse<string[]>(text.slice(0, -newline.length), { delimiter, newline });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual([...ADVERSARIAL_COLUMNS]);
    expect(rows.length).toBe(expected.length);
    rows.forEach((row, r) => {
      expect(row.length).toBe(ADVERSARIAL_COLUMNS.length);
      row.forEach((cell, c) => expectCell(ADVERSARIAL_COLUMNS[c], cell, expected[r][c]));
    });
  });

  test("is byte-identical to papaparse's unparse", async () => {
    const columns = ADVERSARIAL_COLUMNS.filter((c) => !SAME_NUMBER.has(c));
    const text = await exportTo(`ident.${format}`, [], `SELECT ${columns.join(",")} FROM t ORDER BY id`);
    const data = expected.map((row) => row.filter((_, i) => !SAME_NUMBER.has(ADVERSARIAL_COLUMNS[i])).map((v) => v ?? ""));
    expect(text).toBe(Papa.unparse({ fields: columns, data }, { delimiter, newline }) + newline);
  });
});

test.each([
  ["csv", ",", "\r\n"],
  ["tsv", "\t", "\n"],
] as const)("%s --null-value \\N: NULL cells are \\N, empty strings stay empty, the rest unchanged", async (format, delimiter, newline) => {
  const text = await exportTo(`null-value.${format}`, ["--null-value", "\\N"]);
  const [header, ...rows] = Papa.parse<string[]>(text.slice(0, -newline.length), { delimiter, newline }).data;
  expect(header).toEqual([...ADVERSARIAL_COLUMNS]);
  rows.forEach((row, r) =>
    row.forEach((cell, c) => {
      const want = expected[r][c];
      if (want === null) expect(cell).toBe("\\N");
      else expectCell(ADVERSARIAL_COLUMNS[c], cell, want);
    }),
  );
  // Row 2 holds empty strings beside row 1's NULLs.
  expect(rows[1][ADVERSARIAL_COLUMNS.indexOf("txt")]).toBe("");
  expect(rows[0][ADVERSARIAL_COLUMNS.indexOf("txt")]).toBe("\\N");
});

test("ltsv: one line a row, labelled values that read back to the server's, numbers and dates as in CSV", async () => {
  const records = readLtsv(await exportTo("adv.ltsv"));
  expect(records.length).toBe(expected.length);
  records.forEach((record, r) => {
    expect(record.map(([label]) => label)).toEqual([...ADVERSARIAL_COLUMNS]);
    record.forEach(([, value], c) => expectCell(ADVERSARIAL_COLUMNS[c], value, expected[r][c]));
  });
  const csvText = await exportTo("same.csv");
  const [, ...csvRows] = Papa.parse<string[]>(csvText.slice(0, -2), { newline: "\r\n" }).data;
  expect(records.map((record) => record.map(([, value]) => value))).toEqual(csvRows);
});

/** JSON.parse, keeping each number's exact source text. */
function parseExact(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    return typeof value === "number" && context?.source !== undefined ? { number: context.source } : value;
  } as never);
}

function expectJsonRow(row: Record<string, unknown>, exactRow: Record<string, unknown>, want: (string | null)[]) {
  expect(Object.keys(row)).toEqual([...ADVERSARIAL_COLUMNS]);
  ADVERSARIAL_COLUMNS.forEach((column, c) => {
    const value = row[column];
    const w = want[c];
    if (w === null) return expect(value).toBeNull();
    if (JSON_COLUMNS.has(column)) return expect(value).toEqual(JSON.parse(w));
    if (FLOATING.has(column)) return expect(value).toBe(Number(w));
    if (NUMERIC_COLUMNS.has(column)) return expect(exactRow[column]).toEqual({ number: w });
    expect(value).toBe(w);
  });
}

describe.each([["compact", []], ["pretty", ["--pretty"]]] as const)("json %s", (style, flags) => {
  test("parses back to the server's values, numbers digit for digit", async () => {
    const text = await exportTo(`adv-${style}.json`, [...flags]);
    const doc = JSON.parse(text) as { data: Record<string, unknown>[] };
    const exact = parseExact(text) as { data: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(["data"]);
    expect(doc.data.length).toBe(expected.length);
    doc.data.forEach((row, r) => expectJsonRow(row, exact.data[r], expected[r]));
    if (style === "pretty") {
      // Same layout as JSON.stringify(value, null, 2), for rows whose numbers print the same way.
      const simple = await exportTo("simple-pretty.json", ["--pretty"], `SELECT id, txt, js, JSON_OBJECT('e', JSON_ARRAY(), 'o', JSON_OBJECT(), 'n', JSON_OBJECT('k', '[,]')) AS j2 FROM t WHERE id = 4`);
      expect(simple).toBe(JSON.stringify(JSON.parse(simple), null, 2) + "\n");
    }
  });
});

test("ndjson: one object per line, same values", async () => {
  const text = await exportTo("adv.ndjson");
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  expect(lines.length).toBe(expected.length);
  lines.forEach((line, r) => expectJsonRow(JSON.parse(line), parseExact(line) as Record<string, unknown>, expected[r]));
});

test("every format is byte-identical whatever the worker count and batch size", async () => {
  for (const ext of ["csv", "tsv", "json", "ndjson", "ltsv"]) {
    const inline = await exportTo(`w0.${ext}`, ["--workers", "0"]);
    const pooled = await exportTo(`w2.${ext}`, ["--workers", "2", "--batch-rows", "1"]);
    expect(pooled).toBe(inline);
  }
});
