import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { startRabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { isAlive, reapStaleNodes } from '../../scripts/lib/rabbit-reaper.ts';

// A crashed test run leaves nodes behind; the next start kills those whose owner is gone.
describe('reaping orphaned private nodes', () => {
  it('reaps a node whose owner process died, and only that one', async () => {
    const [orphan, owned] = await Promise.all([startRabbitNode(), startRabbitNode()]);
    try {
      const beam = Number(readFileSync(join(orphan.dir, 'rabbit.pid'), 'utf8'));
      const deadPid = spawnSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(orphan.dir, 'owner.pid'), deadPid);
      await reapStaleNodes(dirname(orphan.dir));
      expect(existsSync(orphan.dir)).toBe(false);
      await expect.poll(() => isAlive(beam)).toBe(false);
      expect(existsSync(owned.dir)).toBe(true);
      expect(await owned.ctl(['eval', 'ok.'])).toContain('ok');
    } finally {
      await Promise.all([orphan.dispose(), owned.dispose()]);
    }
  });
});
