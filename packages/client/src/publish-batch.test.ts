import { describe, expect, it } from 'vitest';
import { createPublisher, PublishBatchError } from './index.js';
import { fakeGateway, problem, virtualClock, type Answer, type SeenRequest } from './test-fakes.js';

function setup(answers: Answer[]) {
  const clock = virtualClock();
  const gateway = fakeGateway(answers, clock);
  const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch, clock, retry: { initialDelayMs: 100, deadlineMs: 10_000 } });
  return { clock, gateway, publisher };
}

const sentIds = (r: SeenRequest) => (JSON.parse(r.body) as { messages: Array<{ id: string }> }).messages.map((m) => m.id);

/** The gateway's answer to a batch in which `failed` (indexes into this request) got `status`. */
function partial(request: SeenRequest, failed: Record<number, [number, string]>): Response {
  const results = sentIds(request).map((id, index) => {
    const f = failed[index];
    return f ? { index, id, status: f[0], code: f[1], detail: `${f[1]} detail` } : { index, id, status: 202 };
  });
  return problem(503, 'BATCH_FAILED', { 'retry-after': '1' }, { results });
}

function allAccepted(request: SeenRequest): Response {
  const results = sentIds(request).map((id, index) => ({ index, id, status: 202 }));
  return new Response(JSON.stringify({ topic: 'orders', results }), { status: 202, headers: { 'content-type': 'application/json' } });
}

describe('publishBatch()', () => {
  it('gives every entry an id and resends only the entries that were not accepted', async () => {
    const { gateway, publisher, clock } = setup([(r) => partial(r, { 1: [503, 'PUBLISH_TIMEOUT'], 3: [503, 'PUBLISH_NACKED'] }), (r) => partial(r, { 0: [503, 'PUBLISH_TIMEOUT'] }), allAccepted]);
    const messages = [{ data: { n: 0 } }, { data: { n: 1 } }, { data: { n: 2 }, id: 'own' }, { data: { n: 3 } }];
    const result = await publisher.publishBatch('orders', messages);
    const [first, second, third] = gateway.seen.map(sentIds);
    expect(first).toHaveLength(4);
    expect(first![2]).toBe('own');
    expect(new Set(first).size).toBe(4);
    expect(second).toEqual([first![1], first![3]]);
    expect(third).toEqual([first![1]]);
    expect(result.results).toEqual(first!.map((id, index) => ({ index, id, status: 202 })));
    expect(clock.sleeps).toEqual([1000, 1000]); // Retry-After: 1
    // The data of each entry travels with its id.
    expect((JSON.parse(gateway.seen[2]!.body) as { messages: unknown[] }).messages).toEqual([{ data: { n: 1 }, id: first![1] }]);
  });

  it('does not retry entries rejected for good, and says which were accepted', async () => {
    const { gateway, publisher } = setup([(r) => partial(r, { 0: [422, 'SCHEMA_VIOLATION'], 2: [503, 'NOT_CONNECTED'] }), allAccepted]);
    const error = await publisher.publishBatch('orders', [{ data: 0 }, { data: 1 }, { data: 2 }]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PublishBatchError);
    const batch = error as PublishBatchError;
    const [first, second] = gateway.seen.map(sentIds);
    expect(second).toEqual([first![2]]);
    expect(gateway.seen).toHaveLength(2);
    expect(batch.results.map((r) => r.accepted)).toEqual([false, true, true]);
    expect(batch.results[0]!.error).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422, retryable: false, id: first![0] });
    expect(batch).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422, retryable: false });
  });

  it('retries the whole batch after a 503 or network error without results, with the same ids', async () => {
    const { gateway, publisher } = setup([problem(503, 'NOT_CONNECTED'), new TypeError('fetch failed'), allAccepted]);
    await publisher.publishBatch('orders', [{ data: 'a' }, { data: 'b' }]);
    const ids = gateway.seen.map(sentIds);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
  });

  it('at the deadline, rejects with each pending entry carrying its last error', async () => {
    // Whatever is sent, its last entry is never confirmed.
    const { gateway, publisher } = setup([(r) => partial(r, { [sentIds(r).length - 1]: [503, 'PUBLISH_TIMEOUT'] })]);
    const error = (await publisher.publishBatch('orders', [{ data: 'a' }, { data: 'b' }]).catch((e: unknown) => e)) as PublishBatchError;
    expect(error).toBeInstanceOf(PublishBatchError);
    expect(gateway.seen.length).toBeGreaterThan(2);
    expect(gateway.seen.slice(1).every((r) => sentIds(r).length === 1)).toBe(true);
    expect(error.results[0]).toMatchObject({ accepted: true });
    expect(error.results[1]).toMatchObject({ accepted: false, error: { code: 'PUBLISH_TIMEOUT', retryable: true } });
    expect(error).toMatchObject({ code: 'PUBLISH_TIMEOUT', retryable: true, status: 503 });
  });

  it('a 400 for the whole batch fails every entry at once', async () => {
    const { gateway, publisher } = setup([problem(400, 'DUPLICATE_MESSAGE_ID')]);
    const error = (await publisher.publishBatch('orders', [{ data: 1, id: 'x' }, { data: 2, id: 'x' }]).catch((e: unknown) => e)) as PublishBatchError;
    expect(gateway.seen).toHaveLength(1);
    expect(error.results.map((r) => [r.accepted, r.error?.code])).toEqual([
      [false, 'DUPLICATE_MESSAGE_ID'],
      [false, 'DUPLICATE_MESSAGE_ID'],
    ]);
    expect(error.retryable).toBe(false);
  });
});
