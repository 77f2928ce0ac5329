// Opens a connection of an export, and turns a failure to connect into exit 3 with one
// readable line that says what would change it.
import mariadb, { type Connection } from "mariadb";
import { connect as netConnect, type Socket } from "node:net";
import type { ConnectionPlan } from "../../plan.ts";
import { ExitCode, GdError } from "../../errors.ts";
import { connectorReason, serverErrno } from "../errors.ts";
import { formatHostPort, type DbTarget } from "./db-url.ts";
import { planTls, type TlsChoice, type TlsPlan } from "./tls.ts";

const SERVER_SSL_DISABLED = 45023;
const ACCESS_DENIED = 1045;

/**
 * The session's net_write_timeout, in seconds: one year, the most MariaDB and MySQL accept. We
 * pause the stream on purpose while the output is slow (backpressure), and the server, blocked
 * in its send meanwhile, would otherwise drop the connection after its default 60 s (a reader
 * stalled for 75 s measured ECONNRESET; mydumper raises it too). No shorter value is safe: the pause lasts as long as the
 * reader wants. A client that is really gone is still found: TCP gives up on unanswered
 * retransmissions and window probes (tcp_retries2) whatever this timeout says.
 */
const PAUSE_PROOF_NET_WRITE_TIMEOUT = 31_536_000;

/**
 * The encoders take values as the server sends them and write them as UTF-8, and our query text is
 * UTF-8: a session charset that init_connect changed (it runs for every account without SUPER)
 * would garble both ways. Set after login, so after init_connect; SET NAMES utf8mb4 in effect.
 */
const UTF8MB4_SESSION = { character_set_client: "utf8mb4", character_set_connection: "utf8mb4", character_set_results: "utf8mb4" };

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HOSTNAME|TLS|SSL|certificate|Hostname\/IP/i;

/** What a TLS setting would change about this failure, as " (hint)"; "" when nothing would. */
function tlsHint(error: unknown, reason: string, target: DbTarget, plan: TlsPlan): string {
  // A URL's ssl-mode cannot be combined with the TLS flags: then only the URL's terms help.
  const inUrl = target.sslMode !== undefined;
  if (/altname|hostname|host name|Hostname\/IP/i.test(reason)) {
    const skip = inUrl ? "?ssl-mode=VERIFY_CA" : "--insecure-skip-hostname-verify";
    return ` (the certificate does not name this host: connect by a name it holds, or use ${skip})`;
  }
  if (/self.signed|unable to (get|verify)|UNABLE_TO|CERT_|certificate/i.test(reason)) {
    const ways = inUrl
      ? "remove ssl-mode from the URL and pass its CA with --tls-ca-file, or use ?ssl-mode=REQUIRED"
      : "pass its CA with --tls-ca-file, or use --allow-invalid-certificate, or ?ssl-mode=REQUIRED";
    return ` (the server's certificate is not trusted: ${ways})`;
  }
  if (plan.ssl === false) {
    // MySQL says why it refuses a plain login; MariaDB (10.11) says only "Access denied", which
    // would send the user hunting for a wrong password.
    if (/secure transport|require_secure_transport|SSL is required|insecure transport/i.test(reason)) {
      return " (the server requires TLS: remove ssl-mode=DISABLED)";
    }
    if (target.sslMode === "DISABLED" && serverErrno(error) === ACCESS_DENIED) {
      return " (if the server requires TLS, remove ssl-mode=DISABLED)";
    }
  }
  return "";
}

function connectFailure(error: unknown, target: DbTarget, plan: TlsPlan): GdError {
  const reason = connectorReason(error);
  const where = target.socketPath ?? formatHostPort(target);
  if (serverErrno(error) === SERVER_SSL_DISABLED) {
    return new GdError(
      ExitCode.Connect,
      `cannot connect to ${where}: the server does not offer TLS ` +
        "(if a plain connection is acceptable, add ?ssl-mode=DISABLED, or ?ssl-mode=PREFERRED to use TLS only when offered)",
    );
  }
  const hint = TLS_CODES.test(reason) || plan.ssl === false ? tlsHint(error, reason, target, plan) : "";
  return new GdError(ExitCode.Connect, `cannot connect to ${where}: ${reason}${hint}`);
}

/**
 * How the connector decodes values wherever it does (exports take rows undecoded: see
 * connector-internals.ts): every value exact, as the server's text. Arrays, not objects;
 * dates, big numbers, DECIMAL and JSON left as text; BIT(1) a number, not a boolean. Also what
 * the benchmark's probes and the tests' reference queries use.
 */
export const EXACT_VALUES = {
  rowsAsArray: true,
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalAsNumber: false,
  bigIntAsNumber: false,
  bitOneIsBoolean: false,
  autoJsonMap: false,
  jsonStrings: true,
  charset: "utf8mb4",
};

/** The TLS settings read (the CA file, once) for every connection of an export. */
export function planConnection(target: DbTarget, tls: TlsChoice, connectTimeoutMs: number): ConnectionPlan {
  return { target, tls: planTls(target, tls), connectTimeoutMs };
}

export interface OpenedConnection {
  conn: Connection;
  /** How this connection is secured: the plan's, or plain where PREFERRED found no TLS. */
  tls: TlsPlan;
}

