// TLS modes against private servers with a test CA (test/support/certs.ts): what verifies, what
// fails with exit 3 and a hint, and what the insecure modes warn about.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addSweepAccounts, expectFailure, expectNoSecrets, HANG_MS, sweepUrl, TEST_MS } from "../support/faults.ts";
import { makeTestPki } from "../support/certs.ts";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";
import { greetingOffersTls } from "../../src/source/connection/connect.ts";

// Made at load time: the servers below need the files when they start.
const pkiDir = mkdtempSync(join(tmpdir(), "gd-pki-"));
const pki = makeTestPki(pkiDir);
afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));

const tlsServer = usePrivateServer({ tls: pki });
const requireTlsServer = usePrivateServer({ tls: pki, requireTls: true });
const wrongNameServer = usePrivateServer({ tls: { ca: pki.ca, cert: pki.wrongNameCert, key: pki.wrongNameKey } });
const plainServer = usePrivateServer(); // --skip-ssl
const dir = useTempDir();
beforeAll(async () => {
  for (const s of [tlsServer, requireTlsServer, wrongNameServer, plainServer]) await addSweepAccounts(s());
});

// The export itself says whether the session is encrypted: the cipher, or "" for plain.
const CIPHER_QUERY = "SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'";

let n = 0;

/** Exports the cipher to a file: [exit code, cipher, stderr]. */
async function cipherOf(url: string, flags: string[] = [], env: Record<string, string> = {}) {
  const output = join(dir(), `cipher-${++n}.csv`);
  // A variable such as NODE_EXTRA_CA_CERTS is read when a process starts: such a run needs its own.
  const run = Object.keys(env).length > 0 ? gd : gdInProcess;
  const r = await run(["--db-url", url, "-q", CIPHER_QUERY, "-o", output, "--allow-empty", ...flags], {
    env,
    timeoutMs: HANG_MS,
  });
  expectNoSecrets(r);
  // One column: an empty cipher (no TLS) is written as "" (see src/format/delimited.ts).
  const [header, cipher] = existsSync(output) ? readFileSync(output, "utf8").split("\r\n") : [];
  if (r.code === 0) expect(header).toBe("cipher");
  return { code: r.code, cipher: cipher === '""' ? "" : (cipher ?? ""), stderr: r.stderr };
}

async function failing(url: string, flags: string[] = [], env: Record<string, string> = {}) {
  const output = join(dir(), `tls-${++n}.csv`);
  const result = await gdInProcess(["--db-url", url, "-q", "SELECT 1", "-o", output, ...flags], { env, timeoutMs: HANG_MS });
  return { result, output };
}

describe("--tls-ca-file", () => {
  test.each(["127.0.0.1", "localhost"])(
    "verifies a server whose certificate names %s",
    async (host) => {
      const r = await cipherOf(sweepUrl(tlsServer().port, { host }), ["--tls-ca-file", pki.ca]);
      expect(r).toEqual({ code: 0, cipher: expect.stringMatching(/\S/), stderr: "" });
    },
    TEST_MS,
  );

  test(
    "another CA -> 3, with a hint naming a flag",
    async () => {
      const { result, output } = await failing(sweepUrl(tlsServer().port), ["--tls-ca-file", pki.otherCa]);
      expectFailure(result, {
        code: 3,
        output,
        message: /not trusted: pass its CA with --tls-ca-file, or use --allow-invalid-certificate/,
      });
    },
    TEST_MS,
  );

  test(
    "certificate for another host name -> 3, with a hint naming a flag",
    async () => {
      const { result, output } = await failing(sweepUrl(wrongNameServer().port), ["--tls-ca-file", pki.ca]);
      expectFailure(result, { code: 3, output, message: /does not name this host: .*--insecure-skip-hostname-verify/ });
    },
    TEST_MS,
  );
});

test(
  "?ssl-mode=VERIFY_CA, chain not trusted -> 3, with a hint in the URL's terms (the TLS flags cannot join a URL's ssl-mode)",
  async () => {
    const { result, output } = await failing(sweepUrl(tlsServer().port, { params: "?ssl-mode=VERIFY_CA" }));
    expectFailure(result, { code: 3, output, message: /not trusted: remove ssl-mode from the URL and pass its CA with --tls-ca-file, or use \?ssl-mode=REQUIRED\)/ });
  },
  TEST_MS,
);

