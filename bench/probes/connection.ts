// The connection the probes use: gold-digger's decoding options (EXACT_VALUES), which are also
// the cheapest that keep every value exact.
import mariadb, { type Connection } from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { BENCH_DATABASE } from "../dataset.ts";

export function probeConnection(port: number): Promise<Connection> {
  return mariadb.createConnection({ host: "127.0.0.1", port, user: "root", database: BENCH_DATABASE, ...EXACT_VALUES });
}

/** argv of a probe: port, query, then probe-specific arguments. */
export function probeArgs(): { port: number; query: string; rest: string[] } {
  const [port, query, ...rest] = Bun.argv.slice(2);
  if (!port || !query) throw new Error("usage: bun bench/probes/<probe>.ts PORT QUERY ...");
  return { port: Number(port), query, rest };
}
