// Progress goes to stderr, so stdout carries only the markdown table.
export const log = (line: string) => process.stderr.write(`${line}\n`);
