// The file's metadata (FileMetaData, in Thrift's compact protocol) and the offset indexes before
// it, kept as bytes while the row groups are written: each column chunk is described in ~100
// bytes as soon as its group is written. Kept as hyparquet-writer's objects instead (bigints,
// statistics, arrays), the description of the bench's 10M wide rows grew RSS by ~15 MB over the
// export, and turning it into the footer at the end by ~35 MB more. hyparquet-writer serializes
// each struct; this module frames them into the metadata, field by field, as writeMetadata does.
import type { ColumnChunk, OffsetIndex, SchemaElement } from "hyparquet";
import { CompressionCodecs, ConvertedTypes, Encodings, FieldRepetitionTypes, PageTypes, ParquetTypes } from "hyparquet/src/constants.js";
import { ByteWriter } from "hyparquet-writer";
import { logicalType } from "hyparquet-writer/src/metadata.js";
import { serializeTCompactProtocol } from "hyparquet-writer/src/thrift.js";
import { unconvertStatistics } from "hyparquet-writer/src/unconvert.js";
import { utf8 } from "../bytes.ts";

/** The compact protocol's type ids of the fields written here. */
const enum Compact {
  Stop = 0,
  I32 = 5,
  I64 = 6,
  Binary = 8,
  List = 9,
  Struct = 12,
}

/** A field's header: its id's distance from the previous field's (at most 15 everywhere here), and its type. */
function field(out: ByteWriter, delta: number, type: Compact): void {
  out.appendUint8((delta << 4) | type);
}

function list(out: ByteWriter, size: number, type: Compact): void {
  if (size < 15) return out.appendUint8((size << 4) | type);
  out.appendUint8(0xf0 | type);
  out.appendVarInt(size);
}

type ThriftFields = Record<`field_${number}`, unknown>;

/** A struct's fields without the STOP that ends it, for fields that follow. */
function openStruct(scratch: ByteWriter, fields: ThriftFields): Uint8Array {
  scratch.index = scratch.offset = 0;
  serializeTCompactProtocol(scratch, fields);
  return scratch.getBytes().subarray(0, scratch.index - 1);
}

function schemaElement(e: SchemaElement): ThriftFields {
  return {
    field_1: e.type && ParquetTypes.indexOf(e.type),
    field_2: e.type_length,
    field_3: e.repetition_type && FieldRepetitionTypes.indexOf(e.repetition_type),
    field_4: e.name,
    field_5: e.num_children,
    field_6: e.converted_type && ConvertedTypes.indexOf(e.converted_type),
    field_7: e.scale,
    field_8: e.precision,
    field_10: logicalType(e.logical_type),
  };
}

/** ColumnChunk's file_offset and meta_data: all of it but the offset index's place, known only at the end. */
function chunkFields({ file_offset, meta_data: m }: ColumnChunk, element: SchemaElement, statisticsBytes: number): ThriftFields {
  return {
    field_2: file_offset,
    field_3: {
      field_1: ParquetTypes.indexOf(m!.type),
      field_2: m!.encodings.map((e) => Encodings.indexOf(e)),
      field_3: m!.path_in_schema,
      field_4: CompressionCodecs.indexOf(m!.codec),
      field_5: m!.num_values,
      field_6: m!.total_uncompressed_size,
      field_7: m!.total_compressed_size,
      field_9: m!.data_page_offset,
      field_12: m!.statistics && unconvertStatistics(m!.statistics, element, statisticsBytes),
      field_13: m!.encoding_stats?.map((s) => ({ field_1: PageTypes.indexOf(s.page_type), field_2: Encodings.indexOf(s.encoding), field_3: s.count })),
    },
  };
}

/** What the footer needs of one written column chunk. */
export interface ChunkDescription {
  chunk: ColumnChunk;
  offsetIndex: OffsetIndex;
}

