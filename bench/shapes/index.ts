// Every row shape bench knows, in the order they run and are reported.
import type { PrivateServer } from "../../src/devdb/private-server.ts";
import { BENCH_TABLE, benchQuery, createBenchTableSql, loadIntoBenchDatabase } from "../dataset.ts";
import { fat } from "./fat.ts";
import { narrow } from "./narrow.ts";
import { numbers } from "./numbers.ts";
import type { Shape } from "./shape.ts";
import { small } from "./small.ts";

export type { Shape } from "./shape.ts";

export const wide: Shape = {
  name: "wide",
  description: "12 mixed columns, ~180 B a row, ~10% NULL",
  fullRows: 1_000_000,
  table: BENCH_TABLE,
  query: benchQuery(1),
  createSql: createBenchTableSql,
};

export const SHAPES: readonly Shape[] = [wide, narrow, numbers, fat, small];
export const SHAPE_NAMES = SHAPES.map((s) => s.name);

/** --rows sets the wide shape's rows; the others keep their proportion to it, so a quick run shrinks all alike (a fixed size stays). */
export function scaledRows(shape: Shape, wideRows: number): number {
  if (shape.fixedRows !== undefined) return shape.fixedRows;
  return Math.max(1, Math.round((shape.fullRows * wideRows) / wide.fullRows));
}

/** Seconds it took. */
export async function loadShape(server: PrivateServer, shape: Shape, rows: number): Promise<number> {
  const started = performance.now();
  await loadIntoBenchDatabase(server, shape.createSql(rows));
  return (performance.now() - started) / 1000;
}
