// `gold-digger demo`: the first thing a newcomer runs. Starts a throwaway MariaDB, loads a
// sample table, exports it in every format with the real CLI, shows the results, cleans up.
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startPrivateServer } from "../devdb/private-server.ts";
import { configError, ExitCode } from "../errors.ts";
import type { CliIo } from "../cli/run.ts";
import { formatHostPort } from "../source/connection/db-url.ts";
import { FORMATS } from "../formats.ts";

const SAMPLE = [
  `CREATE DATABASE shop`,
  `CREATE TABLE shop.orders (
     id BIGINT UNSIGNED PRIMARY KEY,
     customer VARCHAR(60) NOT NULL,
     note TEXT NULL,
     total DECIMAL(12,2) NOT NULL,
     placed DATETIME(3) NOT NULL,
     shipped DATE NULL,
     express TINYINT(1) NOT NULL,
     tags JSON NULL,
     receipt VARBINARY(8) NULL
   ) DEFAULT CHARSET=utf8mb4`,
  `INSERT INTO shop.orders
   SELECT seq,
     ELT(1 + seq % 5, 'Ada Lovelace', 'Grace "Amazing" Hopper', 'Søren Kierkegaard', 'O''Brien, Pat', '李小龍'),
     CASE seq % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'leave at door,\\nring twice' ELSE 'gift 🎁' END,
     (seq * 1234.5) % 10000,
     TIMESTAMP('2024-01-01 08:00:00') + INTERVAL seq * 3607 SECOND + INTERVAL seq % 1000 * 1000 MICROSECOND,
     IF(seq % 3 = 0, NULL, DATE('2024-01-02') + INTERVAL seq DAY),
     seq % 2,
     IF(seq % 6 = 0, NULL, JSON_ARRAY(CONCAT('t', seq % 3), seq % 7)),
     IF(seq % 5 = 0, NULL, UNHEX(LPAD(HEX(seq * 2654435761 % 4294967296), 8, '0')))
   FROM shop.seq_1_to_1000`,
];


/** The demo's only option is --dir DIR (run.ts answers --help); anything else is exit 2 before any work. */
function demoDir(argv: string[]): string {
  let dir: string | undefined;
  try {
    dir = parseArgs({ args: argv, options: { dir: { type: "string" } }, strict: true }).values.dir;
  } catch (error) {
    // Node's messages run over several lines; the first says what is wrong.
    const reason = (error as Error).message.split("\n")[0].replace(/\.$/, "");
    throw configError(`${reason} (usage: gold-digger demo [--dir DIR])`);
  }
  if (dir === "") throw configError("--dir needs a value (usage: gold-digger demo [--dir DIR])");
  return resolve(dir ?? "gold-digger-demo");
}

export async function runDemo(argv: string[], io: CliIo, run: (argv: string[], io: CliIo) => Promise<number>): Promise<number> {
  const dir = demoDir(argv);
  mkdirSync(dir, { recursive: true });
  io.stderr("demo: starting a private MariaDB server...\n");
  const server = await startPrivateServer();
  try {
    await server.sql(SAMPLE);
    const url = server.url("shop");
    const query = "SELECT * FROM orders ORDER BY id";
    io.stderr(`demo: loaded 1000 rows into shop.orders on ${formatHostPort(server)}\n\n`);
    for (const format of FORMATS) {
      const out = `${dir}/orders.${format}`;
      const args = ["--db-url", url, "--query", query, "--output", out, "--force"];
      io.stderr(`$ gold-digger ${args.map((a) => (/[\s*'"]/.test(a) ? `'${a}'` : a)).join(" ")}\n`);
      const code = await run(args, { ...io, stderrIsTty: false });
      if (code !== ExitCode.Ok) return code;
      io.stderr(`  -> ${out} (${statSync(out).size} bytes)\n`);
    }
    const preview = readFileSync(`${dir}/orders.csv`, "utf8").split("\r\n").slice(0, 4).join("\n");
    io.stderr(`\nfirst lines of orders.csv:\n${preview}\n\ndemo: files are in ${dir}\n`);
    return ExitCode.Ok;
  } finally {
    await server.stop();
    io.stderr(`demo: private server stopped and ${server.dir} removed\n`);
  }
}
