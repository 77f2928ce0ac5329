// The connection target from the URL and the option files: the URL wins for every part it
// gives, the files fill the rest, and each part remembers where it came from (--dump-config).
import { configError } from "../errors.ts";
import { redactUrl } from "../redact.ts";
import {
  DEFAULT_PORT,
  parseDbUrlParts,
  parsePort,
  parseSslMode,
  SSL_MODE_CHOICES,
  type DbTarget,
  type TargetParts,
  type UrlParts,
} from "../source/connection/db-url.ts";
import type { OptionFiles, OptionName, OptionSetting } from "./option-files.ts";

type Part = keyof TargetParts;

export interface ResolvedConnection {
  target: DbTarget;
  /** Where each part came from: "--db-url", "DATABASE_URL", or an option file and group. */
  sources: Partial<Record<Part, string>>;
  /** An option file's ssl-ca: the CA to verify the server against. */
  caFile?: OptionSetting & { value: string };
  warnings: string[];
}

/** What a URL's parts are said to come from. */
export const URL_SOURCES: ReadonlySet<string> = new Set(["--db-url", "DATABASE_URL"]);

/** The URL as given, and which of --db-url or DATABASE_URL gave it. */
export interface GivenUrl {
  url: string;
  source: "--db-url" | "DATABASE_URL";
}

const FILE_OPTION: Record<Exclude<Part, "socketPath" | "sslMode">, OptionName> = {
  host: "host",
  port: "port",
  user: "user",
  password: "password",
  database: "database",
};

/** An option's value; a bare one (no `=`) is refused where it would be used. */
function valueOf(name: OptionName, setting: OptionSetting): string {
  if (setting.value !== undefined) return setting.value;
  if (name === "password") {
    throw configError(`'password' without a value in ${setting.from} asks the mariadb client to prompt for it; gold-digger does not prompt: give password=...`);
  }
  throw configError(`'${name}' needs a value in ${setting.from}`);
}

export function resolveConnection(given: GivenUrl | undefined, files: OptionFiles): ResolvedConnection {
  const url: UrlParts = given ? parseDbUrlParts(given.url) : { ignoredParams: [] };
  const parts: TargetParts = {};
  const sources: ResolvedConnection["sources"] = {};
  const take = <P extends Part>(part: P, value: TargetParts[P], source: string) => {
    parts[part] = value;
    sources[part] = source;
  };
  const fromFile = (name: OptionName, part: Part, convert: (value: string, from: string) => TargetParts[Part]) => {
    const setting = files.settings[name];
    if (setting) take(part, convert(valueOf(name, setting), setting.from), setting.from);
  };
  for (const [part, name] of Object.entries(FILE_OPTION) as [keyof typeof FILE_OPTION, OptionName][]) {
    if (url[part] !== undefined) take(part, url[part], given!.source);
    else fromFile(name, part, part === "port" ? filePort : (value) => value);
  }
  if (url.socketPath !== undefined) take("socketPath", url.socketPath, given!.source);
  // As the client: a socket only for localhost or no host; a URL's host always means TCP.
  else if (url.host === undefined && (parts.host === undefined || parts.host === "localhost")) fromFile("socket", "socketPath", (value) => value);
  if (url.sslMode !== undefined) take("sslMode", url.sslMode, given!.source);
  else fromFile("ssl-mode", "sslMode", fileSslMode);

  if (parts.host === undefined && parts.socketPath === undefined) {
    const inFiles = " (or host or socket in an option file)";
    if (!given) throw configError(`missing database URL: pass --db-url or set DATABASE_URL${inFiles}`);
    throw configError(`invalid database URL ${redactUrl(given.url)}: no host: give one, or a socketPath query parameter${inFiles}`);
  }
  const ca = files.settings["ssl-ca"];
  return {
    target: {
      ...parts,
      host: parts.host ?? "localhost",
      port: parts.port ?? DEFAULT_PORT,
      user: parts.user ?? "",
      password: parts.password ?? "",
      ignoredParams: url.ignoredParams,
    },
    sources,
    caFile: ca && { ...ca, value: valueOf("ssl-ca", ca) },
    warnings: files.warnings,
  };
}

function filePort(value: string, from: string): number {
  const port = parsePort(value);
  if (port === undefined) throw configError(`port must be a number from 1 to 65535 in ${from}, got '${value}'`);
  return port;
}

function fileSslMode(value: string, from: string) {
  const mode = parseSslMode(value);
  if (!mode) throw configError(`${SSL_MODE_CHOICES} in ${from}, got '${value}'`);
  return mode;
}

/**
 * The connection for --dump-config: each part with where it came from, the password only as
 * whether there is one.
 */
export function describeConnection({ target, sources, caFile }: ResolvedConnection): Record<string, string> {
  const from = (part: Part) => (sources[part] ? ` (from ${sources[part]})` : " (default)");
  const described: Record<string, string> = {};
  const show = (key: string, part: Part, value: unknown) => {
    if (value !== undefined) described[key] = `${String(value)}${from(part)}`;
  };
  show("host", "host", target.socketPath === undefined ? target.host : undefined);
  show("port", "port", target.socketPath === undefined ? target.port : undefined);
  show("socket", "socketPath", target.socketPath);
  show("user", "user", target.user);
  show("password", "password", target.password === "" ? undefined : "***");
  show("database", "database", target.database);
  show("sslMode", "sslMode", target.sslMode);
  if (caFile) described.sslCa = `${caFile.value} (from ${caFile.from})`;
  return described;
}
