// Fat rows: a few hundred rows of over a megabyte each, so nearly all of an export's cost is
// what it pays per byte (copies, buffer growth, quoting, escaping, hex). The text is nothing
// but commas, quotes and newlines: every value must be quoted in CSV and escaped in JSON.
import { generatedShape } from "./shape.ts";

// The SQL literal of 6 bytes: x,"y" and a newline.
const TEXT_UNIT = 'x,"y"\\n';
const TEXT_UNIT_BYTES = 6;
const TEXT_BYTES = 1_100_000;
const BLOB_BYTES = 200 * 1024;
const SHA512_BYTES = 64;

export const fat = generatedShape({
  name: "fat",
  description: "(INT, ~1.1 MB LONGTEXT of x,\"y\"\\n, 200 KiB LONGBLOB), ~1.3 MB a row",
  fullRows: 400,
  columns: "id INT NOT NULL PRIMARY KEY, body LONGTEXT NOT NULL, data LONGBLOB NOT NULL",
  // Built by the server with REPEAT(). The blob repeats a per-row SHA-512, so it holds all
  // byte values yet is the same from run to run. A whole row must fit in max_allowed_packet
  // (bench/run.ts sets it).
  select: `seq, REPEAT('${TEXT_UNIT}', ${Math.round(TEXT_BYTES / TEXT_UNIT_BYTES)}), REPEAT(UNHEX(SHA2(seq, 512)), ${BLOB_BYTES / SHA512_BYTES})`,
});
