// What the encoders need to know about a result column: its name, its JSON key and how its
// server text is rendered (docs/formats-and-values.md).
export const enum Kind {
  /** Integer, DECIMAL, FLOAT, DOUBLE, YEAR: the server's digits; a JSON number. */
  Number = 0,
  /** Character data, ENUM, SET: a JSON string. */
  Text = 1,
  /** A JSON column or JSON function result: embedded as JSON, plain text in CSV. */
  Json = 2,
  /** BINARY, VARBINARY, BLOB, GEOMETRY: 0x + lowercase hex. */
  Binary = 3,
  /** BIT(n): unsigned decimal. */
  Bit = 4,
  /**
   * DATE, DATETIME, TIMESTAMP, TIME: a JSON string. Their text is digits and `- : .` and a space
   * inside, so it never needs CSV quotes or JSON escapes, and is copied without a look.
   */
  Temporal = 5,
}

/** The column's SQL type as the server describes it: what Parquet's exact types are chosen by. */
export interface SqlType {
  /** The protocol's type code (mariadb's TypeNumbers). */
  code: number;
  unsigned: boolean;
  notNull: boolean;
  /** DECIMAL: digits in all. */
  precision: number;
  /** DECIMAL: digits after the point. */
  scale: number;
}

export interface ColumnSpec {
  name: string;
  /** The JSON object key: the name, made unique. */
  key: string;
  kind: Kind;
  /** Known for a server's columns; the text formats need only `kind`. Plain data (posted to workers). */
  sql?: SqlType;
}

/** JSON object keys: duplicate column names get _2, _3... (never a name another column has). */
export function uniqueKeys(names: string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    const key = `${name}_${n}`;
    taken.add(key);
    used.add(key);
    return key;
  });
}
