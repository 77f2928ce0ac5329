// One query's rows in batches of text-protocol row payloads, read with the binary protocol
// wherever their text can be reproduced exactly (binary-rows.ts), which spares the server
// formatting every value; with the text protocol otherwise.
//
// The query is prepared first (one round trip, nothing executed): the prepared statement's
// columns say which protocol can carry it. Statements that cannot be prepared, or that take
// parameters or return no columns, run as plain queries (the text protocol); so does every
// query on a MySQL server, whose text for FLOAT and DOUBLE the rewrite was not built on, and
// every query whose rows a prepared statement could change (protocol-dependence.ts).
import type { Connection, FieldInfo, Prepare } from "mariadb";
import type { Protocol } from "../../plan.ts";
import { BinaryRowRewriter, planBinaryRows } from "./binary-rows.ts";
import { mayDependOnProtocol } from "./protocol-dependence.ts";
import { serverErrno } from "../errors.ts";
import { captureRows, type RowEvents, type RowStream, type RowStreamOptions } from "./connector-internals.ts";

/**
 * Prepare errors that leave the query itself runnable: a statement the prepared-statement
 * protocol does not take (ER_UNSUPPORTED_PS), a server at its max_prepared_stmt_count.
 */
const CANNOT_PREPARE = new Set([1295, 1461]);

/** A prepared statement, with the fields the connector has at run time but leaves out of its types. */
type Prepared = Prepare & { readonly parameterCount: number; readonly columns: FieldInfo[] | null };

/** The prepared statement's own COM_STMT_CLOSE; a connection already gone has closed it. */
function closeQuietly(statement: Prepared): void {
  try {
    statement.close();
  } catch {
    // Nothing is left to close.
  }
}

/** Binary rows rewritten as text ones, and the statement closed once the result is read. */
function binaryEvents(events: RowEvents, statement: Prepared): RowEvents {
  let rewriter: BinaryRowRewriter | undefined;
  return {
    columns(fields) {
      // The execute's own columns: the server sends them again if they changed since the prepare.
      const plan = planBinaryRows(fields);
      if (!plan) throw new Error("the result's columns changed between the prepare and the execute (a concurrent ALTER TABLE?)");
      rewriter = new BinaryRowRewriter(plan);
      events.columns(fields);
    },
    batch: (payloads, rowCount) => events.batch(rewriter!.rewrite(payloads, rowCount), rowCount),
    end() {
      rewriter?.release();
      closeQuietly(statement);
      events.end();
    },
    error(error) {
      rewriter?.release();
      closeQuietly(statement);
      events.error(error);
    },
  };
}

export interface StreamOptions extends RowStreamOptions {
  /** Prepare the query and read it with the binary protocol if its columns allow. */
  binaryProtocol: boolean;
  /** Told which protocol the rows come in, once it is chosen (for -v). */
  onProtocol?: (protocol: Protocol) => void;
}

/** Runs `sql` on `conn` and hands its rows over in batches of text-protocol row payloads. */
export function streamRows(conn: Connection, sql: string, events: RowEvents, options: StreamOptions): RowStream {
  let rows: RowStream | undefined;
  let paused = false;
  const start = (protocol: Protocol, command: Parameters<typeof captureRows>[1], to: RowEvents) => {
    try {
      rows = captureRows(conn, command, to, options);
      if (paused) rows.pause();
      options.onProtocol?.(protocol);
    } catch (error) {
      to.error(error);
    }
  };
  const asText = () => start("text", () => conn.queryStream(sql), events);
  // The rewrite reproduces MariaDB's text (its FLOAT and DOUBLE layouts); MySQL's differs.
  if (!options.binaryProtocol || !conn.info?.isMariaDB() || mayDependOnProtocol(sql)) asText();
  else {
    (conn.prepare(sql) as Promise<Prepared>).then(
      (statement) => {
        const plan = statement.parameterCount === 0 && statement.columns?.length ? planBinaryRows(statement.columns) : undefined;
        if (plan) return start("binary", () => statement.executeStream([]), binaryEvents(events, statement));
        closeQuietly(statement);
        asText();
      },
      (error: unknown) => (CANNOT_PREPARE.has(serverErrno(error) ?? 0) ? asText() : events.error(error)),
    );
  }
  return {
    pause() {
      paused = true;
      rows?.pause();
    },
    resume() {
      paused = false;
      rows?.resume();
    },
    get chunks() {
      return rows?.chunks ?? 0;
    },
  };
}
