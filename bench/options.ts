// Command-line options of `bun bench/run.ts`.
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Rows stored in the bench table. */
  rows: number;
  /** The memory-scaling run reads rows x multiplier; 1 skips it. */
  multiplier: number;
  /** Rounds of the interleaved comparison; the table shows the median. */
  repeat: number;
  quick: boolean;
}

export const USAGE = `usage: bun bench/run.ts [--quick] [--rows N] [--multiplier M] [--repeat R]
  --quick         smoke run: 50,000 rows, 1 round (explicit options still win)
  --rows N        rows in the bench table (default 1,000,000)
  --multiplier M  memory scaling compares N and N x M rows (default 10; 1 skips it)
  --repeat R      interleaved rounds; medians are reported (default 3)`;

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got '${raw}'\n${USAGE}`);
  return n;
}

/** Returns undefined when --help was asked for. */
export function parseOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean" },
      rows: { type: "string" },
      multiplier: { type: "string" },
      repeat: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick === true;
  return {
    quick,
    rows: positiveInteger("rows", values.rows, quick ? 50_000 : 1_000_000),
    multiplier: positiveInteger("multiplier", values.multiplier, 10),
    repeat: positiveInteger("repeat", values.repeat, quick ? 1 : 3),
  };
}
