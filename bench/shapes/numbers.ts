// Number rows: the number types whose text the export makes itself from the binary protocol
// (FLOAT, DOUBLE of a few decimals and of full precision, BIT) or that Parquet reads as big
// integers (DECIMAL beyond 15 digits), so that the cost of each value's own path shows.
import { generatedShape } from "./shape.ts";

export const numbers = generatedShape({
  name: "numbers",
  description: "(INT, DOUBLE of 2 decimals, FLOAT, DECIMAL(20,4), full-precision DOUBLE, BIT(1)), ~10% NULL",
  fullRows: 1_000_000,
  columns: "id INT NOT NULL PRIMARY KEY, price DOUBLE NULL, weight FLOAT NULL, total DECIMAL(20,4) NULL, share DOUBLE NULL, flag BIT(1) NULL",
  select: `seq,
    IF(seq % 10 = 1, NULL, ((seq * 7919) % 10000000) / 100),
    IF(seq % 10 = 2, NULL, (seq % 100000) / 8e0),
    IF(seq % 10 = 3, NULL, CAST(seq * 104729.0001 AS DECIMAL(20,4))),
    IF(seq % 10 = 4, NULL, seq / 7e0),
    IF(seq % 10 = 5, NULL, seq % 2)`,
});
