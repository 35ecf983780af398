// The table's rows, in the order they run. Cases on the private node run back to back so the
// runner can stop it before the consumer rows; e2e-latency reads the max rates of the rows before it.
import type { BenchCase } from '../lib/context.ts';
import { clientPublish } from './client-publish.ts';
import { coldStart } from './cold-start.ts';
import { consumerHttp } from './consumer-http.ts';
import { consumerInProcess } from './consumer-in-process.ts';
import { consumerRss } from './consumer-rss.ts';
import { dedupStore } from './dedup-store.ts';
import { delayedPublish } from './delayed-publish.ts';
import { e2eLatency } from './e2e-latency.ts';
import { gatewayBatch } from './gateway-batch.ts';
import { gatewayBlockedRss } from './gateway-blocked-rss.ts';
import { gatewayManagement } from './gateway-management.ts';
import { gatewaySingle } from './gateway-single.ts';
import { mqPublisher } from './mq-publisher.ts';
import { signingCost } from './signing-cost.ts';
import { tracingCost } from './tracing-cost.ts';

export const CASES: BenchCase[] = [
  gatewaySingle,
  clientPublish,
  gatewayManagement,
  gatewayBlockedRss,
  gatewayBatch,
  consumerInProcess,
  consumerHttp,
  signingCost,
  e2eLatency,
  delayedPublish,
  consumerRss,
  coldStart,
  tracingCost,
  dedupStore,
  mqPublisher,
];

/** The order of the table: the order, not the run order. */
export const TABLE_ORDER: string[] = [
  'gateway-single',
  'client-publish',
  'gateway-management',
  'gateway-batch',
  'consumer-in-process',
  'consumer-http',
  'signing-cost',
  'dedup-store',
  'mq-publisher',
  'e2e-latency',
  'delayed-publish',
  'consumer-rss',
  'gateway-blocked-rss',
  'cold-start',
  'tracing-cost',
];
