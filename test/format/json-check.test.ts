// The byte-level JSON validator agrees with JSON.parse, and never reads past its field.
import { expect, test } from "bun:test";
import { isValidJson, MAX_JSON_DEPTH } from "../../src/format/json-check.ts";

const CASES = [
  "{}", "[]", "1", "-0", "0.5", "1e5", "1E+5", "1.5e-3", "true", "false", "null", '"x"', '"\\u00e9"', '"\\/"',
  '{"a":[1,2,{"b":null}],"c":"d"}', "  [ 1 , 2 ]  ", '{"k": "v\\n"}',
  // What MariaDB's json_valid lets through, and other near misses:
  "[1.]", '["\\x"]', "[-]", '{"a":-}', "not json {", "", "  ", "01", "1e", '"\\u00g9"', "[1,]", '{"a":1,}',
  "tru", "nulls", '"a\tb"', "[1 2]", '{"a" 1}', "{1:2}", '"unterminated', "[", "{", "]", "-", ".5", "1.e3",
];

const accepts = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

test.each(CASES)("%p", (text) => {
  // Surrounded by other bytes, as a field inside a batch is.
  const bytes = new TextEncoder().encode(`]}"${text}"{[`);
  expect(isValidJson(bytes, 3, bytes.length - 3)).toBe(accepts(text));
});

test("agrees with JSON.parse on random mutations of valid JSON", () => {
  const seed = '{"a":[1,-2.5e3,"x\\"y",true,null,{"b":{}}],"c":"\\u0041"}';
  const alphabet = '{}[]",:.-+e0123456789tfnul\\ ax';
  let disagreements = 0;
  for (let i = 0; i < 5000; i++) {
    const chars = [...seed];
    const at = Math.floor(Math.random() * chars.length);
    const op = i % 3;
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, alphabet[Math.floor(Math.random() * alphabet.length)]);
    else chars[at] = alphabet[Math.floor(Math.random() * alphabet.length)];
    const text = chars.join("");
    const bytes = new TextEncoder().encode(text);
    if (isValidJson(bytes, 0, bytes.length) !== accepts(text)) disagreements++;
  }
  expect(disagreements).toBe(0);
});

test("nesting: up to MAX_JSON_DEPTH levels is valid, one more is not, and 100,000 is no stack overflow", () => {
  const nested = (depth: number, open: string, close: string) => new TextEncoder().encode(open.repeat(depth) + close.repeat(depth));
  const check = (bytes: Uint8Array) => isValidJson(bytes, 0, bytes.length);
  expect(MAX_JSON_DEPTH).toBe(100);
  expect(check(nested(100, "[", "]"))).toBe(true);
  expect(check(nested(101, "[", "]"))).toBe(false);
  expect(check(new TextEncoder().encode('{"k":'.repeat(99) + "[]" + "}".repeat(99)))).toBe(true);
  expect(check(new TextEncoder().encode('{"k":'.repeat(100) + "[]" + "}".repeat(100)))).toBe(false);
  expect(check(nested(100_000, "[", "]"))).toBe(false);
  expect(check(nested(100_000, "[", ""))).toBe(false);
});
