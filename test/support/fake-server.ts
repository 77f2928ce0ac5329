// A stand-in MySQL server on loopback that speaks just enough protocol for the connector to
// log in, then answers each query with hand-built bytes cut into chosen socket chunks. It
// lets the row path be tested on packets no real server would send on demand (every length
// prefix, a 16 MB row, a header split from its payload), through the real connector.
import { createServer, type Server, type Socket } from "node:net";
import { wire } from "./packets.ts";

const text = new TextEncoder();

// CLIENT_LONG_PASSWORD | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION |
// MULTI_RESULTS | PLUGIN_AUTH | PLUGIN_AUTH_LENENC_CLIENT_DATA | DEPRECATE_EOF
const CAPABILITIES = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000 | 0x200000 | 0x1000000;

function handshakePacket(): Uint8Array {
  const scramble = text.encode("abcdefghijklmnopqrst");
  return new Uint8Array([
    10,
    ...text.encode("8.0.99-fake"),
    0,
    1, 0, 0, 0, // connection id
    ...scramble.subarray(0, 8),
    0,
    CAPABILITIES & 0xff,
    (CAPABILITIES >> 8) & 0xff,
    45, // utf8mb4
    2, 0, // status: autocommit
    (CAPABILITIES >> 16) & 0xff,
    (CAPABILITIES >> 24) & 0xff,
    21,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ...scramble.subarray(8),
    0,
    ...text.encode("mysql_native_password"),
    0,
  ]);
}

const OK = new Uint8Array([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

/** How to answer one query: the reply's payloads, and where to cut its bytes into chunks. */
export interface Reply {
  payloads: Uint8Array[];
  /** Offsets into the reply's bytes at which a new socket write starts. */
  cuts?: number[];
}

export interface FakeServer {
  port: number;
  close(): Promise<void>;
}

/** Answers every query whose text `replies` knows; anything else (session setup) with OK. */
export async function startFakeServer(replies: (sql: string) => Reply | undefined): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.write(wire([handshakePacket()], 0));
    let buffered = Buffer.alloc(0);
    let loggedIn = false;
    socket.on("data", async (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      while (buffered.length >= 4) {
        const len = buffered[0] | (buffered[1] << 8) | (buffered[2] << 16);
        if (buffered.length < 4 + len) return;
        const payload = buffered.subarray(4, 4 + len);
        buffered = buffered.subarray(4 + len);
        if (!loggedIn) {
          loggedIn = true;
          socket.write(wire([OK], 2));
        } else if (payload[0] === 0x01) {
          socket.end(); // COM_QUIT
        } else if (payload[0] === 0x03) {
          await answer(socket, replies(new TextDecoder().decode(payload.subarray(1))));
        } else socket.write(wire([OK], 1));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function answer(socket: Socket, reply: Reply | undefined): Promise<void> {
  const bytes = wire(reply?.payloads ?? [OK], 1);
  let from = 0;
  for (const to of [...(reply?.cuts ?? []), bytes.length]) {
    socket.write(bytes.subarray(from, to));
    from = to;
    // Each cut its own socket read on the other side.
    await Bun.sleep(1);
  }
}
