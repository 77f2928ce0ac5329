// What the serializers need to know about a result column: its name and how its
// server text is rendered (see "Value rendering" in CONTRACT.md).
export const enum Kind {
  /** Integer, DECIMAL, FLOAT, DOUBLE, YEAR: the server's digits; a JSON number. */
  Number = 0,
  /** Character data, dates and times, ENUM, SET: a JSON string. */
  Text = 1,
  /** A JSON column or JSON function result: embedded as JSON, plain text in CSV. */
  Json = 2,
  /** BINARY, VARBINARY, BLOB, GEOMETRY: 0x + lowercase hex. */
  Binary = 3,
  /** BIT(n): unsigned decimal. */
  Bit = 4,
}

export interface ColumnSpec {
  name: string;
  kind: Kind;
}

/** JSON object keys: duplicate column names get _2, _3... (never a name another column has). */
export function uniqueKeys(names: string[]): { keys: string[]; renamed: string[] } {
  const taken = new Set(names);
  const used = new Set<string>();
  const renamed: string[] = [];
  const keys = names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    const key = `${name}_${n}`;
    taken.add(key);
    used.add(key);
    renamed.push(`${name} -> ${key}`);
    return key;
  });
  return { keys, renamed };
}