/**
 * Connecting may take the whole --connect-timeout (a silent server); Ctrl-C meanwhile must stop
 * at once with 130/143, not wait for the timeout and then report a connection failure.
 */
export function openConnection(plan: ConnectionPlan, signal?: AbortSignal): Promise<OpenedConnection> {
  if (!signal) return connect(plan);
  signal.throwIfAborted();
  const pending = connect(plan);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      // The attempt goes on in the background: close whatever it opens.
      pending.then(({ conn }) => conn.destroy(), () => {});
    };
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (opened) => {
        signal.removeEventListener("abort", onAbort);
        resolve(opened);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The greeting's capability bit for a server that can switch the connection to TLS. */
const CLIENT_SSL = 0x800;

/**
 * Whether the server's greeting (the first packet of protocol 10) offers TLS; undefined when
 * `chunk` is not such a greeting or does not hold its capability flags.
 */
export function greetingOffersTls(chunk: Uint8Array): boolean | undefined {
  // Packet header (4 bytes), protocol version, server version up to its NUL, then thread id (4),
  // scramble (8) and a filler byte before the capabilities' low 2 bytes.
  const PROTOCOL_AT = 4;
  if (chunk[PROTOCOL_AT] !== 10) return undefined;
  const versionEnd = chunk.indexOf(0, PROTOCOL_AT + 1);
  if (versionEnd < 0) return undefined;
  const capabilitiesAt = versionEnd + 1 + 4 + 8 + 1;
  if (chunk.length < capabilitiesAt + 2) return undefined;
  return ((chunk[capabilitiesAt] | (chunk[capabilitiesAt + 1] << 8)) & CLIENT_SSL) !== 0;
}

/**
 * The connector's `stream` option for ssl-mode=PREFERRED over TCP: a socket whose first chunk,
 * the server's greeting, is read just before the connector reads it. When the greeting offers no TLS,
 * the connector's options (`this` of the call) turn to plain before it answers, so a server
 * without TLS costs one connection, not a refused TLS attempt and a second one. Otherwise, or
 * when the greeting cannot be read from the first chunk, the connector decides as without it.
 */
function tlsIfOffered(target: DbTarget, onPlain: () => void) {
  return function (this: { ssl: unknown }): Socket {
    const options = this;
    const socket = netConnect(target.port, target.host);
    socket.setNoDelay(true);
    // The first 'data' event is seen on its way to the connector's listener, not by a listener of
    // our own: a Bun 1.4.5 socket whose 'data' listener was removed keeps reading while paused,
    // which would lose the backpressure (test/pipeline/backpressure.test.ts).
    const emit = socket.emit;
    socket.emit = function (event: string | symbol, ...args: unknown[]) {
      if (event === "data") {
        socket.emit = emit;
        if (greetingOffersTls(args[0] as Buffer) === false) {
          options.ssl = false;
          onPlain();
        }
      }
      return emit.call(socket, event, ...args);
    } as typeof socket.emit;
    return socket;
  };
}

async function connect({ target, tls, connectTimeoutMs }: ConnectionPlan): Promise<OpenedConnection> {
  let foundPlain = false;
  const peek = tls.fallbackToPlain && target.socketPath === undefined;
  const options = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    socketPath: target.socketPath,
    connectTimeout: connectTimeoutMs,
    // Finds a server that died while computing a result, which --read-timeout does not watch.
    keepAliveDelay: 30_000,
    sessionVariables: { net_write_timeout: PAUSE_PROOF_NET_WRITE_TIMEOUT, ...UTF8MB4_SESSION },
    ...EXACT_VALUES,
    permitLocalInfile: false,
    // Each query is prepared once and closed once read (wire/row-stream.ts): a cache would only
    // keep statements open on the server.
    prepareCacheLength: 0,
    // The connector would otherwise print its own warnings; ours go through one channel.
    logger: { warning: () => {} },
  };
  const plain: TlsPlan = { ssl: false, fallbackToPlain: false, description: "plain (the server offers no TLS)" };
  try {
    const stream = peek ? { stream: tlsIfOffered(target, () => (foundPlain = true)) } : {};
    const conn = await mariadb.createConnection({ ...options, ...stream, ssl: tls.ssl });
    return { conn, tls: foundPlain ? plain : tls };
  } catch (error) {
    if (!(tls.fallbackToPlain && serverErrno(error) === SERVER_SSL_DISABLED)) {
      throw connectFailure(error, target, foundPlain ? plain : tls);
    }
  }
  try {
    return { conn: await mariadb.createConnection({ ...options, ssl: false }), tls: plain };
  } catch (error) {
    throw connectFailure(error, target, plain);
  }
}

/**
 * Best effort, after an interrupted or failed export: asks the server to stop the query. Closing
 * our socket only stops a query the next time the server writes to it; one that is still
 * computing (a sort, a SLEEP) would run on, for nobody.
 */
export async function cancelQuery(plan: ConnectionPlan, threadId: number): Promise<void> {
  try {
    const { conn } = await connect({ ...plan, connectTimeoutMs: Math.min(plan.connectTimeoutMs, 2000) });
    try {
      await conn.query(`KILL QUERY ${Math.trunc(threadId)}`);
    } finally {
      conn.destroy();
    }
  } catch {
    // The server or the network is gone: there is nothing left to stop.
  }
}
