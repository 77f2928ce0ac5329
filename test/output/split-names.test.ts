// The names of a split export's files and manifest.
import { expect, test } from "bun:test";
import { manifestPath, partPath, partPattern, partTemplate } from "../../src/output/split-names.ts";

test("without {part}, -{part} goes before the known extensions; the manifest takes .json; paths and s3:// URLs alike", () => {
  const cases: [string, string, string][] = [
    ["orders.csv.gz", "orders-00000.csv.gz", "orders-manifest.json"],
    ["out/orders.parquet", "out/orders-00000.parquet", "out/orders-manifest.json"],
    ["my.data.CSV", "my.data-00000.CSV", "my.data-manifest.json"],
    ["dump", "dump-00000", "dump-manifest.json"],
    [".hidden.tsv", ".hidden-00000.tsv", ".hidden-manifest.json"],
    ["day={part}/x.ndjson.zst", "day={part}/x-00000.ndjson.zst", "day={part}/x-manifest.json"],
    ["./orders.csv", "./orders-00000.csv", "./orders-manifest.json"],
    ["s3://bucket/out/orders.csv.gz", "s3://bucket/out/orders-00000.csv.gz", "s3://bucket/out/orders-manifest.json"],
    ["s3://bucket/{part}.parquet", "s3://bucket/00000.parquet", "s3://bucket/manifest.json"],
  ];
  for (const [output, first, manifest] of cases) {
    const template = partTemplate(output);
    expect([partPath(template, 0), manifestPath(template)]).toEqual([first, manifest]);
  }
});

test("{part} in the file name is the part number, five digits and more; the manifest replaces it", () => {
  const template = partTemplate("/tmp/x/orders_{part}.json");
  expect(template).toBe("/tmp/x/orders_{part}.json");
  expect([partPath(template, 42), partPath(template, 123456)]).toEqual(["/tmp/x/orders_00042.json", "/tmp/x/orders_123456.json"]);
  expect(manifestPath(template)).toBe("/tmp/x/orders_manifest.json");
  const pattern = partPattern(template);
  expect(["orders_00042.json", "orders_123456.json", "orders_0042.json", "orders_manifest.json", "orders_00042.jsonx"].map((n) => pattern.test(n))).toEqual([
    true,
    true,
    false,
    false,
    false,
  ]);
});
