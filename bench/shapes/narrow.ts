// Narrow rows: two INTs, so nearly all of an export's cost is what it pays per row
// (allocation, events, clock reads, the connector's packet dispatch), not per byte.
import { generatedShape } from "./shape.ts";

export const narrow = generatedShape({
  name: "narrow",
  description: "(INT PRIMARY KEY, INT), ~12 B a row",
  fullRows: 5_000_000,
  columns: "id INT NOT NULL PRIMARY KEY, v INT NULL",
  // Signed and spread over seven digits, so values vary in length as real ones do.
  select: "seq, CAST((seq * 7919) % 2000003 AS SIGNED) - 1000000",
});
