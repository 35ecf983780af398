import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

interface Delivery {
  headers: Record<string, string>;
  body: string;
  time: string;
}

// Delayed publishes through the built gateway, held by the real broker, delivered by the built
// consumer to the sample app.
describe('delayed delivery through the gateway and the consumer', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const url = () => `${stack.gateway.url}/v1/topics/${stack.names.topic}/messages`;
  const received = async () => (await (await fetch(`${stack.sample.url}/received`)).json()) as Delivery[];

  it('holds Delay, Not-Before and batch delays until due, and says so in the delivery headers', async () => {
    const publishedAt = Date.now();
    const single = await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/plain', delay: '2' }, body: 'single' });
    expect(single.status).toBe(202);
    const notBeforeAt = new Date(Date.now() + 3000).toISOString();
    const scheduled = await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/plain', 'not-before': notBeforeAt }, body: 'scheduled' });
    const batch = await fetch(`${url()}/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ data: 'batched', delay: 'PT1S' }, { data: 'now' }] }),
    });
    expect([scheduled.status, batch.status]).toEqual([202, 202]);
    const answers = {
      single: ((await single.json()) as { notBefore: string }).notBefore,
      scheduled: ((await scheduled.json()) as { notBefore: string }).notBefore,
      '"batched"': ((await batch.json()) as { results: Array<{ notBefore?: string }> }).results[0]!.notBefore!,
    };
    expect(answers.scheduled).toBe(notBeforeAt);

    await expect.poll(async () => (await received()).length, { timeout: 20_000 }).toBe(4);
    const byBody = new Map((await received()).map((d) => [d.body, d]));
    expect(byBody.get('"now"')!.headers).not.toHaveProperty('x-delivery-not-before');
    for (const [body, notBefore] of Object.entries(answers)) {
      const delivery = byBody.get(body)!;
      expect(delivery.headers['x-delivery-not-before'], body).toBe(new Date(notBefore).toISOString());
      expect(Date.parse(delivery.time), `${body} arrived early`).toBeGreaterThanOrEqual(Date.parse(notBefore));
      expect(Date.parse(delivery.time) - Date.parse(notBefore), `${body} arrived late`).toBeLessThanOrEqual(1000);
      // ce-time stays the publish time (AMQP timestamps are whole seconds).
      expect(Date.parse(delivery.headers['ce-time']!)).toBeLessThanOrEqual(Date.parse(notBefore) - 1000);
      expect(Date.parse(delivery.headers['ce-time']!)).toBeGreaterThanOrEqual(Math.floor(publishedAt / 1000) * 1000);
    }

    const metrics = await (await fetch(`${stack.consumer.url}/metrics`)).text();
    expect(metrics).toMatch(/mq_delay_lateness_seconds_count\{subscription="e2e"\} 3/);
    expect(metrics).toMatch(/mq_delayed_messages\{messaging_destination_name="mq\.delay\.00"\} \d+/);
  }, 40_000);

  it('answers 400 for both headers at once and delivers nothing', async () => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', delay: '1', 'not-before': new Date().toISOString() },
      body: 'refused',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'DELAY_CONFLICT' });
    // A valid message published after it arrives; the refused one never does.
    await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/plain', delay: '1' }, body: 'marker' });
    await expect.poll(async () => (await received()).some((d) => d.body === 'marker'), { timeout: 10_000 }).toBe(true);
    expect((await received()).some((d) => d.body === 'refused')).toBe(false);
  });
});
