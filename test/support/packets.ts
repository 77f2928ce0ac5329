// Builds MySQL protocol bytes by hand, so the row path can be tested without a server: text
// row payloads with every length-prefix size, whole packets with headers and sequence
// numbers (split every 0xffffff bytes as the protocol does), and the packets around a result.

const MAX_PAYLOAD = 0xffffff;
const text = new TextEncoder();

export type Value = string | Uint8Array | null;

/** A length-encoded integer, in the smallest form the protocol allows (or a forced one). */
export function lengthPrefix(n: number, force?: 0xfc | 0xfd | 0xfe): number[] {
  const width: number = force ?? (n < 0xfb ? 0 : n < 0x10000 ? 0xfc : n < 0x1000000 ? 0xfd : 0xfe);
  if (width === 0) return [n];
  const bytes = width === 0xfc ? 2 : width === 0xfd ? 3 : 8;
  const out: number[] = [width];
  for (let i = 0; i < bytes; i++) out.push(i < 4 ? Math.floor(n / 2 ** (8 * i)) & 0xff : 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A text-protocol row payload: each value length-prefixed, NULL as 0xfb. */
export function rowPayload(values: Value[]): Uint8Array<ArrayBuffer> {
  return concat(
    values.map((v) => {
      if (v === null) return new Uint8Array([0xfb]);
      const bytes = typeof v === "string" ? text.encode(v) : v;
      return concat([new Uint8Array(lengthPrefix(bytes.length)), bytes]);
    }),
  );
}

/** Row payloads one after another: what a batch holds. */
export function batchOf(rows: Value[][]): Uint8Array<ArrayBuffer> {
  return concat(rows.map(rowPayload));
}

/**
 * A logical packet as it goes over the wire: 0xffffff-byte pieces while it lasts, then a shorter
 * one (an empty one if the payload is a multiple of 0xffffff), each with a header. Returns the
 * bytes and the sequence number after it.
 */
export function wirePacket(payload: Uint8Array, seq: number): { bytes: Uint8Array; seq: number } {
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    const len = Math.min(MAX_PAYLOAD, payload.length - pos);
    parts.push(new Uint8Array([len & 0xff, (len >> 8) & 0xff, len >> 16, seq]), payload.subarray(pos, pos + len));
    seq = (seq + 1) & 0xff;
    pos += len;
    if (len < MAX_PAYLOAD) break;
  }
  return { bytes: concat(parts), seq };
}

/** Payloads as consecutive packets from sequence number `seq` on. */
export function wire(payloads: Uint8Array[], seq = 1): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const payload of payloads) {
    const packet = wirePacket(payload, seq);
    parts.push(packet.bytes);
    seq = packet.seq;
  }
  return concat(parts);
}

const lengthEncodedString = (s: string) => {
  const bytes = text.encode(s);
  return [...lengthPrefix(bytes.length), ...bytes];
};

/** The first packet of a result: its column count. */
export const columnCountPacket = (n: number) => new Uint8Array(lengthPrefix(n));

/** A column definition (Protocol::ColumnDefinition41) for a utf8mb4 VARCHAR column. */
export function columnDefinitionPacket(name: string, type = 0xfd, collation = 45): Uint8Array {
  return new Uint8Array([
    ...lengthEncodedString("def"),
    ...lengthEncodedString("db"),
    ...lengthEncodedString("t"),
    ...lengthEncodedString("t"),
    ...lengthEncodedString(name),
    ...lengthEncodedString(name),
    0x0c,
    collation & 0xff,
    collation >> 8,
    0xff, 0xff, 0x00, 0x00, // column length
    type,
    0x00, 0x00, // flags
    0x00, // decimals
    0x00, 0x00,
  ]);
}

/** The result's end with CLIENT_DEPRECATE_EOF: an OK packet with the 0xfe header. */
export const endOfResultPacket = () => new Uint8Array([0xfe, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

/** An ERR packet. */
export function errorPacket(code: number, message: string): Uint8Array {
  return new Uint8Array([0xff, code & 0xff, code >> 8, 0x23, ...text.encode("HY000"), ...text.encode(message)]);
}

/** Cuts bytes into chunks at the given offsets, as a socket might deliver them. */
export function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const to of [...offsets, bytes.length]) {
    chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
}
