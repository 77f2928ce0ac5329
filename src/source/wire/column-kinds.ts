// What the encoders need to know of each result column, from the connector's column definitions.
import { TypeNumbers, type FieldInfo } from "mariadb";
import { Kind, uniqueKeys, type ColumnSpec, type SqlType } from "../../format/columns.ts";

const NUMBER_TYPES = new Set<number>([
  TypeNumbers.DECIMAL,
  TypeNumbers.NEWDECIMAL,
  TypeNumbers.TINY,
  TypeNumbers.SHORT,
  TypeNumbers.INT24,
  TypeNumbers.INT,
  TypeNumbers.BIGINT,
  TypeNumbers.FLOAT,
  TypeNumbers.DOUBLE,
  TypeNumbers.YEAR,
]);
const TEMPORAL_TYPES = new Set<number>([
  TypeNumbers.DATE,
  TypeNumbers.NEWDATE,
  TypeNumbers.DATETIME,
  TypeNumbers.TIMESTAMP,
  TypeNumbers.TIME,
]);
/** String types that hold bytes rather than text when their collation is `binary`. */
const BYTE_STRING_TYPES = new Set<number>([
  TypeNumbers.VARCHAR,
  TypeNumbers.VAR_STRING,
  TypeNumbers.STRING,
  TypeNumbers.TINY_BLOB,
  TypeNumbers.MEDIUM_BLOB,
  TypeNumbers.LONG_BLOB,
  TypeNumbers.BLOB,
]);
/** The `binary` pseudo-collation. Dates and times carry it too, but are text. */
const BINARY_COLLATION = 63;

function columnKind(field: FieldInfo): Kind {
  const t = field.columnType as number;
  if (NUMBER_TYPES.has(t)) return Kind.Number;
  if (TEMPORAL_TYPES.has(t)) return Kind.Temporal;
  if (t === TypeNumbers.BIT) return Kind.Bit;
  if (t === TypeNumbers.GEOMETRY) return Kind.Binary;
  // MySQL's JSON type; MariaDB marks its JSON columns in the extended metadata instead.
  if (t === TypeNumbers.JSON || field.isDataTypeFormatJson()) return Kind.Json;
  if (BYTE_STRING_TYPES.has(t) && field.collation.index === BINARY_COLLATION) return Kind.Binary;
  return Kind.Text;
}

/** mariadb's Flags (a const enum the connector does not export at run time). */
const NOT_NULL_FLAG = 1;
const UNSIGNED_FLAG = 32;
const ZEROFILL_FLAG = 64;

/** The server's promise that the column holds no NULL. */
export const isNotNull = (field: FieldInfo) => (field.flags & NOT_NULL_FLAG) !== 0;
export const isUnsigned = (field: FieldInfo) => (field.flags & UNSIGNED_FLAG) !== 0;
/** The text protocol pads the value with zeros to the display width. */
export const isZerofill = (field: FieldInfo) => (field.flags & ZEROFILL_FLAG) !== 0;

function sqlType(field: FieldInfo): SqlType {
  const t = field.columnType as number;
  const unsigned = isUnsigned(field);
  const scale = field.scale;
  const isDecimal = t === TypeNumbers.NEWDECIMAL || t === TypeNumbers.DECIMAL;
  // A DECIMAL's display length counts a sign (unless UNSIGNED) and a point (if it has decimals).
  const precision = isDecimal ? field.columnLength - (unsigned ? 0 : 1) - (scale > 0 ? 1 : 0) : 0;
  return { code: t, unsigned, notNull: isNotNull(field), precision, scale };
}

export function describeColumns(fields: FieldInfo[]): ColumnSpec[] {
  const keys = uniqueKeys(fields.map((f) => f.name()));
  return fields.map((field, i) => ({ name: field.name(), key: keys[i], kind: columnKind(field), sql: sqlType(field) }));
}
