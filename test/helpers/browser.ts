// A real browser for the console's tests: Playwright (playwright-core, no bundled browsers)
// driving Debian's chromium, installed by the test set-up when missing, with a fresh profile
// per launch and everything that would reach the internet switched off.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureChromium } from '../../scripts/lib/services.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a new `--user-data-dir` (Playwright passes it for a persistent context). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = ensureChromium((line) => console.log(`[browser] ${line}`));
  const profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, timeout: 60_000 });
  context.setDefaultTimeout(15_000);
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
