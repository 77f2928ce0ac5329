// A TCP proxy on 127.0.0.1 that sits between gold-digger and a private server and
// misbehaves on request, so network faults are reproducible without root-only tools
// (tc, iptables) and without touching the server.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export type ProxyFault =
  /** Forward this many server->client bytes (per connection), then close both sides (a cut cable, a reset NAT). */
  | { kind: "cut"; afterBytes: number }
  /**
   * Forward this many server->client bytes, then forward nothing more but keep both sockets open.
   * `deadLink`: the server's side stays open even after the client closes, as when no FIN or RST
   * can reach the server any more.
   */
  | { kind: "stall"; afterBytes: number; deadLink?: boolean }
  /** Accept connections and never answer (a black-holed port behind a load balancer). */
  | { kind: "silent" };

export interface FaultProxy {
  readonly port: number;
  /** Server->client bytes forwarded so far, over all connections. */
  readonly forwarded: number;
  /** Client connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }, fault: ProxyFault): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let forwarded = 0;
  let accepted = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    // A peer that goes away is expected here; an unhandled 'error' would fail the test run.
    s.on("error", () => {});
  };

  const server: Server = createServer((client) => {
    track(client);
    accepted++;
    if (fault.kind === "silent") return;
    const upstream = createConnection({ host: target.host, port: target.port });
    track(upstream);
    client.on("data", (chunk) => upstream.write(chunk));
    client.on("close", () => (fault.kind === "stall" && fault.deadLink ? undefined : upstream.destroy()));
    upstream.on("close", () => client.destroy());
    // The budget is per connection: a PREFERRED client may connect twice (TLS, then plain).
    let sent = 0;
    let stalled = false;
    upstream.on("data", (chunk: Buffer) => {
      if (stalled) return;
      const room = fault.afterBytes - sent;
      if (chunk.length < room) {
        sent += chunk.length;
        forwarded += chunk.length;
        client.write(chunk);
        return;
      }
      // Forward exactly up to the limit, so the fault lands at a predictable protocol position.
      sent += room;
      forwarded += room;
      client.write(chunk.subarray(0, room));
      if (fault.kind === "cut") {
        upstream.destroy();
        client.end(() => client.destroy());
      } else {
        stalled = true;
        // Stop reading from the server too: it blocks on a full socket, as behind a dead link.
        upstream.pause();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    get forwarded() {
      return forwarded;
    },
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
