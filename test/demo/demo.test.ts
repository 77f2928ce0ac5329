// `gold-digger demo`: the newcomer's first command works end to end and cleans up after itself.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import Papa from "papaparse";
import { gdInProcess, useTempDir } from "../support/harness.ts";

const tmp = useTempDir();

test("exports the sample table in every format, shows what it ran, removes its server", async () => {
  const r = await gdInProcess(["demo", "--dir", tmp()]);
  expect(r.code).toBe(0);
  expect(r.stdout.length).toBe(0);
  expect(r.stderr).toContain("$ gold-digger --db-url mysql://root@127.0.0.1:");
  // Its own server's folder, named: other tests may run servers of their own at the same time.
  const serverDir = /private server stopped and (\S+) removed\n/.exec(r.stderr)?.[1];
  expect(serverDir).toStartWith("/");

  const csv = Papa.parse<string[]>(readFileSync(`${tmp()}/orders.csv`, "utf8").trimEnd(), { newline: "\r\n" });
  expect(csv.errors).toEqual([]);
  expect(csv.data.length).toBe(1001);
  const json = JSON.parse(readFileSync(`${tmp()}/orders.json`, "utf8")) as { data: Record<string, unknown>[] };
  expect(json.data.length).toBe(1000);
  expect(json.data[0].customer).toBe(csv.data[1][1]);
  const ndjson = readFileSync(`${tmp()}/orders.ndjson`, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  expect(ndjson).toEqual(json.data);
  expect(readFileSync(`${tmp()}/orders.tsv`, "utf8").split("\n")[0]).toBe(csv.data[0].join("\t"));
  const ltsv = readFileSync(`${tmp()}/orders.ltsv`, "utf8").trimEnd().split("\n");
  expect(ltsv.length).toBe(1000);
  expect(ltsv[0].split("\t").map((field) => field.split(":")[0])).toEqual(csv.data[0]);

  expect(existsSync(serverDir ?? "/")).toBe(false);
});
