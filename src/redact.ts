// Keeps passwords out of everything we print (docs/output-and-safety.md, "Secrets"). Each function errs on
// the side of masking too much: a hidden host name costs a moment, a leaked password costs a rotation.
import { lex, type Token } from "./sql/lexer.ts";

const MASK = "***";

// The password follows `://user:`. Where an `@` comes later in the same whitespace-free run, it
// runs to the last one, so a raw `@`, `/`, `?` or `#` inside it (a URL the user forgot to
// percent-encode) is still covered.
const PASSWORD_BEFORE_AT = String.raw`\S+(?=@)`;
// A URL without `@HOST` (`mysql://user:password/db`): the rest of the authority, unless it is a
// port (`host:3306`) or part of a bracketed IPv6 address (`[::1]:3306`). A colon at its end is
// left, so that masking a message twice changes nothing (`mysql://h:***: reason`).
const PASSWORD_WITHOUT_HOST = String.raw`(?<!\/\/\[[^\s@]*)(?!\d{1,5}(?:[\s/?#]|$))[^\s/?#@]*[^\s/?#@:]`;
const URL_PASSWORD = new RegExp(String.raw`(:\/\/[^\s:/@]*:)(?:${PASSWORD_BEFORE_AT}|${PASSWORD_WITHOUT_HOST})`, "g");

// A password passed as a URL parameter (`?password=...`), which some drivers accept.
const PARAM_PASSWORD = /([?&;](?:password|passwd|pass|pwd)=)[^&;\s#]*/gi;

/**
 * Replaces the password of every `scheme://user:password@` (or `?password=`, or a
 * `scheme://user:password` lacking its `@host`) in `text` with `***`.
 */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}`).replace(PARAM_PASSWORD, `$1${MASK}`);
}

/** The values of every `?password=` (and its spellings) in `text`, as written and percent-decoded. */
export function paramPasswords(text: string): string[] {
  return [...text.matchAll(PARAM_PASSWORD)].flatMap((m) => {
    const written = m[0].slice(m[1].length);
    try {
      return [written, decodeURIComponent(written)];
    } catch {
      return [written];
    }
  });
}

/**
 * The passwords of every `scheme://user:password@` in `text`, as written and percent-decoded.
 * Where a raw `@` comes later (`...?note=a@b`), each `@` may be the one that ends the password
 * (a URL parser takes the last before the path, redactUrl the last of all): all are listed.
 */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_PASSWORD)].flatMap((m) => {
    const written = m[0].slice(m[1].length);
    const ends = [...written.matchAll(/@/g)].map((at) => at.index);
    return [...ends, written.length].flatMap((end) => {
      const candidate = written.slice(0, end);
      try {
        return [candidate, decodeURIComponent(candidate)];
      } catch {
        return [candidate];
      }
    });
  });
}

/**
 * Secrets shorter than this are not hunted for in free text: masking every "a" or "root" in a
 * message garbles it and, by what it hides, gives the secret away. URLs and SQL literals are
 * still masked by their structure, whatever the length.
 */
const MIN_FREE_TEXT_SECRET = 6;

/**
 * Replaces every occurrence of each secret (of at least MIN_FREE_TEXT_SECRET characters) with `***`, whether written raw,
 * percent-encoded (either hex case) as inside a URL, escaped as inside an SQL string, or a mix.
 * Occurrences that overlap (a secret inside another, or urlPasswords' guesses at where one
 * ends) are masked as one, from the first one's start to the last one's end.
 */
export function redactSecrets(text: string, secrets: string[]): string {
  const spans = [...new Set(secrets)]
    .filter((secret) => secret.length >= MIN_FREE_TEXT_SECRET)
    .flatMap((secret) => Array.from(text.matchAll(new RegExp(secretPattern(secret), "g")), (m) => [m.index, m.index + m[0].length] as const))
    .sort(([a], [b]) => a - b);
  let out = "";
  let copied = 0;
  spans.forEach(([start, end], i) => {
    // A span that starts inside (or right at the end of) the one before widens its mask.
    if (i === 0 || start > copied) out += text.slice(copied, start) + MASK;
    copied = Math.max(copied, end);
  });
  return out + text.slice(copied);
}

