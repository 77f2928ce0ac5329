// Lets queryStream hand over each row as the server sent it: the row packet's bytes.
//
// Why: decoding every value into a JavaScript string or number on the main thread, then
// serializing it again, costs ~3x the CPU of the export itself (bench/ shows it), and
// handing decoded values to a worker thread costs even more. The text protocol already
// carries every value as the exact text we must write, so the serializers work on the
// packet bytes and the main thread only copies them.
//
// How: the connector builds each row in Parser#parseRowAsArray. A query that passes
// `rawRows: true` in its options gets the packet payload instead; every other query is
// untouched. This relies on connector internals, so the version is pinned in package.json
// and test/source/raw-rows.test.ts checks the bytes against the connector's own decoding.
// @ts-expect-error: internal module of the connector, no type declarations.
import Parser from "../../node_modules/mariadb/lib/cmd/parser.js";

interface PacketView {
  buf: Uint8Array;
  pos: number;
  end: number;
}

const proto = (Parser as { prototype: Record<string, unknown> }).prototype;
const decodeRow = proto.parseRowAsArray as (this: unknown, packet: PacketView) => unknown[];
if (typeof decodeRow !== "function") throw new Error("mariadb connector internals changed: parseRowAsArray missing");

proto.parseRowAsArray = function (this: { opts: { rawRows?: boolean } }, packet: PacketView) {
  // A copy: the packet may be a view into a socket chunk that is reused later.
  if (this.opts.rawRows) return packet.buf.slice(packet.pos, packet.end);
  return decodeRow.call(this, packet);
};

/** Query options that make queryStream emit raw row packets (Uint8Array per row). */
export const RAW_ROWS = { rowsAsArray: true, rawRows: true } as const;
