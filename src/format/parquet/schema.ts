// Each result column's Parquet type (docs/formats-and-values.md, "Parquet"), and how its values are read from the
// server's text: one table, so the type written and the values given to it cannot disagree.
import { TypeNumbers } from "mariadb";
import type { SchemaElement } from "hyparquet";
import { Kind, type ColumnSpec } from "../columns.ts";

/** How a column's values are turned from the server's bytes into what its Parquet type takes. */
export const enum Values {
  /** INT32: a number. */
  Int32,
  /** INT64: a bigint. */
  Int64,
  /** DECIMAL: the unscaled bigint. */
  Decimal,
  Bit,
  Float,
  /** INT32 days; a zero date is null. */
  Date,
  /** INT64 microseconds; a zero date is null. */
  Timestamp,
  /** The bytes as they are: STRING, BYTE_ARRAY. */
  Bytes,
  /** JSON text as it is, or as a JSON string holding it where it is not valid JSON. */
  Json,
}

export interface ParquetColumn {
  element: SchemaElement;
  values: Values;
}

/** Most readers (DuckDB, Arrow, Spark) stop at DECIMAL(38): wider ones are kept as exact text. */
const MAX_DECIMAL_PRECISION = 38;

/** Bytes of a FIXED_LEN_BYTE_ARRAY that holds every unscaled value of `precision` digits (two's complement). */
function decimalBytes(precision: number): number {
  const largest = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) - 1n < largest) bytes++;
  return bytes;
}

function integer(physical: "INT32" | "INT64", bitWidth: number, isSigned: boolean): Omit<SchemaElement, "name"> {
  return {
    type: physical,
    converted_type: `${isSigned ? "" : "U"}INT_${bitWidth}` as SchemaElement["converted_type"],
    logical_type: { type: "INTEGER", bitWidth, isSigned },
  };
}

const STRING: Omit<SchemaElement, "name"> = { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };

type Typed = { element: Omit<SchemaElement, "name">; values: Values; alwaysOptional?: boolean };

function decimal(precision: number, scale: number): Typed {
  // Also text if the server's description makes no sense as a DECIMAL(p,s).
  if (precision > MAX_DECIMAL_PRECISION || precision < Math.max(1, scale)) return { element: STRING, values: Values.Bytes };
  const physical = precision <= 9 ? "INT32" : precision <= 18 ? "INT64" : "FIXED_LEN_BYTE_ARRAY";
  const element: Omit<SchemaElement, "name"> = {
    type: physical,
    converted_type: "DECIMAL",
    precision,
    scale,
    logical_type: { type: "DECIMAL", precision, scale },
  };
  if (physical === "FIXED_LEN_BYTE_ARRAY") element.type_length = decimalBytes(precision);
  return { element, values: Values.Decimal };
}

/** The width of each integer type's INT annotation (MEDIUMINT has no 24-bit one: it takes 32). */
const INTEGER_BITS = new Map<number, number>([
  [TypeNumbers.TINY, 8],
  [TypeNumbers.SHORT, 16],
  [TypeNumbers.INT24, 32],
  [TypeNumbers.INT, 32],
  [TypeNumbers.BIGINT, 64],
  [TypeNumbers.YEAR, 16],
]);

function integerColumn(bits: number, isSigned: boolean): Typed {
  return bits === 64
    ? { element: integer("INT64", bits, isSigned), values: Values.Int64 }
    : { element: integer("INT32", bits, isSigned), values: Values.Int32 };
}

/** By the SQL type where the server told it, else by how the text formats render the column. */
function typed(column: ColumnSpec): Typed {
  const sql = column.sql;
  const bits = INTEGER_BITS.get(sql?.code ?? -1);
  // YEAR is signed: INT(16, true) as the contract has it, whatever its flags say.
  if (bits) return integerColumn(bits, sql?.code === TypeNumbers.YEAR || !sql?.unsigned);
  switch (sql?.code) {
    case TypeNumbers.DECIMAL:
    case TypeNumbers.NEWDECIMAL:
      return decimal(sql.precision, sql.scale);
    case TypeNumbers.FLOAT:
      return { element: { type: "FLOAT" }, values: Values.Float };
    case TypeNumbers.DOUBLE:
      return { element: { type: "DOUBLE" }, values: Values.Float };
    // A zero date becomes null, which a NOT NULL date column may hold too.
    case TypeNumbers.DATE:
    case TypeNumbers.NEWDATE:
      return { element: { type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } }, values: Values.Date, alwaysOptional: true };
    case TypeNumbers.DATETIME:
    case TypeNumbers.TIMESTAMP:
      // No converted type: TIMESTAMP_MICROS would claim the values are UTC.
      return {
        element: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" } },
        values: Values.Timestamp,
        alwaysOptional: true,
      };
  }
  switch (column.kind) {
    case Kind.Bit:
      return { element: integer("INT64", 64, false), values: Values.Bit };
    case Kind.Json:
      // The converted type is what DuckDB reads JSON by; the logical type is the spec's.
      return { element: { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } }, values: Values.Json };
    case Kind.Binary:
      return { element: { type: "BYTE_ARRAY" }, values: Values.Bytes };
    default:
      // Text, ENUM, SET, TIME (which may be negative or past 24 hours); a number whose SQL type is unknown.
      return { element: STRING, values: Values.Bytes };
  }
}

export function parquetColumns(columns: ColumnSpec[]): ParquetColumn[] {
  return columns.map((column) => {
    const { element, values, alwaysOptional } = typed(column);
    const required = column.sql?.notNull === true && !alwaysOptional;
    return { element: { name: column.key, ...element, repetition_type: required ? "REQUIRED" : "OPTIONAL" }, values };
  });
}

export function parquetSchema(columns: ParquetColumn[]): SchemaElement[] {
  return [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)];
}