export class Footer {
  private readonly scratch = new ByteWriter(1 << 12);
  /** Each chunk's openStruct(chunkFields), one after another; chunk k ends at chunkEnds[k]. */
  private readonly chunks = new ByteWriter(1 << 16);
  private readonly chunkEnds: number[] = [];
  /** Each chunk's serialized OffsetIndex, empty for a chunk of one page (readers need none then). */
  private readonly indexes = new ByteWriter(1 << 12);
  private readonly indexEnds: number[] = [];
  /** Per row group: num_rows, total_byte_size, total_compressed_size. */
  private readonly groups: number[] = [];
  private rows = 0;

  /** `schema` is the file's, root first; `statisticsBytes` cuts byte-array bounds. */
  constructor(
    private readonly schema: SchemaElement[],
    private readonly statisticsBytes: number,
  ) {}

  /** A row group of `rows` rows whose chunks, in column order, are written. */
  addRowGroup(chunks: ChunkDescription[], rows: number, byteSize: number, compressedSize: number): void {
    chunks.forEach(({ chunk, offsetIndex }, j) => {
      this.chunks.appendBytes(openStruct(this.scratch, chunkFields(chunk, this.schema[j + 1], this.statisticsBytes)));
      this.chunkEnds.push(this.chunks.index);
      const pages = offsetIndex.page_locations;
      if (pages.length > 1) {
        const locations = pages.map((p) => ({ field_1: p.offset, field_2: p.compressed_page_size, field_3: p.first_row_index }));
        serializeTCompactProtocol(this.indexes, { field_1: locations });
      }
      this.indexEnds.push(this.indexes.index);
    });
    this.groups.push(rows, byteSize, compressedSize);
    this.rows += rows;
  }

  /** The offset indexes, then the metadata and its length. */
  write(out: ByteWriter, createdBy: string): void {
    const indexStart = (k: number) => (k === 0 ? 0 : this.indexEnds[k - 1]);
    const indexOffsets = this.indexEnds.map((end, k) => {
      if (end === indexStart(k)) return -1;
      const offset = out.offset;
      out.appendBytes(this.indexes.getBytes().subarray(indexStart(k), end));
      return offset;
    });

    const metadataStart = out.offset;
    out.appendBytes(openStruct(this.scratch, { field_1: 2, field_2: this.schema.map(schemaElement), field_3: BigInt(this.rows) }));
    const groupCount = this.groups.length / 3;
    const width = this.schema.length - 1;
    field(out, 1, Compact.List);
    list(out, groupCount, Compact.Struct);
    const chunkBytes = this.chunks.getBytes();
    for (let g = 0, k = 0; g < groupCount; g++) {
      field(out, 1, Compact.List);
      list(out, width, Compact.Struct);
      for (let j = 0; j < width; j++, k++) {
        out.appendBytes(chunkBytes.subarray(k === 0 ? 0 : this.chunkEnds[k - 1], this.chunkEnds[k]));
        if (indexOffsets[k] >= 0) {
          field(out, 1, Compact.I64);
          out.appendZigZag(BigInt(indexOffsets[k]));
          field(out, 1, Compact.I32);
          out.appendZigZag(this.indexEnds[k] - indexStart(k));
        }
        out.appendUint8(Compact.Stop);
      }
      field(out, 1, Compact.I64);
      out.appendZigZag(BigInt(this.groups[3 * g + 1]));
      field(out, 1, Compact.I64);
      out.appendZigZag(BigInt(this.groups[3 * g]));
      field(out, 3, Compact.I64);
      out.appendZigZag(BigInt(this.groups[3 * g + 2]));
      out.appendUint8(Compact.Stop);
    }
    const creator = utf8(createdBy);
    field(out, 2, Compact.Binary);
    out.appendVarInt(creator.length);
    out.appendBytes(creator);
    // column_orders: TYPE_ORDER for every leaf column, as writeMetadata has it.
    field(out, 1, Compact.List);
    list(out, width, Compact.Struct);
    for (let j = 0; j < width; j++) {
      field(out, 1, Compact.Struct);
      out.appendUint8(Compact.Stop);
      out.appendUint8(Compact.Stop);
    }
    out.appendUint8(Compact.Stop);
    out.appendUint32(out.offset - metadataStart);
  }
}
