// A small LTSV reader, independent of the encoder: lines at LF, fields at TAB, label and value at
// the field's first colon, then the four backslash escapes undone. Anything else is a failure.
const UNESCAPED: Record<string, string> = { "\\": "\\", t: "\t", n: "\n", r: "\r" };

function unescape(text: string): string {
  return text.replace(/\\(.?)/gs, (escape, c: string) => {
    const plain = UNESCAPED[c];
    if (plain === undefined) throw new Error(`unknown escape ${JSON.stringify(escape)} in ${JSON.stringify(text)}`);
    return plain;
  });
}

/** Each record as its [label, value] pairs, in order. */
export function readLtsv(text: string): [string, string][][] {
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new Error("the last record does not end with LF");
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) =>
      line.split("\t").map((field): [string, string] => {
        const colon = field.indexOf(":");
        if (colon < 0) throw new Error(`a field without a colon: ${JSON.stringify(field)}`);
        if (/\r/.test(field)) throw new Error(`a raw CR: ${JSON.stringify(field)}`);
        return [unescape(field.slice(0, colon)), unescape(field.slice(colon + 1))];
      }),
    );
}
