// Tables with a column of every type MariaDB sends, filled with their limits and seeded random
// values, and expressions over them of every kind that makes the server type a result: for the
// differential test of the two protocols (test/source/protocol-differential.test.ts).
import type { Random } from "../format/encoding.ts";

export interface Column {
  name: string;
  /** Its SQL type, as in CREATE TABLE. */
  type: string;
  /** A random value, as an SQL literal. */
  value(rnd: Random): string;
  /** Literals tried first, one per row; a value out of range is clamped (sql_mode ''). */
  edges: readonly string[];
  /** Whether a number, date or time: arithmetic, casts and numeric aggregates apply. */
  scalar: boolean;
}

export interface Table {
  name: string;
  columns: Column[];
  /** Charset and such, after the column list. */
  options?: string;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
const hex = (bytes: Uint8Array) => `X'${Buffer.from(bytes).toString("hex")}'`;
const randomBigInt = (rnd: Random, bits: number) => {
  let v = 0n;
  const width = 1 + rnd.int(bits);
  for (let i = 0; i < width; i++) v = (v << 1n) | BigInt(rnd.int(2));
  return v;
};
const digits = (rnd: Random, n: number) => Array.from({ length: n }, () => rnd.int(10)).join("");
const pad2 = (n: number) => String(n).padStart(2, "0");

// Row-wide integer literals: each column clamps them to its own limits.
const INTEGER_EDGES = [
  "-9223372036854775808", "18446744073709551615", "0", "-1", "1", "9007199254740993", "-9007199254740993",
  "9007199254740992", "4294967296", "-2147483649", "2147483648", "16777216", "-8388609", "65536", "-32769",
  "256", "-129", "999999999", "1000000000", "99999", "100000",
];

function integers(): Column[] {
  const types = [["tiny", "TINYINT", 8], ["small", "SMALLINT", 16], ["medium", "MEDIUMINT", 24], ["int", "INT", 32], ["big", "BIGINT", 64]] as const;
  const columns: Column[] = [];
  for (const [short, type, bits] of types) {
    const column = (suffix: string, sql: string, signed: boolean): Column => ({
      name: `${short}_${suffix}`,
      type: sql,
      value: (rnd) => `${signed && rnd.chance(0.5) ? "-" : ""}${randomBigInt(rnd, signed ? bits - 1 : bits)}`,
      edges: INTEGER_EDGES,
      scalar: true,
    });
    columns.push(column("s", type, true), column("u", `${type} UNSIGNED`, false), column("w255", `${type}(255)`, true));
    // Display widths around the one-byte length's limit (250), and the largest (255).
    for (const width of [1, 3, 20, 250, 251, 252, 255]) columns.push(column(`z${width}`, `${type}(${width}) ZEROFILL`, false));
  }
  return columns;
}

const DECIMALS = [[1, 0], [1, 1], [5, 2], [9, 9], [10, 0], [18, 9], [19, 0], [20, 5], [38, 10], [38, 38], [39, 3], [65, 0], [65, 30], [65, 38]] as const;

function decimals(): Column[] {
  return DECIMALS.flatMap(([p, s]) =>
    [false, true].map((unsigned) => ({
      name: `dec_${p}_${s}${unsigned ? "_u" : ""}`,
      type: `DECIMAL(${p},${s})${unsigned ? " UNSIGNED" : ""}`,
      value: (rnd: Random) => {
        const whole = digits(rnd, rnd.int(p - s + 1)) || "0";
        return `${!unsigned && rnd.chance(0.5) ? "-" : ""}${whole}.${digits(rnd, s)}`;
      },
      edges: ["1e80", "-1e80", "0", "0.5", "-0.5", "1", "-0.000000000000000000000000000000000001"],
      scalar: true,
    })),
  );
}

/** Doubles from random bit patterns (every exponent) and short decimals. */
function randomDouble(rnd: Random, float: boolean): string {
  const view = new DataView(new ArrayBuffer(8));
  for (;;) {
    if (rnd.chance(0.3)) return String(Number(`${digits(rnd, 1 + rnd.int(7))}e${rnd.int(40) - 20}`) * (rnd.chance(0.5) ? -1 : 1));
    view.setUint32(0, rnd.int(2 ** 32));
    view.setUint32(4, rnd.int(2 ** 32));
    const x = float ? view.getFloat32(0) : view.getFloat64(0);
    if (Number.isFinite(x)) return String(x);
  }
}

function reals(): Column[] {
  const column = (name: string, type: string, float: boolean): Column => ({
    name,
    type,
    value: (rnd) => randomDouble(rnd, float),
    edges: [
      "0", "-0e0", "1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "-5e-324", "3.4028234663852886e38",
      "1.1754943508222875e-38", "1.401298464324817e-45", "1e15", "999999999999999", "1e-6", "9.99e-7", "0.1", "1234565", "1234575",
    ],
    scalar: true,
  });
  return [
    column("flt", "FLOAT", true), column("flt_u", "FLOAT UNSIGNED", true), column("dbl", "DOUBLE", false),
    column("dbl_u", "DOUBLE UNSIGNED", false), column("flt30", "FLOAT(30)", false),
  ];
}

/** Display widths of a ZEROFILL FLOAT or DOUBLE with fixed decimals: the least, past the one-byte length's limit, the largest. */
const FIXED_WIDTHS = [[1, 0], [251, 5], [255, 30]] as const;

/** Columns the server prints with fixed decimals, zero-filled or not: read as text, still compared. */
function fixedReals(): Column[] {
  const [flt, , dbl] = reals();
  return [
    { ...flt, name: "flt_7_3", type: "FLOAT(7,3)" }, { ...dbl, name: "dbl_20_5", type: "DOUBLE(20,5)" },
    ...FIXED_WIDTHS.flatMap(([m, d]) => [
      { ...flt, name: `flt_${m}_${d}_z`, type: `FLOAT(${m},${d}) ZEROFILL` }, { ...dbl, name: `dbl_${m}_${d}_z`, type: `DOUBLE(${m},${d}) ZEROFILL` },
    ]),
  ];
}

/**
 * ZEROFILL FLOAT, DOUBLE and DECIMAL of every width, read with the binary protocol. ZEROFILL
 * implies UNSIGNED: random values are kept positive so that most are not clamped to 0.
 */
function zerofilled(): Column[] {
  const positive = (column: Column): Column => ({ ...column, value: (rnd) => column.value(rnd).replace(/^-/, "") });
  const [flt, , dbl] = reals().map(positive);
  const decimalColumns = decimals().filter((c) => !c.type.endsWith("UNSIGNED")).map(positive);
  return [
    { ...flt, name: "flt_z", type: "FLOAT ZEROFILL" }, { ...dbl, name: "dbl_z", type: "DOUBLE ZEROFILL" },
    { ...dbl, name: "flt30_z", type: "FLOAT(30) ZEROFILL" },
    ...decimalColumns.map((c) => ({ ...c, name: `${c.name}_z`, type: `${c.type} ZEROFILL` })),
  ];
}

function bits(): Column[] {
  return [1, 2, 7, 8, 9, 16, 31, 32, 33, 53, 54, 63, 64].map((n) => ({
    name: `bit${n}`,
    type: `BIT(${n})`,
    value: (rnd: Random) => `b'${randomBigInt(rnd, n).toString(2)}'`,
    edges: ["0", "18446744073709551615", "1"],
    scalar: true,
  }));
}

function randomDate(rnd: Random, from: number, to: number): string {
  return `${String(from + rnd.int(to - from + 1)).padStart(4, "0")}-${pad2(1 + rnd.int(12))}-${pad2(1 + rnd.int(28))}`;
}
const randomClock = (rnd: Random, hours: number) =>
  `${pad2(rnd.int(hours))}:${pad2(rnd.int(60))}:${pad2(rnd.int(60))}.${String(rnd.int(1_000_000)).padStart(6, "0")}`;

function temporal(): Column[] {
  const column = (name: string, type: string, value: (rnd: Random) => string, edges: string[]): Column => ({ name, type, value, edges, scalar: true });
  const columns = [
    column("yr", "YEAR", (rnd) => String(rnd.chance(0.1) ? 0 : 1901 + rnd.int(255)), ["0", "1901", "2155", "1970", "2000", "69", "70", "5"]),
    column("yr2", "YEAR(2)", (rnd) => String(rnd.chance(0.1) ? 0 : 1970 + rnd.int(100)), ["0", "1970", "2069", "2000", "5", "99"]),
    column("d", "DATE", (rnd) => quote(randomDate(rnd, 1, 9999)), ["'0000-00-00'", "'0001-01-01'", "'9999-12-31'", "'2020-00-00'", "'2020-02-00'", "'1970-01-01'"]),
  ];
  for (let n = 0; n <= 6; n++) {
    columns.push(
      column(`dt${n}`, `DATETIME(${n})`, (rnd) => quote(`${randomDate(rnd, 1, 9999)} ${randomClock(rnd, 24)}`), [
        "'0000-00-00 00:00:00'", "'9999-12-31 23:59:59.999999'", "'0001-01-01 00:00:00.000001'", "'2020-00-00 10:00:00'", "'2024-02-29 12:34:56.5'",
      ]),
      column(`ts${n}`, `TIMESTAMP(${n}) NULL`, (rnd) => quote(`${randomDate(rnd, 1971, 2037)} ${randomClock(rnd, 24)}`), [
        "'0000-00-00 00:00:00'", "'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'",
      ]),
      column(`tm${n}`, `TIME(${n})`, (rnd) => quote(`${rnd.chance(0.5) ? "-" : ""}${randomClock(rnd, 839)}`), [
        "'-838:59:59.999999'", "'838:59:59.999999'", "'-00:00:00.000001'", "'00:00:00'", "'-00:00:00.5'", "'100:00:00'", "'-1 02:03:04.05'",
      ]),
    );
  }
  return columns;
}

const TEXT_PIECES = ["a", "Z", "0", " ", ",", '"', "'", "\\", "\n", "\t", "é", "ж", "中", "😀"];
const randomText = (rnd: Random, length: number) => Array.from({ length }, () => rnd.pick(TEXT_PIECES)).join("");
const randomBytes = (rnd: Random, length: number) => Uint8Array.from({ length }, () => rnd.int(256));
/** Lengths on each side of the length prefix's sizes. */
const LENGTHS = [0, 1, 250, 251, 252, 300];

function strings(): Column[] {
  const text = (name: string, type: string, longest: number): Column => ({
    name,
    type,
    value: (rnd) => quote(randomText(rnd, rnd.int(Math.min(longest, 40)))),
    edges: LENGTHS.filter((n) => n <= longest).map((n) => quote("é".repeat(n))),
    scalar: false,
  });
  const binary = (name: string, type: string, longest: number): Column => ({
    name,
    type,
    value: (rnd) => hex(randomBytes(rnd, rnd.int(Math.min(longest, 40)))),
    edges: [...LENGTHS, 65535, 65536, 70000].filter((n) => n <= longest).map((n) => `REPEAT(X'00ff', ${n >> 1})`),
    scalar: false,
  });
  return [
    text("ch_latin1", "CHAR(10) CHARACTER SET latin1", 10), text("vc_latin1", "VARCHAR(300) CHARACTER SET latin1", 300),
    text("vc_utf8", "VARCHAR(300) CHARACTER SET utf8mb4", 300), text("vc_ucs2", "VARCHAR(100) CHARACTER SET ucs2", 100),
    text("vc_utf16", "VARCHAR(100) CHARACTER SET utf16", 100), text("vc_cp1251", "VARCHAR(100) CHARACTER SET cp1251", 100),
    text("txt", "TEXT CHARACTER SET utf8mb4", 300), { ...text("mtxt", "MEDIUMTEXT", 70000), edges: ["REPEAT('x,', 40000)"] },
    binary("bin8", "BINARY(8)", 8), binary("vbin", "VARBINARY(300)", 300), binary("tblob", "TINYBLOB", 255), binary("mblob", "MEDIUMBLOB", 70000),
    {
      name: "en", type: "ENUM('', 'a', 'b,c', 'é')", scalar: false, edges: ["''", "'b,c'", "'é'"],
      value: (rnd) => rnd.pick(["''", "'a'", "'b,c'", "'é'"]),
    },
    { name: "st", type: "SET('x', 'y', 'z')", scalar: false, edges: ["''", "'x,y,z'"], value: (rnd) => rnd.pick(["''", "'x'", "'y,z'", "'x,z'"]) },
    {
      name: "js", type: "JSON", scalar: false, edges: ["'{}'", "'[]'", "'null'", `'"\\\\u00e9"'`, "'1e300'"],
      value: (rnd) => quote(JSON.stringify({ k: randomText(rnd, rnd.int(5)), n: rnd.int(1000) / 8, a: [rnd.chance(0.5), null] })),
    },
    {
      name: "geo", type: "GEOMETRY", scalar: false, edges: ["ST_GeomFromText('POINT(0 0)')", "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')"],
      value: (rnd) => `ST_GeomFromText('LINESTRING(${rnd.int(100)} ${rnd.int(100) / 3}, ${randomDouble(rnd, false)} 1)')`,
    },
    { name: "pt", type: "POINT", scalar: false, edges: [], value: (rnd) => `POINT(${randomDouble(rnd, false)}, ${rnd.int(1000) / 7})` },
  ];
}

export const TABLES: Table[] = [
  { name: "ints", columns: integers() },
  { name: "decs", columns: decimals() },
  { name: "reals", columns: reals() },
  { name: "fixed", columns: fixedReals() },
  { name: "zfill", columns: zerofilled() },
  { name: "bits", columns: bits() },
  { name: "times", columns: temporal() },
  { name: "strs", columns: strings(), options: "DEFAULT CHARSET=utf8mb4" },
  // Sums past the largest DOUBLE: infinities and NaN on the server's side.
  {
    name: "huge",
    columns: [
      { name: "d", type: "DOUBLE", scalar: true, edges: ["1.6e308", "1.6e308", "1.6e308", "-1.6e308"], value: () => "1.7e308" },
      { name: "f", type: "FLOAT", scalar: true, edges: ["3e38", "3e38"], value: () => "-3.4e38" },
    ],
  },
];

/** Statements that create and fill the tables: the edges, `random` rows, and a row of NULLs. */
export function createTables(rnd: Random, random: number): string[] {
  const statements: string[] = [];
  for (const table of TABLES) {
    const definitions = table.columns.map((c) => `${c.name} ${c.type} NULL`).join(", ");
    statements.push(`CREATE TABLE ${table.name} (id INT PRIMARY KEY, g INT, ${definitions}) ${table.options ?? ""}`);
    const edgeRows = Math.max(...table.columns.map((c) => c.edges.length));
    const rows: string[] = [];
    for (let r = 0; r < edgeRows + random; r++) {
      rows.push(`(${r}, ${r % 5}, ${table.columns.map((c) => c.edges[r] ?? c.value(rnd)).join(", ")})`);
    }
    rows.push(`(${edgeRows + random}, 0, ${table.columns.map(() => "NULL").join(", ")})`);
    // One statement per row keeps each under max_allowed_packet.
    for (const row of rows) statements.push(`INSERT INTO ${table.name} VALUES ${row}`);
  }
  return statements;
}

/** Expressions over one column `c` of a table, by kind: each is typed differently by the server. */
export const EXPRESSIONS = {
  // Grouped through a temporary table, whose fields the execute's columns describe, not the
  // prepare's (MIN of a ZEROFILL column says ZEROFILL only then).
  aggregates: ["SUM(c)", "AVG(c)", "MIN(c)", "MAX(c)", "STD(c)", "VARIANCE(c)", "COUNT(c)", "BIT_OR(c)", "-SUM(c)", "-AVG(c)", "-STD(c)"],
  // One of these in a query makes the server group by sorting instead.
  sortingAggregates: ["GROUP_CONCAT(c ORDER BY id)", "COUNT(DISTINCT c)"],
  windows: [
    "SUM(c) OVER (ORDER BY id)", "AVG(c) OVER (PARTITION BY g ORDER BY id)", "LAG(c) OVER (ORDER BY id)", "FIRST_VALUE(c) OVER (PARTITION BY g ORDER BY id)",
    "MAX(c) OVER (PARTITION BY g)", "RANK() OVER (ORDER BY c)", "CUME_DIST() OVER (ORDER BY c)",
  ],
  casts: [
    "CAST(c AS SIGNED)", "CAST(c AS UNSIGNED)", "CAST(c AS DECIMAL(30,5))", "CAST(c AS DOUBLE)", "CAST(c AS FLOAT)", "CAST(c AS CHAR)",
    "CAST(c AS DATE)", "CAST(c AS DATETIME(6))", "CAST(c AS TIME(3))", "CONVERT(c, CHAR CHARACTER SET latin1)", "CAST(c AS BINARY)",
  ],
  mixing: [
    "COALESCE(c, 1.5)", "IF(id % 2, c, 'x')", "IFNULL(c, 0)", "CASE id % 3 WHEN 0 THEN c WHEN 1 THEN 1e10 END", "GREATEST(c, c)",
    "IF(id % 2, c, DATE'2020-01-01')", "COALESCE(c, NULL)", "IF(id % 2, c, -1)", "CASE WHEN id > 3 THEN c ELSE 18446744073709551615 END",
  ],
  arithmetic: ["c + 1", "c - 1.5", "c * 2", "-c", "c / 3", "c DIV 2", "c % 7", "c + 0e0", "ABS(c)", "c * c", "c + INTERVAL 1 DAY", "c | 0"],
  text: ["CONCAT(c, 'é')", "LENGTH(c)", "HEX(c)", "JSON_OBJECT('k', c)", "UPPER(c)", "LEFT(c, 3)"],
} as const;

/** Literals of every kind, and constant expressions. */
export const LITERALS = [
  "1", "-1", "0", "18446744073709551615", "-9223372036854775808", "9223372036854775808", "1.5", "-0.0", "1e300", "1.5e-300", "'str'",
  "_latin1'é'", "X'00ff'", "b'101'", "0x41", "DATE'2020-01-01'", "TIME'-12:00:00.5'", "TIMESTAMP'2020-01-01 00:00:00.123'", "NULL", "TRUE",
  "123456789012345678901234567890", ".5", "1e0", "-1e-320", "PI()", "0e0", "-0e0", "1/3", "2/3e0", "YEAR('2005-01-01')", "5 DIV 0",
  "CAST(9999999999 AS UNSIGNED)", "CAST(-9999999999 AS SIGNED)", "CAST(1e308 * 10 AS DOUBLE)", "-(1e308 + 1e308)",
];
