// The serializers refuse a batch whose bytes do not hold exactly the rows it claims, rather
// than writing something silently wrong.
import { expect, test } from "bun:test";
import { Kind } from "../../src/format/columns.ts";
import { createEncoder } from "../../src/format/encoder.ts";

const columns = [{ name: "v", key: "v", kind: Kind.Text }];
// Two rows of one column: "ab" and NULL.
const twoRows = new Uint8Array([2, 0x61, 0x62, 0xfb]);

test.each([
  ["csv", 'ab\r\n""\r\n'],
  ["tsv", 'ab\n""\n'],
  ["json", '{"v":"ab"},{"v":null}'],
  ["ndjson", '{"v":"ab"}\n{"v":null}\n'],
] as const)("%s: rows and bytes must agree", (format, expected) => {
  const encoder = createEncoder({ format, columns, pretty: false, csvNewline: "\r\n", compression: "none" });
  expect(new TextDecoder().decode(encoder.batch(twoRows, 2, true))).toBe(expected);
  expect(() => encoder.batch(twoRows, 1, true)).toThrow("malformed row data");
  expect(() => encoder.batch(twoRows, 3, true)).toThrow("malformed row data");
});
