// The connector's ceiling: stream the result and only count it. "decoded" lets the
// connector turn each row into JavaScript values; "raw" hands over the row packets the way
// src/export.ts asks for them, so it is the most any export built on them can reach.
import { RAW_ROWS } from "../../src/source/raw-rows.ts";
import { probeArgs, probeConnection } from "./connection.ts";

const { port, query, rest } = probeArgs();
const raw = rest[0] === "raw";
if (!raw && rest[0] !== "decoded") throw new Error("mode must be raw or decoded");

const conn = await probeConnection(port);
let rows = 0;
let payloadBytes = 0;
const stream = conn.queryStream(raw ? ({ sql: query, ...RAW_ROWS } as never) : { sql: query });
await new Promise<void>((resolve, reject) => {
  stream.on("data", (row: Uint8Array | unknown[]) => {
    rows++;
    if (raw) payloadBytes += (row as Uint8Array).length;
  });
  stream.on("error", reject);
  stream.on("end", () => resolve());
});
await conn.end();
console.log(JSON.stringify(raw ? { rows, payloadBytes } : { rows }));