describe("--insecure-skip-hostname-verify (chain checked against the system store)", () => {
  test(
    "host name mismatch, CA trusted through NODE_EXTRA_CA_CERTS: works, with a warning",
    async () => {
      // Bun honours NODE_EXTRA_CA_CERTS: it is how a test (or a user) adds a private CA to "the system store".
      const r = await cipherOf(sweepUrl(wrongNameServer().port), ["--insecure-skip-hostname-verify"], {
        NODE_EXTRA_CA_CERTS: pki.ca,
      });
      expect(r).toEqual({
        code: 0,
        cipher: expect.stringMatching(/\S/),
        stderr: "warning: --insecure-skip-hostname-verify: the server's host name is not checked\n",
      });
    },
    TEST_MS,
  );

  test(
    "chain not trusted -> 3: the name is skipped, the chain is not",
    async () => {
      const { result, output } = await failing(sweepUrl(wrongNameServer().port), ["--insecure-skip-hostname-verify"]);
      expectFailure(result, { code: 3, output, message: /not trusted/ });
    },
    TEST_MS,
  );
});

test(
  "--allow-invalid-certificate encrypts an untrusted server, with a warning",
  async () => {
    const r = await cipherOf(sweepUrl(wrongNameServer().port), ["--allow-invalid-certificate"]);
    expect(r).toEqual({
      code: 0,
      cipher: expect.stringMatching(/\S/),
      stderr: "warning: --allow-invalid-certificate: the server's certificate is not verified\n",
    });
  },
  TEST_MS,
);

test(
  "?ssl-mode=DISABLED against a server that requires TLS -> 3",
  async () => {
    const { result, output } = await failing(sweepUrl(requireTlsServer().port, { params: "?ssl-mode=DISABLED" }));
    expectFailure(result, { code: 3, output, message: /remove ssl-mode=DISABLED/ });
  },
  TEST_MS,
);

test(
  "?ssl-mode=REQUIRED against a server without TLS -> 3, saying which ssl-mode would connect",
  async () => {
    const { result, output } = await failing(sweepUrl(plainServer().port, { params: "?ssl-mode=REQUIRED" }));
    expectFailure(result, { code: 3, output, message: /does not offer TLS.*ssl-mode=DISABLED/ });
  },
  TEST_MS,
);

describe("default mode to a loopback host (PREFERRED)", () => {
  test(
    "server without TLS: plain",
    async () => {
      expect(await cipherOf(sweepUrl(plainServer().port))).toEqual({ code: 0, cipher: "", stderr: "" });
    },
    TEST_MS,
  );

  test(
    "server without TLS: one connection, not a refused TLS attempt and then a second one",
    async () => {
      // Each connection gets the next id: two exports in a row are one id apart if each connects once.
      const ids: number[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await gd(["--db-url", sweepUrl(plainServer().port), "-q", "SELECT CONNECTION_ID() AS id", "-o", "-", "-f", "csv", "-v"]);
        expect(r.code).toBe(0);
        expect(r.stderr).toContain("connected: plain (the server offers no TLS)");
        ids.push(Number(r.stdout.toString().split("\r\n")[1]));
      }
      expect(ids[1] - ids[0]).toBe(1);
    },
    TEST_MS,
  );

  test.each([
    ["offers", tlsServer],
    ["requires", requireTlsServer],
  ] as const)(
    "server that %s TLS: encrypted",
    async (_, server) => {
      expect(await cipherOf(sweepUrl(server().port))).toEqual({ code: 0, cipher: expect.stringMatching(/\S/), stderr: "" });
    },
    TEST_MS,
  );
});

test(
  "a result of many TLS records arrives whole: the socket's bytes are the TLS layer's to read (socket-drain.ts)",
  async () => {
    const rows = 100_000;
    const output = join(dir(), "tls-large.csv");
    const query = `SELECT seq, REPEAT('z', 100) AS pad FROM mysql.seq_1_to_${rows}`;
    const r = await gdInProcess(["--db-url", sweepUrl(tlsServer().port), "-q", query, "-o", output, "--workers", "0"], { timeoutMs: HANG_MS });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const lines = readFileSync(output, "latin1").split("\r\n");
    expect(lines.length).toBe(rows + 2);
    expect(lines.at(-2)).toBe(`${rows},${"z".repeat(100)}`);
  },
  TEST_MS,
);

/** The first chunk a server sends: its greeting. */
function greetingOf(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("data", (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk);
    });
    socket.once("error", reject);
  });
}

describe("greetingOffersTls", () => {
  test("reads the capability from real greetings, and nothing from a part of one", async () => {
    const [withTls, without] = await Promise.all([greetingOf(tlsServer().port), greetingOf(plainServer().port)]);
    expect(greetingOffersTls(withTls)).toBe(true);
    expect(greetingOffersTls(without)).toBe(false);
    // Cut before the capability flags: the connector decides, as without the peek.
    const versionEnd = without.indexOf(0, 5);
    expect(greetingOffersTls(without.subarray(0, versionEnd + 14))).toBeUndefined();
    expect(greetingOffersTls(without.subarray(0, 3))).toBeUndefined();
    // An error packet instead of a greeting (too many connections, a blocked host).
    expect(greetingOffersTls(Buffer.from([9, 0, 0, 0, 0xff, 0x10, 0x04, 0x23, 0x30]))).toBeUndefined();
  });
});