// How a character may be written inside an SQL string literal, besides as itself.
const SQL_ESCAPES: Record<string, string[]> = {
  "\\": ["\\\\"],
  "'": ["''", "\\'"],
  '"': ['""', '\\"'],
  "\n": ["\\n"],
  "\r": ["\\r"],
  "\t": ["\\t"],
  "\0": ["\\0"],
  "\b": ["\\b"],
  "\x1a": ["\\Z"],
};

/** Each character as itself, percent-encoded (UTF-8, either hex case) or escaped as in an SQL string. */
function secretPattern(secret: string): string {
  const encoder = new TextEncoder();
  return Array.from(secret, (char) => {
    const encoded = Array.from(encoder.encode(char), (byte) => "%" + hexPattern(byte)).join("");
    const escaped = (SQL_ESCAPES[char] ?? []).map(escapeRegExp);
    return `(?:${[escapeRegExp(char), encoded, ...escaped].join("|")})`;
  }).join("");
}

function hexPattern(byte: number): string {
  return Array.from(byte.toString(16).padStart(2, "0"), (digit) =>
    /[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit,
  ).join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|\/-]/g, "\\$&");
}

/** The environment variables that hold a secret: the object store's secret key and session token. */
export const SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;

/** The secrets `env` holds (SECRET_ENV), for redactMessage. */
export function envSecrets(env: Record<string, string | undefined>): string[] {
  return SECRET_ENV.flatMap((name) => env[name] ?? []);
}

/** How a database URL is written, for hints: the nets here would take its PASSWORD for one. */
export const URL_SHAPE = "mysql://USER:PASSWORD@HOST:PORT/DATABASE";

/** Fixed help texts, which hold no secret: messages show them as written, never masked. */
export const HELP_TEXTS: readonly string[] = [URL_SHAPE];
const HELP_TEXT = new RegExp(`(${HELP_TEXTS.map(escapeRegExp).join("|")})`);

/**
 * The last net over a line we print: the credentials `sql` holds where a server error quotes it,
 * every occurrence of `secrets`, and URL passwords; the help texts in it are left as written.
 */
export function redactMessage(line: string, sql: string, secrets: string[]): string {
  return line
    .split(HELP_TEXT)
    // The known secrets before the URLs: a raw `@` after a password (`?note=a@b`) takes redactUrl's
    // mask past the password's end, and would leave its tail for redactSecrets not to recognise.
    .map((part, i) => (i % 2 === 1 ? part : redactUrl(redactSecrets(redactServerQuote(part, sql), secrets))))
    .join("");
}

// ---- SQL ----------------------------------------------------------------------------------

/**
 * Masks the string literals that carry credentials: everything in an `IDENTIFIED ...` clause
 * (BY, VIA ... USING, WITH ... AS, REPLACE), the literal after any `...PASSWORD` word
 * (`PASSWORD 'x'`, `PASSWORD = 'x'`, `SET PASSWORD FOR u = 'x'`, `MASTER_PASSWORD='x'`,
 * `WHERE password = 'x'`), and every literal inside `PASSWORD(...)`, `AES_ENCRYPT(...)` and
 * their kin. The rest of the text, comments and spacing included, is kept byte for byte.
 */
export function redactSql(sql: string): string {
  let out = "";
  let copied = 0;
  for (const token of sensitiveLiterals(sql)) {
    const quote = sql[token.start];
    out += sql.slice(copied, token.start) + quote + MASK + quote;
    copied = token.end;
  }
  return out + sql.slice(copied);
}

/**
 * The contents of the literals redactSql masks. A server error may quote the SQL near the
 * error ("... near 'hunter2' at line 1"), so these are secrets for redactSecrets as well.
 */
export function sqlSecrets(sql: string): string[] {
  return sensitiveLiterals(sql)
    .map((token) => sql.slice(...contents(sql, token)))
    .filter((secret) => secret.length >= MIN_FREE_TEXT_SECRET);
}

// MariaDB and MySQL quote the SQL from a syntax error on, cut after 80 characters and not
// escaped: "... near 'USERR bob IDENTIFIED BY 'abc12'' at line 1".
const SERVER_QUOTE = /(near ')([\s\S]+)(' at line \d+)/;

/**
 * Masks what a server message quotes of `sql`'s credential literals (those redactSql masks), at
 * any length: sqlSecrets' net leaves short ones alone. The quote is found in `sql`, and whatever
 * of it lies inside such a literal becomes `***`; a quote not found in `sql` is masked whole.
 */
