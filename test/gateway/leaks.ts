// What an error body must never show a client: how the gateway is built or where it runs.

const PATTERNS: Array<[string, RegExp]> = [
  ['stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/)[^)\s]*:\d+:\d+/],
  ['stack frame', /\n\s+at [^\n]+/],
  ['file path', /(?:^|[\s"'(=:])\/(?:work|home|root|tmp|usr|opt|app|etc|var|srv)\/[\w./-]+/],
  ['file path', /\bfile:\/\/\S+|\bnode_modules\b|\b[\w-]+\.(?:ts|js|mjs|cjs):\d+/],
  ['JavaScript error', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|AggregateError)\b|Cannot read propert|is not a function|undefined is not/],
  ['system error code', /\b(?:ECONNREFUSED|ECONNRESET|EPIPE|ENOENT|EACCES|ETIMEDOUT|ERR_[A-Z_]{3,})\b/],
  ['library internals', /\b(?:rabbitmq-client|ioredis|jose|JOSE\w*|JWS\w*Failed|JWKS\w+|AMQPError|ajv)\b/],
];

/**
 * The first internal detail found in `body` that the request did not itself contain (a 404
 * echoes the requested path, so a path the client sent is not a leak), or undefined.
 */
export function findInternalLeak(body: string, request: string, secrets: string[] = []): string | undefined {
  let echoed = request;
  try {
    echoed += `\n${decodeURIComponent(request)}`;
  } catch {
    // not decodable: the raw text is all there is
  }
  for (const secret of secrets) if (secret && body.includes(secret)) return 'a secret';
  for (const [what, pattern] of PATTERNS) {
    const match = pattern.exec(body)?.[0];
    if (match && !echoed.includes(match.trim())) return `${what}: ${match.trim().slice(0, 120)}`;
  }
  return undefined;
}
