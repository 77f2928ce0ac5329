// The connector is patched (patches/mariadb@3.5.4.patch) to load node:zlib only when a connection
// compresses its packets: exports never do, and every process paid for loading it. Compressing
// must still work, both ways.
import { expect, test } from "bun:test";
import mariadb from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();

test("a compressing connection still inflates what it reads and deflates what it sends", async () => {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", compress: true, ...EXACT_VALUES });
  try {
    // Both larger than the protocol's threshold for compressing (50 bytes).
    const sent = "ü".repeat(40_000);
    const [[back, length]] = (await conn.query({ sql: "SELECT ?, LENGTH(?)", rowsAsArray: true }, [sent, sent])) as [string, string][];
    expect(back).toBe(sent);
    expect(Number(length)).toBe(80_000);
    const [[status]] = (await conn.query({ sql: "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COMPRESSION'", rowsAsArray: true })) as string[][];
    expect(status).toBe("ON");
  } finally {
    await conn.end();
  }
});
