// The footer kept as bytes (footer.ts) against hyparquet-writer's writeIndexes + writeMetadata on
// the same row groups, in process: byte for byte equal, with 15 row groups (the first list size past the short header) and 17 columns
// (Thrift's long list headers), offset indexes of several pages, and every statistics kind.
import { expect, test } from "bun:test";
import type { ColumnChunk, OffsetIndex, RowGroup } from "hyparquet";
import { parquetMetadata } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writeIndexes } from "hyparquet-writer/src/indexes.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { Kind, type ColumnSpec } from "../../src/format/columns.ts";
import { Footer } from "../../src/format/parquet/footer.ts";
import { parquetColumns, parquetSchema } from "../../src/format/parquet/schema.ts";

const WIDTH = 17;
const GROUPS = 15;

const specs: ColumnSpec[] = Array.from({ length: WIDTH }, (_, j) => ({ name: `c${j}`, key: `c${j}`, kind: j % 2 === 0 ? Kind.Text : Kind.Binary }) as ColumnSpec);
const columns = parquetColumns(specs);

/** Column j of group g: a chunk of `pages` pages at a made-up place, with byte-array bounds. */
function chunk(g: number, j: number): { chunk: ColumnChunk; offsetIndex: OffsetIndex } {
  const offset = BigInt(4 + (g * WIDTH + j) * 1000);
  const pages = 1 + ((g + j) % 3);
  return {
    chunk: {
      file_offset: offset,
      meta_data: {
        type: "BYTE_ARRAY",
        encodings: ["PLAIN", "RLE"],
        path_in_schema: [`c${j}`],
        codec: "ZSTD",
        num_values: BigInt(100 + g),
        total_uncompressed_size: BigInt(900 + j),
        total_compressed_size: 800n,
        data_page_offset: offset,
        statistics: { min_value: Uint8Array.of(g, j), max_value: new Uint8Array(20).fill(200 + j), null_count: BigInt(j) },
        encoding_stats: [{ page_type: "DATA_PAGE_V2", encoding: "PLAIN", count: pages }],
      },
    },
    offsetIndex: {
      page_locations: Array.from({ length: pages }, (_, p) => ({ offset: offset + BigInt(p * 300), compressed_page_size: 300, first_row_index: BigInt(p * 40) })),
    },
  };
}

test("the footer is hyparquet-writer's, byte for byte", () => {
  const footer = new Footer(parquetSchema(columns), 16);
  const chunks: { chunk: ColumnChunk; offsetIndex: OffsetIndex }[] = [];
  const rowGroups: RowGroup[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const group = Array.from({ length: WIDTH }, (_, j) => chunk(g, j));
    footer.addRowGroup(group, 100 + g, 5000 + g, 4000 + g);
    chunks.push(...group);
    rowGroups.push({ columns: group.map((c) => c.chunk), num_rows: BigInt(100 + g), total_byte_size: BigInt(5000 + g), total_compressed_size: BigInt(4000 + g) });
  }
  const start = 4 + GROUPS * WIDTH * 1000;
  const ours = new ByteWriter();
  ours.offset = start;
  footer.write(ours, "gold-digger test");

  const theirs = new ByteWriter();
  theirs.offset = start;
  writeIndexes(theirs, chunks);
  const rows = BigInt(rowGroups.reduce((n, g) => n + Number(g.num_rows), 0));
  const metadata = { version: 2, created_by: "gold-digger test", schema: parquetSchema(columns), num_rows: rows, row_groups: rowGroups };
  writeMetadata(theirs, metadata as Parameters<typeof writeMetadata>[1], 16);

  expect(Buffer.from(ours.getBytes()).equals(Buffer.from(theirs.getBytes()))).toBe(true);
  // And a reader takes it: hyparquet parses the metadata at the end of a file.
  const file = new Uint8Array(start + ours.index + 4);
  file.set(ours.getBytes(), start);
  new DataView(file.buffer).setUint32(file.length - 4, 0x31524150, true);
  const parsed = parquetMetadata(file.buffer);
  expect(parsed.row_groups.length).toBe(GROUPS);
  // Column WIDTH - 2 of the last group has three pages (see chunk()).
  expect(parsed.row_groups[GROUPS - 1].columns[WIDTH - 2].offset_index_length).toBeGreaterThan(0);
});
