// A row shape: one table in the bench database and the query that exports it. Each shape
// stresses a different part of an export's cost (issue 9): the mix of value types, the
// per-row cost, or the per-byte cost.
export interface Shape {
  name: string;
  /** What a row looks like, for the report. */
  description: string;
  /** Rows at full size; --rows and --quick scale every shape by the same factor. */
  fullRows: number;
  /** Rows whatever --rows says: a shape about a size, not about a kind of row. */
  fixedRows?: number;
  /** Runs of each variant in every round: a short export's time is mostly noise, so it takes many. */
  runsPerRound?: number;
  /** The table the query reads, for tools that dump a table rather than run a query (mydumper). */
  table: string;
  query: string;
  /** Drops, creates and fills the table with `rows` rows. */
  createSql(rows: number): string[];
}

export interface GeneratedTable {
  name: string;
  description: string;
  fullRows: number;
  fixedRows?: number;
  runsPerRound?: number;
  /** Column definitions of CREATE TABLE. */
  columns: string;
  /** The select list that makes row number `seq`. */
  select: string;
}

/** A shape whose table, named after it, the server fills itself from seq_1_to_N. */
export function generatedShape(t: GeneratedTable): Shape {
  return {
    name: t.name,
    description: t.description,
    fullRows: t.fullRows,
    fixedRows: t.fixedRows,
    runsPerRound: t.runsPerRound,
    table: t.name,
    query: `SELECT * FROM ${t.name}`,
    createSql: (rows) => [
      `DROP TABLE IF EXISTS ${t.name}`,
      `CREATE TABLE ${t.name} (${t.columns}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `INSERT INTO ${t.name} SELECT ${t.select} FROM seq_1_to_${rows}`,
    ],
  };
}
