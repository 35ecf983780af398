import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
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
