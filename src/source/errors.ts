// What the server's and the connector's errors mean: their numbers, their words without the
// connector's decoration, and a failure while a query runs as the contract's exit 4.
import { SqlError } from "mariadb";
import { ExitCode, GdError } from "../errors.ts";

interface ConnectorError extends Error {
  code?: string;
  errno?: number;
  sqlMessage?: string;
}

/** The server's error number of a failed query or connection, if it has one. */
export const serverErrno = (error: unknown): number | undefined => (error as ConnectorError).errno;

/** The connector's message without its "(conn:..., no: ..., SQLState: ...)" prefix and "sql:" suffix. */
export function connectorReason(error: unknown): string {
  const e = error as ConnectorError;
  const text = e?.sqlMessage ?? e?.message ?? String(error);
  return text
    .replace(/^\(conn:[^)]*\)\s*/, "")
    .replace(/\nsql:[\s\S]*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

const SOCKET_UNEXPECTED_CLOSE = 45009;
const CONNECTION_LOST_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH"]);

/** The connection itself ended (closed or reset), rather than the server reporting an error on it. */
function connectionLost(error: unknown): boolean {
  const e = error as ConnectorError;
  return e?.errno === SOCKET_UNEXPECTED_CLOSE || CONNECTION_LOST_CODES.has(e?.code ?? "");
}

/** A failure the server reported, or the loss of its connection: no query of ours runs on after it. */
export class ServerFailure extends GdError {}

/**
 * An error while the query runs or rows stream: exit 4. Only the connector's own errors are the
 * server's word (ServerFailure); any other, such as a row we could not read, may leave the query
 * running there.
 */
export function queryFailure(error: unknown): GdError {
  if (error instanceof GdError) return error;
  const reason = connectorReason(error);
  if (connectionLost(error)) {
    // A bare "read ECONNRESET" gives nothing to act on: name what usually ends a session mid-result.
    return new ServerFailure(
      ExitCode.Query,
      `query failed: lost the connection to the server (${reason}): probably a timeout on its side ` +
        "(net_write_timeout, wait_timeout), a crash or restart, a KILL, or the network",
    );
  }
  return new (error instanceof SqlError ? ServerFailure : GdError)(ExitCode.Query, `query failed: ${reason}`);
}
