// The connector's ceiling: stream the result and only count it. "decoded" lets the connector
// turn each row into JavaScript values; "raw" takes the rows off the socket in batches the way
// gold-digger does (src/source/row-stream.ts: the binary protocol where it can, rewritten as the
// text protocol's rows), so it is the most any export can reach.
import { streamRows } from "../../src/source/wire/row-stream.ts";
import { BATCH_BYTES } from "../../src/source/wire/query-source.ts";
import { probeArgs, probeConnection } from "./connection.ts";

const { port, query, rest } = probeArgs();
const raw = rest[0] === "raw";
if (!raw && rest[0] !== "decoded") throw new Error("mode must be raw or decoded");

const conn = await probeConnection(port);
let rows = 0;
let payloadBytes = 0;
await new Promise<void>((resolve, reject) => {
  if (raw) {
    streamRows(
      conn,
      query,
      {
        columns: () => {},
        batch: (bytes, rowCount) => {
          rows += rowCount;
          payloadBytes += bytes.length;
        },
        end: resolve,
        error: reject,
      },
      { batchRows: 4096, batchBytes: BATCH_BYTES, binaryProtocol: true },
    );
    return;
  }
  const stream = conn.queryStream({ sql: query });
  stream.on("data", () => rows++);
  stream.on("error", reject);
  stream.on("end", () => resolve());
});
await conn.end();
console.log(JSON.stringify(raw ? { rows, payloadBytes } : { rows }));
