// A private, throwaway MariaDB server: its own datadir, free port and unix socket.
// Used by the demo, the test suite and the benchmark so none of them depend on (or
// disturb) a server that happens to be running on this machine.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mariadb from "mariadb";

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface ServerOptions {
  tls?: TlsFiles;
  /** Refuse plain connections from every account (require_secure_transport). */
  requireTls?: boolean;
  extraArgs?: string[];
}

export interface PrivateServer {
  readonly host: string;
  readonly port: number;
  readonly socket: string;
  readonly dir: string;
  readonly pid: number;
  /** mysql:// URL for root (no password) on 127.0.0.1. */
  url(database?: string): string;
  /** Runs statements as root over the unix socket. */
  sql(statements: string | string[]): Promise<void>;
  /** SIGKILL, as if the server crashed. */
  crash(): void;
  stop(): Promise<void>;
}

function serverBinary(): string {
  for (const p of ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]) if (existsSync(p)) return p;
  const found = spawnSync("sh", ["-c", "command -v mariadbd || command -v mysqld"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (!path) throw new Error("mariadbd not found: install the mariadb-server package");
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// mariadb-install-db takes seconds; do it once per machine and copy the result.
function templateDatadir(): string {
  const template = join(tmpdir(), "gold-digger-mariadb-template");
  if (existsSync(join(template, "ready"))) return join(template, "data");
  rmSync(template, { recursive: true, force: true });
  mkdirSync(template, { recursive: true });
  const res = spawnSync(
    "mariadb-install-db",
    [
      "--no-defaults",
      `--datadir=${join(template, "data")}`,
      "--user=root",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
    ],
    { encoding: "utf8" },
  );
  if (res.status !== 0) throw new Error(`mariadb-install-db failed: ${res.stderr || res.error}`);
  writeFileSync(join(template, "ready"), "");
  return join(template, "data");
}

async function waitReady(socket: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited early:\n${log()}`);
    try {
      const conn = await mariadb.createConnection({ socketPath: socket, user: "root", connectTimeout: 1000 });
      await conn.end();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`mariadbd did not start in 30 s:\n${log()}`);
      await Bun.sleep(100);
    }
  }
}

export async function startPrivateServer(options: ServerOptions = {}): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), "gd-mariadb-"));
  const datadir = join(dir, "data");
  cpSync(templateDatadir(), datadir, { recursive: true });
  const port = await freePort();
  const socket = join(dir, "mysqld.sock");
  const logFile = join(dir, "error.log");
  // Its own temporary files (a sort, a temporary table) in its own folder: a shared /tmp may be
  // cleaned under it.
  const serverTmp = join(dir, "tmp");
  mkdirSync(serverTmp);
  const args = [
    "--no-defaults",
    `--datadir=${datadir}`,
    `--tmpdir=${serverTmp}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--socket=${socket}`,
    `--pid-file=${join(dir, "mysqld.pid")}`,
    `--log-error=${logFile}`,
    "--user=root",
    "--skip-name-resolve",
    "--skip-log-bin",
    "--innodb-buffer-pool-size=256M",
    "--innodb-flush-log-at-trx-commit=0",
    "--max-allowed-packet=256M",
    ...(options.tls
      ? [`--ssl-ca=${options.tls.ca}`, `--ssl-cert=${options.tls.cert}`, `--ssl-key=${options.tls.key}`]
      : ["--skip-ssl"]),
    ...(options.requireTls ? ["--require-secure-transport=ON"] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(serverBinary(), args, { stdio: "ignore", detached: false });
  // If our process dies without stop() (a crash, an uncaught error), the server must not
  // outlive it.
  const orphanGuard = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", orphanGuard);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "");
  try {
    await waitReady(socket, child, log);
  } catch (error) {
    process.off("exit", orphanGuard);
    orphanGuard();
    throw error;
  }

  let stopped = false;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: PrivateServer = {
    host: "127.0.0.1",
    port,
    socket,
    dir,
    pid: child.pid!,
    url: (database = "") => `mysql://root@127.0.0.1:${port}/${database}`,
    async sql(statements) {
      const conn = await mariadb.createConnection({ socketPath: socket, user: "root", multipleStatements: false });
      try {
        for (const s of Array.isArray(statements) ? statements : [statements]) await conn.query(s);
      } finally {
        await conn.end();
      }
    },
    crash() {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off("exit", orphanGuard);
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
