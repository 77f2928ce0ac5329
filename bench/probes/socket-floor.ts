// The runtime's floor: a bare Bun reader of BYTES bytes from a local TCP socket (bench's byte
// server, bench/byte-server.ts), with no connector and nothing done with the bytes. Whatever
// peak RSS and page faults it shows, every export that reads as many bytes from a socket pays too.
// `bun bench/probes/socket-floor.ts PORT BYTES MODE`, MODE one of:
//   data     node:net 'data' events, as the connector reads;
//   connect  Bun.connect's data handler;
//   pause    node:net, paused for a turn of the event loop after every MiB;
//   recv     recv(2) through bun:ffi into one reused buffer, waiting in poll(2), on the fd of a
//            paused node:net socket: what reading into the caller's memory would give.
// Prints one JSON object: { bytes }.
import net from "node:net";

const [port, total, mode] = [Number(Bun.argv[2]), Number(Bun.argv[3]), Bun.argv[4]];
const MIB = 1 << 20;

/** Asks the server for `total` bytes and resolves with how many arrived before it closed. */
function viaNodeNet(pauseEvery: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let sincePause = 0;
    const socket = net.connect(port, "127.0.0.1", () => socket.write(`${total}\n`));
    socket.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      sincePause += chunk.length;
      if (pauseEvery > 0 && sincePause >= pauseEvery) {
        sincePause = 0;
        socket.pause();
        setImmediate(() => socket.resume());
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(bytes));
  });
}

function viaBunConnect(): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (socket) => void socket.write(`${total}\n`),
        data: (_socket, chunk) => void (bytes += chunk.length),
        close: () => resolve(bytes),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

async function viaRecv(): Promise<number> {
  const { dlopen, FFIType, ptr } = await import("bun:ffi");
  const libc = dlopen("libc.so.6", {
    recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
    poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  });
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  // Paused, the runtime does not read the fd: every byte comes through recv below.
  socket.pause();
  socket.write(`${total}\n`);
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  const buffer = new Uint8Array(256 << 10);
  const pollfd = new Int32Array([fd, 1 /* POLLIN */, 0]);
  let bytes = 0;
  for (;;) {
    const n = Number(libc.symbols.recv(fd, ptr(buffer), buffer.length, 0x40 /* MSG_DONTWAIT */));
    if (n > 0) bytes += n;
    else if (n === 0) break;
    else libc.symbols.poll(ptr(pollfd), 1, 1000);
  }
  socket.destroy();
  return bytes;
}

const read = { data: () => viaNodeNet(0), connect: viaBunConnect, pause: () => viaNodeNet(MIB), recv: viaRecv }[mode];
if (!read || !(port > 0) || !(total > 0)) throw new Error("usage: bun bench/probes/socket-floor.ts PORT BYTES data|connect|pause|recv");
const bytes = await read();
if (bytes !== total) throw new Error(`read ${bytes} bytes of ${total}`);
console.log(JSON.stringify({ bytes }));
