// A fake gateway (fetch) and a virtual clock for the unit tests of the retry policy.
import type { Clock } from './retry-loop.js';

/** A request as the fake gateway saw it. */
export interface SeenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Answer = Response | Error | ((request: SeenRequest) => Response | Error);

/** Answers requests in order from `answers` (the last one repeats) and records them. */
export function fakeGateway(answers: Answer[], clock?: VirtualClock) {
  const seen: SeenRequest[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const request = new Request(url, init);
    const entry = { url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), at: clock?.now() ?? 0 };
    seen.push(entry);
    const next = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    const answer = typeof next === 'function' ? next(entry) : next;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return { fetch, seen };
}

/** A problem+json answer. */
export function problem(status: number, code: string, headers: Record<string, string> = {}, members: object = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, code, detail: `${code} detail`, ...members }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

export function accepted(id: string, topic = 'orders'): Response {
  return new Response(JSON.stringify({ id, topic }), { status: 202, headers: { 'content-type': 'application/json' } });
}

export interface VirtualClock extends Clock {
  /** Every wait the retry loop asked for, in ms. */
  sleeps: number[];
}

/** Time that moves only when the code under test sleeps; jitter fixed at `random`. */
export function virtualClock(random = 1, start = Date.parse('2026-12-07T06:00:00Z')): VirtualClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
