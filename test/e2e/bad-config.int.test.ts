import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { runAppToExit } from '../helpers/processes.ts';

// A config mistake must stop the process at boot with exit 1 and one line saying what and where.
describe('a subscription bound to an unknown topic', () => {
  const missing = `t.${randomUUID()}`;
  const config = {
    topics: { [`t.${randomUUID()}`]: { exchange: `t.${randomUUID()}` } },
    subscriptions: {
      billing: {
        queue: `t.${randomUUID()}`,
        bind: [{ topic: missing }],
        deliver: { url: 'http://127.0.0.1:9/none' },
      },
    },
  };

  for (const app of ['consumer', 'gateway'] as const) {
    it(`stops the ${app} with exit 1 and one clear line`, async () => {
      const { code, output } = await runAppToExit(app, { config });
      expect(code).toBe(1);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`unknown topic "${missing}"`);
      expect(lines[0]).toContain('subscriptions.billing.bind.0.topic');
    });
  }
});

// deliver.signing: a secret that is unset, not "whsec_" + base64, or shorter than 24 bytes stops
// the consumer before it connects, and the line names the variable, never the secret.
describe('a subscription whose signing secret is bad', () => {
  const config = {
    topics: { orders: { exchange: `t.${randomUUID()}` } },
    subscriptions: {
      billing: {
        queue: `t.${randomUUID()}`,
        bind: [{ topic: 'orders' }],
        deliver: { url: 'http://127.0.0.1:9/none', signing: { env: 'BILLING_SIGNING_SECRET' } },
      },
    },
  };
  const short = `whsec_${randomBytes(16).toString('base64')}`;
  const cases: Array<[string, string | undefined, string]> = [
    ['unset', undefined, 'environment variable BILLING_SIGNING_SECRET is unset'],
    ['not whsec_', 'plain-password-not-a-secret', 'BILLING_SIGNING_SECRET does not start with "whsec_"'],
    ['too short', short, 'BILLING_SIGNING_SECRET holds a 16-byte key; 24 to 64 bytes are needed'],
  ];

  for (const [what, secret, message] of cases) {
    it(`stops the consumer with exit 1 and one clear line (${what})`, async () => {
      const { code, output } = await runAppToExit('consumer', { config, env: { BILLING_SIGNING_SECRET: secret } });
      expect(code).toBe(1);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('subscriptions.billing.deliver.signing.env');
      expect(lines[0]).toContain(message);
      if (secret) expect(lines[0]).not.toContain(secret);
    });
  }
});
