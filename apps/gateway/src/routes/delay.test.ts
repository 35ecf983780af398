import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS as CONFIG_MAX_DELAY_MS } from '@mq/config';
import { MAX_DELAY_MS, MqError } from '@mq/mq';
import { createHarness, defaultConfig, postJson } from '../test-fixtures.js';

const config = defaultConfig.replace('routingKey: ev, allowRoutingKey: true', 'routingKey: ev, allowRoutingKey: true, maxDelay: PT1H');
const text = (headers: Record<string, string>): RequestInit => ({ method: 'POST', body: 'x', headers: { 'content-type': 'text/plain', ...headers } });

async function expectProblem(res: Response, code: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 400, code });
}

describe('Delay and Not-Before on POST /v1/topics/{topic}/messages', () => {
  it.each([
    ['900', 900_000],
    ['PT15M', 900_000],
    ['PT0.5S', 500],
  ])('Delay: %s holds the message %i ms and answers its notBefore', async (delay, ms) => {
    const h = createHarness(config);
    const before = Date.now();
    const res = await h.request('/v1/topics/events/messages', text({ delay }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { notBefore: string };
    expect(h.publisher.published[0]).toMatchObject({ delayMs: ms });
    const due = Date.parse(body.notBefore);
    expect(due).toBeGreaterThanOrEqual(before + ms);
    expect(due).toBeLessThanOrEqual(Date.now() + ms);
    expect(h.publisher.published[0]!.notBefore?.toISOString()).toBe(body.notBefore);
  });

  it('Not-Before holds the message until that time; one in the past is due at once', async () => {
    const h = createHarness(config);
    const at = new Date(Date.now() + 600_000).toISOString();
    const res = await h.request('/v1/topics/events/messages', text({ 'not-before': at }));
    expect(await res.json()).toMatchObject({ notBefore: at });
    expect(h.publisher.published[0]!.delayMs).toBeGreaterThan(590_000);
    expect(h.publisher.published[0]!.delayMs).toBeLessThanOrEqual(600_000);
    const past = '2020-01-01T00:00:00Z';
    expect(await (await h.request('/v1/topics/events/messages', text({ 'not-before': past }))).json()).toMatchObject({ notBefore: '2020-01-01T00:00:00.000Z' });
    expect(h.publisher.published[1]!.delayMs).toBe(0);
  });

  it('without a delay the answer has no notBefore and nothing is held', async () => {
    const h = createHarness(config);
    expect(await (await h.request('/v1/topics/events/messages', text({}))).json()).not.toHaveProperty('notBefore');
    expect(h.publisher.published[0]).not.toHaveProperty('delayMs');
  });

  it.each([
    ['both headers', { delay: '60', 'not-before': '2030-01-01T00:00:00Z' }, 'DELAY_CONFLICT'],
    ['a negative Delay', { delay: '-5' }, 'INVALID_DELAY'],
    ['a negative ISO Delay', { delay: '-PT5M' }, 'INVALID_DELAY'],
    ['an unparsable Delay', { delay: 'soon' }, 'INVALID_DELAY'],
    ['a Delay in months', { delay: 'P1M' }, 'INVALID_DELAY'],
    ['a fractional seconds Delay', { delay: '1.5' }, 'INVALID_DELAY'],
    ['an unparsable Not-Before', { 'not-before': 'tomorrow' }, 'INVALID_NOT_BEFORE'],
    ['a Not-Before without a zone', { 'not-before': '2030-01-01T00:00:00' }, 'INVALID_NOT_BEFORE'],
    ['a Delay beyond maxDelay', { delay: 'PT1H1S' }, 'DELAY_TOO_LONG'],
    ['a Not-Before beyond maxDelay', { 'not-before': new Date(Date.now() + 3_700_000).toISOString() }, 'DELAY_TOO_LONG'],
  ])('%s: 400 and nothing published', async (_what, headers, code) => {
    const h = createHarness(config);
    await expectProblem(await h.request('/v1/topics/events/messages', text(headers)), code);
    expect(h.publisher.published).toHaveLength(0);
  });

  it('a delay only the publisher finds it cannot carry (key too long for the delay bits) is a 400 too', async () => {
    const h = createHarness(config);
    h.publisher.answer = () => Promise.reject(new MqError('INVALID_DELAY', 'exchange and routing key too long for a delayed publish'));
    await expectProblem(await h.request('/v1/topics/events/messages', text({ delay: '5' })), 'INVALID_DELAY');
  });

  it('maxDelay defaults to 7 days', async () => {
    const h = createHarness(config);
    const headers = { 'content-type': 'application/json' };
    const order = { orderId: '7b0a6f0e-1f7e-4c1e-9a55-4a8a3b4f8c11', amount: 1 };
    expect((await h.request('/v1/topics/orders/messages', postJson(order, { ...headers, delay: 'P7D' }))).status).toBe(202);
    await expectProblem(await h.request('/v1/topics/orders/messages', postJson(order, { ...headers, delay: 'P7DT1S' })), 'DELAY_TOO_LONG');
  });

  it('the config and mq agree on the longest delay the broker can hold', () => {
    expect(CONFIG_MAX_DELAY_MS).toBe(MAX_DELAY_MS);
  });
});

describe('delay and notBefore in batch entries', () => {
  const batch = (messages: unknown[]) => postJson({ messages });

  it('holds each entry as asked and reports notBefore per message', async () => {
    const h = createHarness(config);
    const at = new Date(Date.now() + 60_000).toISOString();
    const res = await h.request('/v1/topics/events/messages/batch', batch([{ data: 1, delay: 'PT1M' }, { data: 2, delay: 30 }, { data: 3, notBefore: at }, { data: 4 }]));
    expect(res.status).toBe(202);
    const { results } = (await res.json()) as { results: Array<{ notBefore?: string }> };
    expect(h.publisher.published.map((m) => m.delayMs)).toEqual([60_000, 30_000, expect.any(Number), undefined]);
    expect(results[2]!.notBefore).toBe(at);
    expect(results[3]).not.toHaveProperty('notBefore');
  });

  it.each([
    ['both fields', { data: 1, delay: 'PT1M', notBefore: '2030-01-01T00:00:00Z' }, 'DELAY_CONFLICT'],
    ['a negative delay', { data: 1, delay: -1 }, 'INVALID_DELAY'],
    ['a fractional delay', { data: 1, delay: 1.5 }, 'INVALID_DELAY'],
    ['an unparsable delay', { data: 1, delay: 'later' }, 'INVALID_DELAY'],
    ['an unparsable notBefore', { data: 1, notBefore: 'noon' }, 'INVALID_NOT_BEFORE'],
    ['a delay beyond maxDelay', { data: 1, delay: 'PT2H' }, 'DELAY_TOO_LONG'],
  ])('one entry with %s: 400 for the whole batch and nothing published', async (_what, entry, code) => {
    const h = createHarness(config);
    const res = await h.request('/v1/topics/events/messages/batch', batch([{ data: 0 }, entry]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, detail: expect.stringMatching(/^message 1: /) });
    expect(h.publisher.published).toHaveLength(0);
  });
});
