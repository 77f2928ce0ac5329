// Turns the URL's ssl-mode and the TLS flags into the connector's `ssl` option
// (docs/output-and-safety.md, "TLS").
import { readFileSync } from "node:fs";
import { configError, errnoWords } from "../../errors.ts";
import { isLoopback, type DbTarget } from "./db-url.ts";

export type TlsMode = "default" | "ca-file" | "skip-hostname" | "allow-invalid";

/** The TLS flags: at most one of them (cli/resolve-config.ts), and the CA file's path. */
export interface TlsChoice {
  mode: TlsMode;
  /** With ca-file, or an ssl-mode that verifies: the CA to verify against. */
  caFile?: string;
  /** What named the CA file, for messages (default `--tls-ca-file`): `ssl-ca in ~/.my.cnf [client]`. */
  caSource?: string;
}

export interface TlsPlan {
  /** The connector's `ssl` option for the first attempt. */
  ssl: false | Record<string, unknown>;
  /** PREFERRED: if the server has TLS disabled, connect again without it. */
  fallbackToPlain: boolean;
  /** What was verified, for messages and -v. */
  description: string;
  warning?: string;
}

const skipHostname = () => undefined;

function readCa(path: string, source = "--tls-ca-file"): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw configError(`cannot read ${source} ${path}: ${errnoWords(error)}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw configError(`${source} ${path} holds no PEM certificate`);
  }
  return pem;
}

export function planTls(target: DbTarget, tls: TlsChoice): TlsPlan {
  switch (tls.mode) {
    case "ca-file":
      return {
        ssl: { ca: readCa(tls.caFile!, tls.caSource), rejectUnauthorized: true },
        fallbackToPlain: false,
        description: `TLS verified against ${tls.caFile}`,
      };
    case "skip-hostname":
      return {
        ssl: { rejectUnauthorized: true, checkServerIdentity: skipHostname },
        fallbackToPlain: false,
        description: "TLS, certificate chain verified, host name not checked",
        warning: "warning: --insecure-skip-hostname-verify: the server's host name is not checked",
      };
    case "allow-invalid":
      return {
        ssl: { rejectUnauthorized: false },
        fallbackToPlain: false,
        description: "TLS without certificate verification",
        warning: "warning: --allow-invalid-certificate: the server's certificate is not verified",
      };
    case "default":
      break;
  }
  const local = target.socketPath !== undefined || isLoopback(target.host);
  const mode = target.sslMode ?? (local ? "PREFERRED" : "VERIFY_IDENTITY");
  // Only a mode that verifies has a use for a CA (an option file's ssl-ca beside its ssl-mode).
  const ca = tls.caFile === undefined ? {} : { ca: readCa(tls.caFile, tls.caSource) };
  const against = tls.caFile === undefined ? "" : ` against ${tls.caFile}`;
  switch (mode) {
    case "DISABLED":
      return { ssl: false, fallbackToPlain: false, description: "plain (ssl-mode=DISABLED)" };
    case "PREFERRED":
      return {
        ssl: { rejectUnauthorized: false },
        fallbackToPlain: true,
        description: "TLS if the server offers it, unverified (ssl-mode=PREFERRED)",
      };
    case "REQUIRED":
      return { ssl: { rejectUnauthorized: false }, fallbackToPlain: false, description: "TLS, unverified (ssl-mode=REQUIRED)" };
    case "VERIFY_CA":
      return {
        ssl: { ...ca, rejectUnauthorized: true, checkServerIdentity: skipHostname },
        fallbackToPlain: false,
        description: `TLS, chain verified${against} (ssl-mode=VERIFY_CA)`,
      };
    case "VERIFY_IDENTITY":
      return { ssl: { ...ca, rejectUnauthorized: true }, fallbackToPlain: false, description: `TLS, fully verified${against}` };
  }
}
