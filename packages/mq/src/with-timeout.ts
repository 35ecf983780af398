/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms`; the timer never outlives it.
 * One promise and one timer, without an async wrapper or `Promise.race`: this runs for every
 * publish.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves after the current I/O callbacks, e.g. after rabbitmq-client emitted a basic.return. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
