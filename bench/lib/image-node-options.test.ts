import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageNodeOptions, nodeOptionsOf } from './image-node-options.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('image NODE_OPTIONS', () => {
  it('reads the ENV line, quoted or not', () => {
    expect(nodeOptionsOf('FROM x\nENV NODE_OPTIONS=--max-semi-space-size=16\nUSER node\n')).toBe('--max-semi-space-size=16');
    expect(nodeOptionsOf('ENV NODE_OPTIONS="--a=1 --b=2"\n')).toBe('--a=1 --b=2');
    expect(() => nodeOptionsOf('ENV NODE_ENV=production\n')).toThrow('no `ENV NODE_OPTIONS=...` line');
  });

  it('reads each app\'s own image: the consumer\'s caps its old generation', () => {
    expect(imageNodeOptions(root, 'consumer')).toMatch(/^--max-semi-space-size=16 --max-old-space-size=\d+$/);
    expect(imageNodeOptions(root, 'gateway')).toMatch(/^--\S/);
  });
});
