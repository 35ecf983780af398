import { parseDuration, parseRfc3339 } from '@mq/config';
import { ProblemError } from './errors.js';
import type { Topic } from './topics.js';

/** A delay as asked for: how long to hold the message, and the time it is due (what the 202 reports). */
export interface RequestedDelay {
  delayMs: number;
  notBefore: Date;
}

/** What a request says about its delay: the `Delay` / `Not-Before` headers, or a batch entry's fields. */
export interface DelayInput {
  delay?: string | number | undefined;
  notBefore?: string | undefined;
}

const names = { header: { delay: 'Delay', notBefore: 'Not-Before' }, field: { delay: 'delay', notBefore: 'notBefore' } };

/** Seconds (a JSON number or a string of digits) or an ISO-8601 duration; negative or anything else is refused. */
function delayMsOf(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value * 1000 : undefined;
  return parseDuration(value);
}

/**
 * Checks a request's delay against the topic and resolves it at `now`; `undefined` when none was
 * asked. A `Not-Before` in the past is due at once (nothing to wait for); both at once, an
 * unreadable or negative value, or more than the topic's `maxDelay` is a 400 with its own code,
 * thrown before anything is published.
 */
export function resolveDelay(topic: Topic, input: DelayInput, where: { index?: number } = {}, now = Date.now()): RequestedDelay | undefined {
  const { delay, notBefore } = input;
  if (delay === undefined && notBefore === undefined) return undefined;
  const n = where.index === undefined ? names.header : names.field;
  const prefix = where.index === undefined ? '' : `message ${where.index}: `;
  if (delay !== undefined && notBefore !== undefined) {
    throw new ProblemError(400, 'DELAY_CONFLICT', `${prefix}give either ${n.delay} or ${n.notBefore}, not both`);
  }
  let requested: RequestedDelay;
  if (delay !== undefined) {
    const delayMs = delayMsOf(delay);
    if (delayMs === undefined) {
      throw new ProblemError(400, 'INVALID_DELAY', `${prefix}${n.delay} must be whole seconds or an ISO-8601 duration such as PT15M (no years or months, not negative)`);
    }
    requested = { delayMs, notBefore: new Date(now + delayMs) };
  } else {
    const time = parseRfc3339(notBefore!);
    if (!time) throw new ProblemError(400, 'INVALID_NOT_BEFORE', `${prefix}${n.notBefore} must be an RFC 3339 date-time such as 2026-12-07T09:00:00Z`);
    requested = { delayMs: Math.max(0, time.getTime() - now), notBefore: time };
  }
  if (requested.delayMs > topic.maxDelay) {
    throw new ProblemError(400, 'DELAY_TOO_LONG', `${prefix}the delay is longer than topic "${topic.name}" allows (${topic.maxDelay / 1000} s)`);
  }
  return requested;
}
