// A throwaway PKI made with the openssl CLI: a test CA, server certificates it signs, and a
// second CA that signed nothing of ours (to prove verification really checks the chain).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestPki {
  /** The CA that signed the server certificates. */
  ca: string;
  /** Server certificate and key: CN=localhost, SAN DNS:localhost, IP:127.0.0.1. */
  cert: string;
  key: string;
  /** An unrelated CA: verifying the server against it must fail. */
  otherCa: string;
  /** Signed by `ca` but for another host only (SAN DNS:db.invalid): a host name mismatch. */
  wrongNameCert: string;
  wrongNameKey: string;
}

function openssl(dir: string, args: string[]): void {
  const res = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${res.stderr || res.error}`);
}

// EC keys: RSA key generation takes seconds, P-256 a few milliseconds.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    ...["req", "-x509", ...NEW_KEY, "-days", "2", "-subj", `/CN=gold-digger test ${name}`],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ...["-keyout", `${name}-key.pem`, "-out", `${name}.pem`],
  ]);
}

/** A key and a certificate for `sans` (e.g. "DNS:localhost,IP:127.0.0.1"), signed by ca.pem. */
function makeServerCert(dir: string, name: string, cn: string, sans: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(dir, ["req", ...NEW_KEY, "-subj", `/CN=${cn}`, "-keyout", `${name}-key.pem`, "-out", `${name}.csr`]);
  openssl(dir, [
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial"],
    ...["-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`],
  ]);
}

/** Writes the PKI into `dir` (which must exist) and returns the file paths. */
export function makeTestPki(dir: string): TestPki {
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  makeServerCert(dir, "server", "localhost", "DNS:localhost,IP:127.0.0.1");
  makeServerCert(dir, "wrong-name", "db.invalid", "DNS:db.invalid");
  return {
    ca: join(dir, "ca.pem"),
    cert: join(dir, "server.pem"),
    key: join(dir, "server-key.pem"),
    otherCa: join(dir, "other-ca.pem"),
    wrongNameCert: join(dir, "wrong-name.pem"),
    wrongNameKey: join(dir, "wrong-name-key.pem"),
  };
}
