// A local TCP server for the socket-floor probe (probes/socket-floor.ts): a client sends a byte
// count and a newline, and gets that many bytes, then the end of the stream. It runs inside
// bench, so that the measured process holds only the reader.
import net from "node:net";

const CHUNK = new Uint8Array(1 << 20).fill(0x61);

export interface ByteServer {
  port: number;
  close(): Promise<void>;
}

function serve(socket: net.Socket, total: number): void {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!socket.write(CHUNK.subarray(0, n))) return void socket.once("drain", pump);
    }
    socket.end();
  };
  pump();
}

export function startByteServer(): Promise<ByteServer> {
  const server = net.createServer((socket) => {
    let request = "";
    socket.on("error", () => socket.destroy());
    socket.on("data", function onRequest(chunk: Buffer) {
      request += chunk.toString("latin1");
      if (!request.includes("\n")) return;
      socket.off("data", onRequest);
      serve(socket, Number(request.trim()));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
