/**
 * Scripted answers, so tests can make the app fail in every way the consumer must handle.
 * Rules are tried in the order they were added; the first that matches the path and still has
 * uses left decides the answer. No matching rule = 200.
 */
export interface ResponseRule {
  /** Exact request path this rule applies to; absent = every path. */
  path?: string;
  /** Only deliveries with this `ce-id` (the message id); absent = any. */
  ceId?: string;
  /** Status to answer. @default 200 */
  status?: number;
  /** `Retry-After` header value to send (seconds, or an HTTP date). */
  retryAfter?: string | number;
  /** Wait this long before answering (a slow app, or a timeout when longer than the consumer's). */
  delayMs?: number;
  /** Destroy the connection instead of answering (a crashed app). */
  reset?: boolean;
  /** How many requests this rule answers; absent = forever. */
  count?: number;
}

export interface Answer {
  status: number;
  retryAfter?: string;
  delayMs: number;
  reset: boolean;
}

export interface Behaviour {
  add(rule: ResponseRule): void;
  clear(): void;
  list(): ResponseRule[];
  /** The status the next delivery to `path` would get, without using up a rule (health probes). */
  peek(path: string): number;
  /** Picks the answer for one request and uses up one of its rule's uses. */
  answer(path: string, ceId?: string): Answer;
}

export function createBehaviour(): Behaviour {
  let rules: ResponseRule[] = [];
  return {
    add: (rule) => rules.push({ ...rule }),
    clear: () => {
      rules = [];
    },
    list: () => rules.map((r) => ({ ...r })),
    peek(path) {
      const rule = rules.find((r) => (r.path === undefined || r.path === path) && r.ceId === undefined && (r.count ?? 1) > 0);
      return rule?.reset ? 503 : (rule?.status ?? 200);
    },
    answer(path, ceId) {
      const matches = (r: ResponseRule) =>
        (r.path === undefined || r.path === path) && (r.ceId === undefined || r.ceId === ceId) && (r.count ?? 1) > 0;
      const rule = rules.find(matches);
      if (!rule) return { status: 200, delayMs: 0, reset: false };
      if (rule.count !== undefined) rule.count -= 1;
      rules = rules.filter((r) => r.count === undefined || r.count > 0);
      return {
        status: rule.status ?? 200,
        ...(rule.retryAfter === undefined ? {} : { retryAfter: String(rule.retryAfter) }),
        delayMs: rule.delayMs ?? 0,
        reset: rule.reset ?? false,
      };
    },
  };
}

/** Validates a `POST /control` body; returns an error line or the rule. */
export function parseRule(input: unknown): ResponseRule | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'body must be a JSON object';
  const r = input as Record<string, unknown>;
  const optionalNumber = (key: string) => r[key] === undefined || (typeof r[key] === 'number' && r[key] >= 0);
  if (!optionalNumber('status') || !optionalNumber('delayMs') || !optionalNumber('count')) {
    return 'status, delayMs and count must be non-negative numbers';
  }
  if (r.status !== undefined && ((r.status as number) < 100 || (r.status as number) > 599)) return 'status must be 100..599';
  if (r.path !== undefined && typeof r.path !== 'string') return 'path must be a string';
  if (r.ceId !== undefined && typeof r.ceId !== 'string') return 'ceId must be a string';
  if (r.reset !== undefined && typeof r.reset !== 'boolean') return 'reset must be a boolean';
  if (r.retryAfter !== undefined && typeof r.retryAfter !== 'string' && typeof r.retryAfter !== 'number') {
    return 'retryAfter must be a string or number';
  }
  return r;
}
