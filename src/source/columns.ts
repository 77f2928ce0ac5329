// Maps the connector's column definitions to what the serializers need.
import { Kind, type ColumnSpec } from "../format/columns.ts";

/** The subset of the connector's ColumnDef that we read. */
export interface ColumnMeta {
  columnType: number;
  collation: { index: number };
  isDataTypeFormatJson(): boolean;
  name(): string;
}

// MySQL protocol field types (include/mysql_com.h).
const NUMBER_TYPES = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 246]); // DECIMAL..YEAR, NEWDECIMAL
const BIT = 16;
const JSON_TYPE = 245; // MySQL's JSON; MariaDB marks JSON columns by format instead
const GEOMETRY = 255;
const BINARY_COLLATION = 63;

function columnKind(col: ColumnMeta): Kind {
  const t = col.columnType;
  if (NUMBER_TYPES.has(t)) return Kind.Number;
  if (t === BIT) return Kind.Bit;
  if (t === GEOMETRY) return Kind.Binary;
  if (t === JSON_TYPE || col.isDataTypeFormatJson()) return Kind.Json;
  // Dates and times also carry the binary collation, but are text: only string types are binary.
  if (t >= 249 && t <= 254 && col.collation.index === BINARY_COLLATION) return Kind.Binary;
  if (t === 15 && col.collation.index === BINARY_COLLATION) return Kind.Binary;
  return Kind.Text;
}

export function describeColumns(meta: ColumnMeta[]): ColumnSpec[] {
  return meta.map((col) => ({ name: col.name(), kind: columnKind(col) }));
}
