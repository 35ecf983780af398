import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/gateway-api.js';
import type { NormalizedOptions } from './options.js';

/** The gateway's 202 answer to one message. */
export type Accepted = components['schemas']['Accepted'];
/** One batch entry as the gateway takes it. */
export type GatewayBatchMessage = components['schemas']['BatchMessage'];
/** One per-message result of a batch answer. */
export type GatewayBatchResult = components['schemas']['BatchResult'];

/** The typed openapi-fetch client of the gateway's API, with the bearer token when there is one. */
export function createGatewayClient(options: NormalizedOptions): Client<paths> {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
}
