// A small export: 1,000 rows of mixed types, whatever --rows says. Its cost is start-up,
// connecting and committing the file, not rows: where the C client, which starts in a few
// milliseconds, is hardest to match.
import { generatedShape } from "./shape.ts";

export const small = generatedShape({
  name: "small",
  description: "(BIGINT, VARCHAR, DECIMAL, DATETIME(6), JSON), ~70 B a row, a fixed size",
  fullRows: 1_000,
  fixedRows: 1_000,
  runsPerRound: 10,
  columns: "id BIGINT NOT NULL PRIMARY KEY, label VARCHAR(40) NULL, amount DECIMAL(12,2) NULL, happened DATETIME(6) NULL, doc JSON NULL",
  select:
    "seq, CONCAT('item \"', seq, '\", ü'), seq * 31 / 100, TIMESTAMP('2020-01-01') + INTERVAL (seq * 1013) MICROSECOND, " +
    "JSON_OBJECT('k', seq % 100)",
});
