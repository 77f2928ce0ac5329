// init_connect runs for every account without SUPER and may change the session's charsets; the
// export must still send its query as UTF-8 and get its values back as UTF-8, byte for byte.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { addSweepAccounts, HANG_MS, sweepUrl } from "../support/faults.ts";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

// Non-ASCII in the query text itself (client side) and values stored in other charsets (result side).
const QUERY =
  "SELECT 'é€😀' AS lit, CONVERT(_utf8mb4'café' USING latin1) AS l1, CONVERT(_utf8mb4'日本' USING cp932) AS sj, " +
  "CONVERT(_utf8mb4'Ωμέγα' USING greek) AS gr, CONVERT(_utf8mb4'ü😀' USING utf16) AS u16";
const EXPECTED = { lit: "é€😀", l1: "café", sj: "日本", gr: "Ωμέγα", u16: "ü😀" };

const CHARSETS = ["latin1", "binary", "cp932", "utf8mb3", "ascii", "greek", "koi8r", "big5", "ucs2", "utf16", "utf32"];
const INIT_CONNECTS = [
  "",
  ...CHARSETS.filter((c) => !["ucs2", "utf16", "utf32"].includes(c)).map((c) => `SET NAMES ${c}`),
  ...CHARSETS.map((c) => `SET character_set_results = ${c}`),
  "SET character_set_results = NULL",
  "SET character_set_client = latin1",
  "SET character_set_connection = ascii",
];

test.each(INIT_CONNECTS)("init_connect %p: values and the query's literals come out as UTF-8", async (init) => {
  await server().sql(`SET GLOBAL init_connect = '${init.replaceAll("'", "''")}'`);
  const output = join(dir(), `${Bun.hash(init)}.json`);
  const r = await gd(["--db-url", sweepUrl(server().port), "-q", QUERY, "-o", output], { timeoutMs: HANG_MS });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  // fatal: invalid UTF-8 throws rather than turning into U+FFFD.
  expect(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(output)))).toEqual({ data: [EXPECTED] });
});
