// Every row shape bench knows, in the order they run and are reported.
import type { PrivateServer } from "../../src/devdb/private-server.ts";
import { benchQuery, createBenchTableSql, loadIntoBenchDatabase } from "../dataset.ts";
import { fat } from "./fat.ts";
import { narrow } from "./narrow.ts";
import type { Shape } from "./shape.ts";

export type { Shape } from "./shape.ts";

export const wide: Shape = {
  name: "wide",
  description: "12 mixed columns, ~180 B a row, ~10% NULL",
  fullRows: 1_000_000,
  query: benchQuery(1),
  createSql: createBenchTableSql,
};

export const SHAPES: readonly Shape[] = [wide, narrow, fat];
export const SHAPE_NAMES = SHAPES.map((s) => s.name);

/** --rows sets the wide shape's rows; the others keep their proportion to it, so a quick run shrinks all alike. */
export function scaledRows(shape: Shape, wideRows: number): number {
  return Math.max(1, Math.round((shape.fullRows * wideRows) / wide.fullRows));
}

/** Seconds it took. */
export async function loadShape(server: PrivateServer, shape: Shape, rows: number): Promise<number> {
  const started = performance.now();
  await loadIntoBenchDatabase(server, shape.createSql(rows));
  return (performance.now() - started) / 1000;
}
