import { problem } from '../schemas.js';

const problemContent = { 'application/problem+json': { schema: problem } };

/** The error answers every publish route documents (RFC 9457 problem+json). */
export const problemResponses = {
  400: {
    description: 'Malformed request: bad JSON, topic name, routing key, header or id; or a bad delay: DELAY_CONFLICT (Delay and Not-Before both), INVALID_DELAY, INVALID_NOT_BEFORE, DELAY_TOO_LONG (beyond the topic maxDelay)',
    content: problemContent,
  },
  401: { description: 'No or bad bearer token', content: problemContent },
  403: { description: 'Topic not in the token scope, or a non-loopback client without configured tokens', content: problemContent },
  404: { description: 'Unknown topic', content: problemContent },
  413: { description: 'Body (or batch) too large', content: problemContent },
  415: { description: 'Unsupported content type', content: problemContent },
  422: { description: 'The body does not match the topic JSON Schema', content: problemContent },
  429: { description: 'Rate limited; see Retry-After', content: problemContent },
  503: {
    description: 'Broker unavailable, blocked, unroutable or not confirming in time; see Retry-After. Nothing was published (after PUBLISH_TIMEOUT it may have been: retry with the same id).',
    content: problemContent,
  },
} as const;
