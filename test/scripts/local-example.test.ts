import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfig } from '@mq/config';

// `npm start` runs examples/local/mq.yaml and rewrites "127.0.0.1:3000" when the sample app had
// to move to another port, so the file must stay valid and keep delivering there.
describe('examples/local/mq.yaml', () => {
  const text = readFileSync(new URL('../../examples/local/mq.yaml', import.meta.url), 'utf8');

  it('is a valid config whose first topic is the one the printed curl uses', () => {
    const config = parseConfig(text, 'examples/local/mq.yaml');
    expect(Object.keys(config.topics)[0]).toBe('orders');
    expect(config.subscriptions.sample?.bind).toEqual([{ topic: 'orders', routingKey: 'order.*' }]);
  });

  it('delivers to the sample app at 127.0.0.1:3000', () => {
    const config = parseConfig(text, 'examples/local/mq.yaml');
    expect(config.subscriptions.sample?.deliver).toMatchObject({ url: 'http://127.0.0.1:3000/orders' });
  });

  it('signs the deliveries with the secret npm start generates (scripts/start.ts)', () => {
    const config = parseConfig(text, 'examples/local/mq.yaml');
    expect(config.subscriptions.sample?.deliver).toMatchObject({ signing: { env: ['SAMPLE_SIGNING_SECRET'] } });
  });
});
