import type { Channel } from 'rabbitmq-client';

/**
 * Delayed delivery held by the broker, on binary levels of TTL queues (the scheme NServiceBus
 * uses on plain RabbitMQ). Level `k` is a topic exchange and a quorum queue whose messages wait
 * `2^k` units; a delay of `n` units is the binary number `n`, written into the routing key one bit
 * per word, most significant first:
 *
 * ```
 * b23.b22. … .b1.b0.<encoded exchange>.<original routing key>
 * ```
 *
 * Exchange `k` routes on bit `k` alone: `1` to queue `k`, `0` on to exchange `k-1`. Queue `k`
 * dead-letters (at-least-once) to exchange `k-1` with the routing key unchanged, so the message
 * walks down the levels, waiting only where its bits are set. Below level 0 is the delivery
 * exchange, where each subscription binding has a mirror (`*` for every bit, then the topic's
 * exchange and the binding's own pattern): the message is routed at due time by the bindings
 * that exist then, to the queues the topic exchange itself would have chosen.
 *
 * The unit is 100 ms, so rounding up to a whole unit costs at most 100 ms of lateness, and never
 * makes a message early. 24 bits hold 19.4 days.
 */
export const DELAY_UNIT_MS = 100;
/** Bits in the routing key; fixed, since bindings match words by position. */
export const DELAY_BITS = 24;
/** The longest delay the routing key can encode. */
export const MAX_DELAY_MS = (2 ** DELAY_BITS - 1) * DELAY_UNIT_MS;

const PREFIX = 'mq.delay';
/** Where a message goes once its delay has run out. */
export const DELAY_DELIVERY_EXCHANGE = `${PREFIX}.deliver`;
/** Its alternate exchange and queue: a message no binding wants at due time waits here instead of being lost. */
export const DELAY_UNROUTABLE = `${PREFIX}.unroutable`;

/** The exchange and the queue of one level (the same name; exchanges and queues have separate namespaces). */
export function delayLevelName(level: number): string {
  return `${PREFIX}.${String(level).padStart(2, '0')}`;
}

/** Whole units, rounded up: a message may be a little late, never early. */
export function delayUnits(delayMs: number): number {
  return Math.ceil(delayMs / DELAY_UNIT_MS);
}

/** The index of the highest set bit, exactly (floating-point log2 could round near a power of two). */
function highestBit(units: number): number {
  return units.toString(2).length - 1;
}

/** How many levels (0 … n-1) a delay of up to `maxDelayMs` passes through. */
export function delayLevelCount(maxDelayMs: number): number {
  const units = delayUnits(Math.min(maxDelayMs, MAX_DELAY_MS));
  return units <= 0 ? 0 : highestBit(units) + 1;
}

/**
 * An exchange name as one routing-key word, injectively: `.` would split it into words and `*`
 * or `#` would be wildcards in a binding.
 */
function exchangeWord(exchange: string): string {
  return exchange.replaceAll('%', '%25').replaceAll('.', '%2E').replaceAll('*', '%2A').replaceAll('#', '%23');
}

/** Where a delayed message is first published: the level of its highest set bit, and the bit-encoded routing key. */
export function delayedRoute(units: number, exchange: string, routingKey: string): { exchange: string; routingKey: string } {
  const bits = units.toString(2).padStart(DELAY_BITS, '0').split('').join('.');
  return { exchange: delayLevelName(highestBit(units)), routingKey: `${bits}.${exchangeWord(exchange)}.${routingKey}` };
}

/** The delivery exchange's mirror of a binding of `exchange` with `pattern`. */
export function delayMirrorPattern(exchange: string, pattern: string): string {
  return `${'*.'.repeat(DELAY_BITS)}${exchangeWord(exchange)}.${pattern}`;
}

/** `*` for every bit above `level`, then the bit itself, then anything. */
function levelPattern(level: number, bit: 0 | 1): string {
  return `${'*.'.repeat(DELAY_BITS - 1 - level)}${bit}.#`;
}

/**
 * A level queue: nobody consumes it; all its messages wait the same TTL, so the head is always
 * the next to expire (a TTL queue only expires at its head). At-least-once dead-lettering (quorum
 * only, 3.10+) makes each hop safe, and it requires `reject-publish`.
 */
function levelQueueArguments(level: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': 2 ** level * DELAY_UNIT_MS,
    'x-dead-letter-exchange': level === 0 ? DELAY_DELIVERY_EXCHANGE : delayLevelName(level - 1),
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export type DelayDeclaration = { what: string; run: (ch: Channel) => Promise<unknown> };

/** The delivery exchange and its catch-all; declared by everyone, as subscriptions bind to it. */
export function deliveryDeclarations(): DelayDeclaration[] {
  return [
    {
      what: `exchange "${DELAY_UNROUTABLE}"`,
      run: (ch) => ch.exchangeDeclare({ exchange: DELAY_UNROUTABLE, type: 'fanout', durable: true }),
    },
    {
      what: `queue "${DELAY_UNROUTABLE}"`,
      // Quorum, unlike the dead-letter queues: every client declares it on every connect, and a
      // classic queue whose home node is down cannot be declared at all, which would stop the
      // declarations after it. Move messages out of it (shovel, or get and ack) rather than
      // browsing with get and return: on 4.x each return counts towards its delivery limit (20).
      run: (ch) => ch.queueDeclare({ queue: DELAY_UNROUTABLE, durable: true, arguments: { 'x-queue-type': 'quorum' } }),
    },
    {
      what: `binding of queue "${DELAY_UNROUTABLE}"`,
      run: (ch) => ch.queueBind({ queue: DELAY_UNROUTABLE, exchange: DELAY_UNROUTABLE, routingKey: '' }),
    },
    {
      what: `exchange "${DELAY_DELIVERY_EXCHANGE}"`,
      run: (ch) => ch.exchangeDeclare({
        exchange: DELAY_DELIVERY_EXCHANGE, type: 'topic', durable: true, arguments: { 'alternate-exchange': DELAY_UNROUTABLE },
      }),
    },
  ];
}

/** Levels 0 … `levels`-1, lowest first, so each dead-letter target exists before its source. */
export function levelDeclarations(levels: number): DelayDeclaration[] {
  const result: DelayDeclaration[] = [];
  for (let level = 0; level < levels; level++) {
    const name = delayLevelName(level);
    const below = level === 0 ? DELAY_DELIVERY_EXCHANGE : delayLevelName(level - 1);
    result.push(
      { what: `exchange "${name}"`, run: (ch) => ch.exchangeDeclare({ exchange: name, type: 'topic', durable: true }) },
      { what: `queue "${name}"`, run: (ch) => ch.queueDeclare({ queue: name, durable: true, arguments: levelQueueArguments(level) }) },
      { what: `binding of queue "${name}"`, run: (ch) => ch.queueBind({ queue: name, exchange: name, routingKey: levelPattern(level, 1) }) },
      {
        what: `binding of exchange "${below}" to "${name}"`,
        run: (ch) => ch.exchangeBind({ destination: below, source: name, routingKey: levelPattern(level, 0) }),
      },
    );
  }
  return result;
}

/** The level queues a delay of up to `maxDelayMs` can wait in, for monitoring (their depth is what waits). */
export function delayQueueNames(maxDelayMs: number): string[] {
  return Array.from({ length: delayLevelCount(maxDelayMs) }, (_, level) => delayLevelName(level));
}
