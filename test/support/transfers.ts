// A concurrent writer for the snapshot tests: it moves 17 between two of 5,000 accounts in a loop,
// so a table's total stays 5,000,000 in every consistent state and in no torn one.
import mariadb, { type Connection } from "mariadb";
import type { PrivateServer } from "../../src/devdb/private-server.ts";

/** One move of 17 from one account to another, as one atomic unit. */
export type Move = (writer: Connection, from: number, to: number) => Promise<void>;

/** A move in a transaction, for a transactional `table`. */
export const transactionalMove =
  (table: string): Move =>
  async (writer, from, to) => {
    await writer.query("START TRANSACTION");
    await writer.query(`UPDATE ${table} SET amount = amount - 17 WHERE id = ?`, [from]);
    await writer.query(`UPDATE ${table} SET amount = amount + 17 WHERE id = ?`, [to]);
    await writer.query("COMMIT");
  };

/** Starts moving in `database` until the returned stop is called, which resolves how many moves were made. */
export async function startTransfers(server: PrivateServer, database: string, move: Move): Promise<() => Promise<number>> {
  const writer = await mariadb.createConnection({ socketPath: server.socket, user: "root", database });
  let writing = true;
  let moves = 0;
  const writes = (async () => {
    for (; writing; moves++) await move(writer, 1 + ((moves * 7919) % 5000), 1 + ((moves * 104729) % 5000));
  })();
  return async () => {
    writing = false;
    await writes;
    await writer.end();
    return moves;
  };
}
