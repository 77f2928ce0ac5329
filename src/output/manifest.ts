// What a split export's manifest says besides its files: which gold-digger wrote it, from which
// query, the columns with their SQL types as the server described them, and where the binary log
// stood at the snapshot the rows were read in.
import { TypeNumbers } from "mariadb";
import pkg from "../../package.json" with { type: "json" };
import { Kind, type ColumnSpec, type SqlType } from "../format/columns.ts";
import type { BinlogPosition } from "../plan.ts";
import type { ManifestHead } from "./split-sink.ts";

/** The protocol's type codes in SQL's words; character and byte strings share codes, told apart by the column's kind. */
const SQL_NAMES: Record<number, string | [text: string, bytes: string]> = {
  [TypeNumbers.TINY]: "TINYINT",
  [TypeNumbers.SHORT]: "SMALLINT",
  [TypeNumbers.INT24]: "MEDIUMINT",
  [TypeNumbers.INT]: "INT",
  [TypeNumbers.BIGINT]: "BIGINT",
  [TypeNumbers.FLOAT]: "FLOAT",
  [TypeNumbers.DOUBLE]: "DOUBLE",
  [TypeNumbers.DECIMAL]: "DECIMAL",
  [TypeNumbers.NEWDECIMAL]: "DECIMAL",
  [TypeNumbers.YEAR]: "YEAR",
  [TypeNumbers.DATE]: "DATE",
  [TypeNumbers.NEWDATE]: "DATE",
  [TypeNumbers.DATETIME]: "DATETIME",
  [TypeNumbers.DATETIME2]: "DATETIME",
  [TypeNumbers.TIMESTAMP]: "TIMESTAMP",
  [TypeNumbers.TIMESTAMP2]: "TIMESTAMP",
  [TypeNumbers.TIME]: "TIME",
  [TypeNumbers.TIME2]: "TIME",
  [TypeNumbers.BIT]: "BIT",
  [TypeNumbers.JSON]: "JSON",
  [TypeNumbers.ENUM]: "ENUM",
  [TypeNumbers.SET]: "SET",
  [TypeNumbers.GEOMETRY]: "GEOMETRY",
  [TypeNumbers.NULL]: "NULL",
  [TypeNumbers.VARCHAR]: ["VARCHAR", "VARBINARY"],
  [TypeNumbers.VAR_STRING]: ["VARCHAR", "VARBINARY"],
  [TypeNumbers.STRING]: ["CHAR", "BINARY"],
  [TypeNumbers.TINY_BLOB]: ["TINYTEXT", "TINYBLOB"],
  [TypeNumbers.BLOB]: ["TEXT", "BLOB"],
  [TypeNumbers.MEDIUM_BLOB]: ["MEDIUMTEXT", "MEDIUMBLOB"],
  [TypeNumbers.LONG_BLOB]: ["LONGTEXT", "LONGBLOB"],
};

/** `DECIMAL(12,2)`, `INT UNSIGNED`, `VARBINARY`. */
export function sqlTypeName(kind: Kind, sql: SqlType): string {
  const named = SQL_NAMES[sql.code] ?? `TYPE ${sql.code}`;
  const base = typeof named === "string" ? named : named[kind === Kind.Binary ? 1 : 0];
  const sized = base === "DECIMAL" ? `DECIMAL(${sql.precision},${sql.scale})` : base;
  return sql.unsigned ? `${sized} UNSIGNED` : sized;
}

/** A manifest's text (a plan's too): JSON laid out two spaces deep, ending in a newline. */
export const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function manifestHead(query: string, rows: number, columns: ColumnSpec[], binlog?: BinlogPosition): ManifestHead {
  return {
    version: pkg.version,
    query,
    rows,
    columns: columns.map((c) => ({ name: c.name, type: c.sql && sqlTypeName(c.kind, c.sql) })),
    ...(binlog && { binlog }),
  };
}
