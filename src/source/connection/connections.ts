// Every connection of one export, opened through one place so that they are all stopped together:
// on an interrupt at once (a pending query then fails), on failure with their queries killed.
import type { Connection } from "mariadb";
import type { ConnectionPlan } from "../../plan.ts";
import { cancelQuery, openConnection, type OpenedConnection } from "./connect.ts";

export class Connections {
  private readonly opened: Connection[] = [];

  constructor(
    private readonly plan: ConnectionPlan,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener("abort", () => this.destroy(), { once: true });
  }

  async open(): Promise<OpenedConnection> {
    const opened = await openConnection(this.plan, this.signal);
    this.opened.push(opened.conn);
    // Opened while the abort was being handled: it missed destroy().
    if (this.signal?.aborted) opened.conn.destroy();
    return opened;
  }

  /** Closes each connection politely: the export is done and every result read. */
  async end(): Promise<void> {
    await Promise.all(this.opened.map((conn) => conn.end()));
  }

  /** Closes each socket at once; end() would first read the rest of a half-streamed result. */
  destroy(): void {
    for (const conn of this.opened) conn.destroy();
  }

  /** Asks the server to stop whatever each connection's session still runs. */
  async cancelQueries(): Promise<void> {
    await Promise.all(this.opened.map((conn) => (conn.threadId === null ? undefined : cancelQuery(this.plan, conn.threadId))));
  }
}
