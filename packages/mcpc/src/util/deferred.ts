/** A promise with its settle functions in hand (Node 20 has no `Promise.withResolvers`). */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let settle: Pick<Deferred<T>, "resolve" | "reject"> | undefined;
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  // The executor runs synchronously, so `settle` is set here.
  const { resolve, reject } = settle as Pick<Deferred<T>, "resolve" | "reject">;
  return { promise, resolve, reject };
}
