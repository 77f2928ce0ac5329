// Command-line options of `bun bench/run.ts`.
import { parseArgs } from "node:util";
import { SHAPE_NAMES } from "./shapes/index.ts";

export interface BenchOptions {
  /** Rows of the wide shape; the other shapes scale with it. */
  rows: number;
  /** The memory-scaling run reads rows x multiplier; 1 skips it. */
  multiplier: number;
  /** Rounds of the interleaved comparison; the table shows the median. */
  repeat: number;
  /** Names of the row shapes to measure, in the order bench knows them. */
  shapes: string[];
  quick: boolean;
}

export const USAGE = `usage: bun bench/run.ts [--quick] [--rows N] [--multiplier M] [--repeat R] [--shapes LIST]
  --quick         smoke run: 50,000 wide rows (the other shapes alike), 1 round (explicit options still win)
  --rows N        rows of the wide shape (default 1,000,000); narrow gets 5 x N, numbers N, fat N / 2,500 (at least 1); small stays 1,000
  --multiplier M  memory scaling (wide shape) compares N and N x M rows (default 10; 1 skips it)
  --repeat R      interleaved rounds; medians are reported (default 3; small runs 10 times a round)
  --shapes LIST   comma-separated row shapes out of ${SHAPE_NAMES.join(",")} (default all)`;

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got '${raw}'\n${USAGE}`);
  return n;
}

function shapeList(raw: string | undefined): string[] {
  if (raw === undefined) return SHAPE_NAMES;
  const asked = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = asked.filter((s) => !SHAPE_NAMES.includes(s));
  if (asked.length === 0 || unknown.length > 0) throw new Error(`--shapes takes names out of ${SHAPE_NAMES.join(",")}, got '${raw}'\n${USAGE}`);
  return SHAPE_NAMES.filter((s) => asked.includes(s));
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
      shapes: { type: "string" },
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
    shapes: shapeList(values.shapes),
  };
}
