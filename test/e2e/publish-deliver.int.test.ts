import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { receivedBy, startStack, type Stack } from './stack.ts';

// One message all the way through: HTTP → gateway → RabbitMQ → consumer → HTTP → sample app.
describe('publish over HTTP, delivered to the app', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.sample.url}/received`, { method: 'DELETE' });
  });

  async function publish(body: string, contentType: string, topic = stack.names.topic): Promise<Response> {
    return fetch(`${stack.gateway.url}/v1/topics/${topic}/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
  }

  it('delivers the exact body and content type as a CloudEvent whose ce-id is the id of the 202', async () => {
    const body = JSON.stringify({ orderId: randomUUID(), total: 9.99, note: 'grüße ✓' });
    const response = await publish(body, 'application/json');
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string; topic: string };
    expect(accepted.topic).toBe(stack.names.topic);
    expect(accepted.id).toEqual(expect.any(String));

    await expect.poll(async () => (await receivedBy(stack.sample)).length, { timeout: 20_000 }).toBe(1);
    const [delivery] = await receivedBy(stack.sample);
    expect(delivery!.body).toBe(body);
    expect(delivery!.contentType).toBe('application/json');
    expect(delivery!.headers['ce-id']).toBe(accepted.id);
    expect(delivery!.headers['ce-specversion']).toBe('1.0');
    expect(delivery!.path).toBe('/deliveries');
  });

  it('keeps a non-JSON body byte for byte, with its content type', async () => {
    const body = `plain text ${randomUUID()}\nsecond line`;
    const response = await publish(body, 'text/plain; charset=utf-8');
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect.poll(async () => (await receivedBy(stack.sample)).map((r) => r.headers['ce-id']), { timeout: 20_000 }).toEqual([id]);
    const [delivery] = await receivedBy(stack.sample);
    expect(delivery!.body).toBe(body);
    expect(delivery!.contentType).toBe('text/plain; charset=utf-8');
  });

  it('answers 404 problem+json for an unknown topic and publishes nothing', async () => {
    // A queue of our own on the topic's exchange sees everything that reaches the broker.
    const watch = `${stack.names.queue}.watch`;
    await stack.broker.queueDeclare({ queue: watch, exclusive: true });
    await stack.broker.queueBind({ queue: watch, exchange: stack.names.exchange, routingKey: '#' });
    try {
      const response = await publish('{"a":1}', 'application/json', `t.${randomUUID()}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as { status: number; code: string };
      expect(problem).toMatchObject({ status: 404, code: 'UNKNOWN_TOPIC' });

      // The same check with a known topic counts 1, so 0 above means nothing was published.
      expect((await publish('{"a":2}', 'application/json')).status).toBe(202);
      await expect.poll(async () => (await stack.broker.queueDeclare({ queue: watch, passive: true })).messageCount).toBe(1);
      const [only] = [await stack.broker.basicGet({ queue: watch, noAck: true })];
      expect(only?.body).toEqual({ a: 2 });
    } finally {
      await stack.broker.queueDelete({ queue: watch });
    }
  });

  // Last: it stops the stack (afterAll's stop() then only cleans up the broker objects).
  it('SIGTERM drains the gateway and the consumer, which exit 0', async () => {
    const [gatewayCode, consumerCode] = await Promise.all([stack.gateway.stop('SIGTERM'), stack.consumer.stop('SIGTERM')]);
    expect({ gatewayCode, consumerCode }).toEqual({ gatewayCode: 0, consumerCode: 0 });
  });
});
