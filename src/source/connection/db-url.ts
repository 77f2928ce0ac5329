// Parses the --db-url / DATABASE_URL value. Hand-written rather than `new URL()` so that every
// malformed shape gets a message saying how to fix it, and so that no part of a password the
// user forgot to percent-encode can end up as a host, port or database name.
import { configError } from "../../errors.ts";
import { redactUrl, URL_SHAPE, urlPasswords } from "../../redact.ts";

export type SslMode = "DISABLED" | "PREFERRED" | "REQUIRED" | "VERIFY_CA" | "VERIFY_IDENTITY";

export interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
  socketPath?: string;
  sslMode?: SslMode;
  /** Query parameter names we do not use (`?ssl-ca=...`), as written: worth a warning. */
  ignoredParams: string[];
}

/** What a URL (or an option file) says about the connection: a part it does not give is absent. */
export interface TargetParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  socketPath?: string;
  sslMode?: SslMode;
}

export interface UrlParts extends TargetParts {
  ignoredParams: string[];
}

const SSL_MODES: readonly SslMode[] = ["DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"];
export const DEFAULT_PORT = 3306;

/** An ssl-mode as other clients spell it too (`verify-ca`, `required`): any case, either separator. */
export function parseSslMode(value: string): SslMode | undefined {
  return SSL_MODES.find((m) => m === value.toUpperCase().replaceAll("-", "_"));
}

export const SSL_MODE_CHOICES = `ssl-mode must be one of ${SSL_MODES.join(", ")}`;

/** A port as written in a URL or an option file: 1 to 65535 in plain digits. */
export function parsePort(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** The parts a URL gives, each absent where the URL is silent (`mysql:///db` gives no host, user or password). */
export function parseDbUrlParts(url: string): UrlParts {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  // Without a recognisable `scheme://` redactUrl cannot tell where a password is: echo nothing.
  if (!scheme) throw configError(`the database URL must look like ${URL_SHAPE}`);
  if (!/^(?:mysql|mariadb)$/i.test(scheme[1])) {
    throw configError(`unsupported database URL scheme "${scheme[1]}": use mysql:// or mariadb://`);
  }
  if (/[\s\p{Cc}]/u.test(url)) {
    throw configError("the database URL contains whitespace or control characters: percent-encode them (a space is %20)");
  }
  const fail = (reason: string) => configError(`invalid database URL ${redactUrl(url)}: ${reason}`);
  const decode = (text: string, what: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw fail(`the ${what} has an invalid %-escape`);
    }
  };

  const rest = url.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? "" : rest.slice(authorityEnd);
  // Only an unencoded '/', '?' or '#' in the password puts its '@' here; reading on would turn
  // the rest of the password into a database name or query parameters.
  if (tail.includes("@") || tail.includes("#")) {
    throw fail("percent-encode '@', '/', '?' and '#' in the user name, password and database (as %40, %2F, %3F, %23)");
  }

  const at = authority.lastIndexOf("@");
  // `mysql://user:password/db`: what redaction takes for a password would otherwise be read as a port.
  if (at < 0 && urlPasswords(url).length > 0) {
    throw fail(`after a host comes a port, a number from 1 to 65535; credentials go before the host: ${URL_SHAPE}`);
  }
  const userinfo = at < 0 ? "" : authority.slice(0, at);
  const colon = userinfo.indexOf(":");
  const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), "user name") || undefined;
  // `user:@host` gives an empty password; `user@host` none.
  const password = colon < 0 ? undefined : decode(userinfo.slice(colon + 1), "password");
  const { host, port } = parseHostPort(authority.slice(at + 1), fail);

  const queryStart = tail.indexOf("?");
  const path = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const dbName = path.slice(1);
  if (dbName.includes("/")) throw fail("the database name must not contain '/'");
  const database = dbName === "" ? undefined : decode(dbName, "database name");

  let socketPath: string | undefined;
  let sslMode: SslMode | undefined;
  const ignoredParams: string[] = [];
  for (const param of queryStart < 0 ? [] : tail.slice(queryStart + 1).split("&")) {
    const eq = param.indexOf("=");
    const name = decode(eq < 0 ? param : param.slice(0, eq), "query parameter name");
    const key = name.toLowerCase();
    const value = eq < 0 ? "" : decode(param.slice(eq + 1), `value of ${key}`);
    if (key === "ssl-mode" || key === "sslmode" || key === "ssl_mode") {
      sslMode = parseSslMode(value);
      if (!sslMode) throw fail(SSL_MODE_CHOICES);
    } else if (key === "socketpath" || key === "socket") {
      if (value === "") throw fail("socketPath is empty");
      socketPath = value;
    } else if (name !== "") {
      // `&&` or a trailing `&` is not a parameter.
      ignoredParams.push(name);
    }
  }

  const parts: UrlParts = { host: host || undefined, port, user, password, database, socketPath, sslMode, ignoredParams };
  // Absent, not undefined: a target built from these compares equal to one that never had the part.
  for (const key of Object.keys(parts) as (keyof UrlParts)[]) if (parts[key] === undefined) delete parts[key];
  return parts;
}

/**
 * An IPv6 address in its one canonical spelling (`0:0:0:0:0:0:0:1` and `::0001` are `::1`),
 * so that a check such as "is this the loopback address" cannot be fooled by how it was
 * written; undefined when it is not an IPv6 address.
 */
function canonicalIpv6(text: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

// As parseDbUrl gives hosts: IPv6 in canonical form, so ::1 and IPv4-mapped ::ffff:7f00:1 (127.0.0.1).
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4})$/i;

/** Whether `host` (from parseDbUrl) is this machine: localhost, 127.0.0.0/8, or ::1 however written. */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** `host:port` for messages; an IPv6 address in brackets (`[::1]:3306`) so the port stands apart. */
export function formatHostPort({ host, port }: { host: string; port: number }): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseHostPort(text: string, fail: (reason: string) => Error): { host: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const address = close < 0 ? undefined : canonicalIpv6(text.slice(1, close));
    if (address === undefined) throw fail("invalid IPv6 address in brackets");
    host = address;
    const after = text.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) throw fail("unexpected text after the IPv6 address");
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const parts = text.split(":");
    if (parts.length > 2) throw fail("an IPv6 address must be in brackets, as in mysql://user@[::1]:3306/db");
    host = parts[0];
    portText = parts[1];
    if (!/^[\p{L}\p{N}._-]*$/u.test(host)) throw fail("invalid host name");
  }
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  if (port === undefined) throw fail("the port must be a number from 1 to 65535");
  return { host, port };
}
