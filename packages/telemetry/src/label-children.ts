/**
 * Memoizes prom-client label children by their label values: `metric.inc(labels)` sorts and
 * hashes a fresh labels object on every call, which shows in a profile of the publish and
 * delivery paths. Only for label sets that are few and bounded (topics, outcomes, error codes).
 */
export function cachedChildren<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const cache = new Map<string, T>();
  return (...values) => {
    const key = values.join('\n');
    let child = cache.get(key);
    if (!child) cache.set(key, (child = make(...values)));
    return child;
  };
}
