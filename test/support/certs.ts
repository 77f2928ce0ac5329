// A throwaway PKI made with the openssl CLI: a test CA, a server certificate it signs, and a
// second CA that signed nothing of ours (to prove verification really checks the chain).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestPki {
  /** The CA that signed the server certificate. */
  ca: string;
  /** Server certificate and key: CN=localhost, SAN DNS:localhost, IP:127.0.0.1. */
  cert: string;
  key: string;
  /** An unrelated CA: verifying the server against it must fail. */
  otherCa: string;
}

function openssl(dir: string, args: string[]): void {
  const res = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${res.stderr || res.error}`);
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", `/CN=gold-digger test ${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", `${name}-key.pem`, "-out", `${name}.pem`,
  ]);
}

/** Writes the PKI into `dir` (which must exist) and returns the file paths. */
export function makeTestPki(dir: string): TestPki {
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server-key.pem", "-out", "server.csr"]);
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
  );
  openssl(dir, [
    "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
    "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
  ]);
  return {
    ca: join(dir, "ca.pem"),
    cert: join(dir, "server.pem"),
    key: join(dir, "server-key.pem"),
    otherCa: join(dir, "other-ca.pem"),
  };
}
