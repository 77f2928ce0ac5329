// Reads what a plain socket holds into one buffer of ours, reused, right after the runtime
// delivered a chunk of it.
//
// Why: the runtime reads a socket into a new buffer every time, and that garbage is a good part
// of a fast export's peak memory and page faults. bench's socket-floor probe reads the same bytes
// both ways: through 'data' events 67 MB and 10k faults, into one reused buffer 37 MB and 2k.
// On 1M wide rows to CSV this drain measured 80 MB and 11k faults against 87 MB and 17k.
//
// How: inside the socket's 'data' callback, once the runtime's chunk is handled, recv(2) with
// MSG_DONTWAIT reads up to DRAIN_BYTES more that the kernel already holds, unless the capture
// paused or the stream still holds chunks the runtime read earlier; then the event loop gets its
// turn (writes must go on). The runtime still waits for the socket and reads first after every
// wait, so order is kept without any hand-over. An end of stream is left for the runtime to find
// and report; a reset that recv sees first reaches the connector as the socket's close.
//
// Only plain TCP or Unix sockets on Linux: TLS bytes need the runtime's TLS layer. Anything
// unexpected (another libc, no descriptor) leaves every read to the runtime.

/** Bytes one recv may bring. */
const READ_BYTES = 256 << 10;
/** Bytes one drain reads at most: then the event loop runs, so writes wait no longer than one buffer takes. */
const DRAIN_BYTES = READ_BYTES;
const MSG_DONTWAIT = 0x40;

type Recv = (fd: number, buffer: Uint8Array, length: number) => number;

let recv: Recv | null | undefined;

/** recv(2) with MSG_DONTWAIT, or null where it cannot be had. */
function systemRecv(): Recv | null {
  if (recv !== undefined) return recv;
  recv = null;
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) return recv;
  try {
    const { dlopen, ptr } = require("bun:ffi") as typeof import("bun:ffi");
    const { symbols } = dlopen("libc.so.6", { recv: { args: ["i32", "ptr", "u64", "i32"], returns: "i64" } });
    recv = (fd, buffer, length) => Number(symbols.recv(fd, ptr(buffer), length, MSG_DONTWAIT));
  } catch {
    // Not glibc (musl names its library otherwise), or no FFI: the runtime reads everything.
  }
  return recv;
}

/** The descriptor of a plain (not TLS) socket of the runtime's, or -1. */
function plainDescriptor(socket: object): number {
  if ((socket as { encrypted?: boolean }).encrypted) return -1;
  const fd = (socket as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
}

export class SocketDrain {
  private readonly buffer = new Uint8Array(READ_BYTES);

  private constructor(
    private readonly socket: object,
    private readonly recv: Recv,
  ) {}

  /** A drain for `socket`, or undefined where the runtime must do every read. */
  static of(socket: object): SocketDrain | undefined {
    const recv = plainDescriptor(socket) >= 0 ? systemRecv() : null;
    return recv ? new SocketDrain(socket, recv) : undefined;
  }

  /**
   * Hands `push` what the socket holds now, chunk by chunk, while `accepting()`. A chunk is
   * valid only until the next: whoever keeps bytes of it while not accepting keeps a view, and
   * nothing more is read into it until they accept again.
   */
  drain(push: (chunk: Uint8Array) => void, accepting: () => boolean): void {
    // Looked up each time: a socket the connector destroyed in a callback has none.
    const fd = plainDescriptor(this.socket);
    // Chunks the stream still holds (read while it was paused) come before anything recv reads.
    if ((this.socket as { readableLength?: number }).readableLength) return;
    let total = 0;
    while (fd >= 0 && total < DRAIN_BYTES && accepting()) {
      const n = this.recv(fd, this.buffer, READ_BYTES);
      if (n <= 0) return;
      total += n;
      push(this.buffer.subarray(0, n));
    }
  }
}
