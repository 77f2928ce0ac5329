import { describe, expect, test } from "bun:test";
import { parseFlags } from "../../src/cli/command.ts";
import { configWarnings, inferFromPath, resolveConfig } from "../../src/cli/resolve-config.ts";

const warningsFor = (...argv: string[]) =>
  configWarnings(resolveConfig(parseFlags(["--db-url", "mysql://u@h/d", "-q", "SELECT 1", ...argv]).flags, {}, 0, false));

describe("inferFromPath", () => {
  test("format and compression from the extensions, case-insensitively", () => {
    expect(inferFromPath("dir.v2/Out.CSV.Gz")).toEqual({ format: "csv", compression: "gzip" });
    expect(inferFromPath("x.jsonl.zst")).toEqual({ format: "ndjson", compression: "zstd" });
    expect(inferFromPath("x.gz")).toEqual({ format: undefined, compression: "none" });
    expect(inferFromPath("noext")).toEqual({ format: undefined, compression: "none" });
  });

  test("a name like an Object property is no format", () => {
    expect(inferFromPath("x.constructor")).toEqual({ format: undefined, compression: "none" });
    expect(inferFromPath("x.csv.toString")).toEqual({ format: undefined, compression: "none" });
  });
});

describe("configWarnings", () => {
  test.each([
    [["-o", "x.csv.zst", "--compress", "gzip"], ["writing gzip to a .zst file"]],
    [["-o", "x.csv.gz", "--compress", "none"], ["writing uncompressed data to a .gz file"]],
    [["-o", "x.csv", "--compress", "zstd"], ["writing zstd to a .csv file"]],
    [["-o", "out.csv", "-f", "json"], ["writing json to a .csv file"]],
    [["-o", "out.CSV.gz", "-f", "tsv", "--compress", "zstd"], ["writing tsv to a .csv file", "writing zstd to a .gz file"]],
  ])("%p warns %p", (argv, warnings) => {
    expect(warningsFor(...argv)).toEqual(warnings);
  });

  test.each([
    [["-o", "x.csv.gz", "--compress", "gzip", "-f", "CSV"]],
    [["-o", "x.txt", "-f", "tsv"]],
    [["-o", "dump", "-f", "csv", "--compress", "gzip"]],
    [["-o", "-", "-f", "json", "--compress", "zstd"]],
  ])("%p: nothing to warn about", (argv) => {
    expect(warningsFor(...argv)).toEqual([]);
  });
});
