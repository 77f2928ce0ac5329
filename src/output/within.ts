// A bounded wait on the store or a file's commit, for the paths that clean up after a failure or
// a signal: they must end the export even when what they wait for never answers.

/** What `promise` resolves to, or undefined once `ms` have passed (its timer cleared either way). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: Timer | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