export function redactServerQuote(message: string, sql: string): string {
  const near = SERVER_QUOTE.exec(message);
  if (!near) return message;
  const literals = sensitiveLiterals(sql);
  if (literals.length === 0) return message;
  const [whole, open, quote, close] = near as unknown as [string, string, string, string];
  const rest = message.slice(near.index + whole.length);
  return message.slice(0, near.index) + open + maskQuote(quote, sql, literals) + close + rest;
}

/** `quote`, found in `sql`, with each run of characters inside one of `literals` as one `***`. */
function maskQuote(quote: string, sql: string, literals: Token[]): string {
  const secret = new Array<boolean>(quote.length).fill(false);
  let found = false;
  for (let at = sql.indexOf(quote); at >= 0; at = sql.indexOf(quote, at + 1)) {
    found = true;
    for (const literal of literals) {
      const [from, to] = contents(sql, literal);
      for (let i = Math.max(from, at); i < Math.min(to, at + quote.length); i++) secret[i - at] = true;
    }
  }
  if (!found) return MASK;
  let out = "";
  for (let i = 0; i < quote.length; i++) {
    if (!secret[i]) out += quote[i];
    else if (!secret[i - 1]) out += MASK;
  }
  return out;
}

/** Where a string literal's text lies in `sql`: inside its quotes (an unterminated one runs to the end). */
function contents(sql: string, literal: Token): [number, number] {
  const closed = literal.end - literal.start >= 2 && sql[literal.end - 1] === sql[literal.start];
  return [literal.start + 1, closed ? literal.end - 1 : literal.end];
}

/** The credential-carrying string literals of `sql`, in order. */
function sensitiveLiterals(sql: string): Token[] {
  const all = lex(sql);
  const tokens = all.filter((token, i) => token.kind !== "comment" && !isIntroducer(token, all[i + 1]));
  const masked = new Set<Token>();

  const maskUntil = (from: number, stop: (token: Token, depth: number) => boolean): void => {
    let depth = 0;
    for (let i = from; i < tokens.length; i++) {
      const token = tokens[i];
      if (token.text === "(") depth++;
      else if (token.text === ")") depth--;
      if (stop(token, depth)) return;
      if (token.kind === "string") masked.add(token);
    }
  };
  // From an opening parenthesis to its match.
  const maskCall = (open: number) => maskUntil(open, (token, depth) => token.text === ")" && depth === 0);

  tokens.forEach((token, i) => {
    if (token.kind !== "word" && token.kind !== "name") return;
    const next = tokens[i + 1];
    if (token.text === "IDENTIFIED") {
      // Ends where the next user of `CREATE USER a IDENTIFIED BY 'x', b ...` starts.
      maskUntil(i + 1, (t, depth) => depth < 0 || (depth === 0 && (t.text === "," || t.text === ";")));
    } else if (CIPHER_FUNCTIONS.has(token.text) && next?.text === "(") {
      maskCall(i + 1);
    } else if (token.text.endsWith("PASSWORD")) {
      maskPasswordValue(i + 1);
    }
  });

  function maskPasswordValue(at: number): void {
    let i = at;
    // `SET PASSWORD FOR 'user'@'host' = ...`: the user is not the secret.
    if (tokens[i]?.text === "FOR") {
      while (i < tokens.length && tokens[i].text !== "=" && tokens[i].text !== ";") i++;
    }
    if (tokens[i]?.text === "=" || tokens[i]?.text === ":=") i++;
    if (tokens[i]?.kind === "string") masked.add(tokens[i]);
    else if (tokens[i]?.text === "(") maskCall(i);
  }

  return [...masked].sort((a, b) => a.start - b.start);
}

const CIPHER_FUNCTIONS = new Set(["AES_ENCRYPT", "AES_DECRYPT", "DES_ENCRYPT", "DES_DECRYPT", "ENCODE", "DECODE"]);

// Charset introducers and literal prefixes glued to a string (`_utf8mb4'x'`, `N'x'`, `X'..'`):
// they belong to the literal, so `PASSWORD = _utf8mb4'x'` still finds it right after `=`.
const INTRODUCER = /^(?:_[A-Z0-9]+|[NXB])$/;

const isIntroducer = (token: Token, next: Token | undefined) =>
  token.kind === "word" && next?.kind === "string" && next.start === token.end && INTRODUCER.test(token.text);
