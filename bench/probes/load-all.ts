// The non-streaming way: hold the whole result in memory, then write it as CSV with
// papaparse (whose quoting gold-digger's CSV matches byte for byte). Shows what streaming
// saves in memory, and what per-value JavaScript decoding costs in time.
import Papa from "papaparse";
import { probeArgs, probeConnection } from "./connection.ts";

const { port, query, rest } = probeArgs();
const output = rest[0];
if (!output) throw new Error("missing output path");

const conn = await probeConnection(port);
const rows = (await conn.query({ sql: query })) as unknown[][] & { meta: { name(): string }[] };
await conn.end();
// gold-digger writes binary values as 0x + hex; do the same so the files are comparable.
for (const row of rows) {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v instanceof Uint8Array) row[i] = `0x${Buffer.from(v).toString("hex")}`;
  }
}
const fields = rows.meta.map((m) => m.name());
await Bun.write(output, Papa.unparse({ fields, data: rows }, { newline: "\r\n" }) + "\r\n");
console.log(JSON.stringify({ rows: rows.length }));
