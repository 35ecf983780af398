// The operator console in a real browser, against the real consumer process and sample app:
// messages parked by real deliveries are found by their failure group, opened, replayed (the app
// then receives them), purged after a confirmation that names the count; a wrong token gets nothing.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from '../helpers/browser.ts';
import { startApp, type AppProcess } from '../helpers/processes.ts';
import { clearControl, consumerConfig, control, publish, receivedBy, useConsumerTest } from '../consumer/support.ts';

const { conn, names } = useConsumerTest();
const path = `/console/${randomUUID()}`;
const token = randomUUID();
let sample: AppProcess;
let consumer: AppProcess;
let browser: Browser;

beforeAll(async () => {
  sample = await startApp('sample-app', { env: { SAMPLE_QUIET: '1' } });
  const auth = { tokens: [{ name: 'ops', env: 'OPS_TOKEN', admin: true }] };
  consumer = await startApp('consumer', { config: consumerConfig(names, { url: `${sample.url}${path}` }, { auth }), env: { OPS_TOKEN: token } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

const parkedCount = async (): Promise<number> => {
  const response = await fetch(`${consumer.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
  const status = (await response.json()) as { subscriptions: Array<{ name: string; parked: number }> };
  return status.subscriptions.find((s) => s.name === names.subscription)!.parked;
};

/** Parks each id through a real delivery that the sample app answers with `status`. */
async function park(ids: string[], status: number): Promise<void> {
  const before = await parkedCount();
  for (const id of ids) {
    await control(sample, { ceId: id, status });
    await publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: id, contentType: 'application/json' }, JSON.stringify({ orderId: id, total: 9.99 }));
  }
  await expect.poll(parkedCount, { timeout: 20_000 }).toBe(before + ids.length);
}

/** Errors the pages logged (a CSP violation, a script error): none may happen. */
const pageErrors: string[] = [];

async function logIn(secret: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The wrong-token test's 401 is logged by Chromium as a failed resource; that one is expected.
    if (message.type() === 'error' && !message.text().includes('401')) pageErrors.push(`${message.text()} ${message.location().url}`);
  });
  await page.goto(`${consumer.url}/console`);
  await page.getByLabel('Admin token').fill(secret);
  await page.getByRole('button', { name: 'Log in' }).click();
  return page;
}

describe('operator console', () => {
  const unprocessable = [randomUUID(), randomUUID(), randomUUID()];
  const badRequest = [randomUUID(), randomUUID()];

  it('finds a parked message by its failure group, shows why, and replays it to the app', async () => {
    await park(unprocessable, 422);
    await park(badRequest, 400);
    const page = await logIn(token);
    const row = page.locator(`tr[data-subscription="${names.subscription}"]`);
    await expect.poll(() => row.locator('[data-field=parked]').textContent()).toBe('5');
    await row.getByRole('link', { name: names.subscription }).click();

    await page.locator('tr[data-reason="HTTP 422"]').getByRole('link', { name: 'HTTP 422' }).click();
    await expect.poll(() => page.locator('tbody tr[data-id]').count()).toBe(3);
    const chosen = unprocessable[1]!;
    await page.getByRole('link', { name: chosen }).click();
    await expect.poll(() => page.locator('[data-field=last-error]').textContent()).toContain('HTTP 422');
    expect(await page.locator('[data-field=body]').textContent()).toBe(JSON.stringify({ orderId: chosen, total: 9.99 }, null, 2));
    expect(page.url()).toContain(`/console/s/${names.subscription}/m/${chosen}`);

    await clearControl(sample); // the app accepts it now
    await page.getByRole('button', { name: 'Replay this message' }).click();
    await expect.poll(() => page.locator('[data-outcome=replay]').textContent()).toContain('Replayed 1 message');
    await expect.poll(async () => (await receivedBy(sample, path)).filter((r) => r.headers['ce-id'] === chosen && r.status === 200).length, { timeout: 15_000 }).toBe(1);
    expect(await parkedCount()).toBe(4);
    await page.close();
  });

  it('replays a whole failure group and the selected messages, saying what happened to each', async () => {
    const page = await logIn(token);
    await page.goto(`${consumer.url}/console/s/${names.subscription}?reason=${encodeURIComponent('HTTP 400')}`);
    await page.getByRole('button', { name: /Replay group “HTTP 400” \(2 messages\)/ }).click();
    await expect.poll(() => page.locator('[data-outcome=replay]').textContent()).toContain('Replayed 2 messages');
    for (const id of badRequest) {
      await expect.poll(async () => (await receivedBy(sample, path)).some((r) => r.headers['ce-id'] === id && r.status === 200), { timeout: 15_000 }).toBe(true);
    }
    await page.getByRole('link', { name: 'All reasons' }).click();
    await expect.poll(() => page.locator('tbody tr[data-id]').count()).toBe(2);
    await page.getByLabel(`Select ${unprocessable[0]}`).check();
    await page.getByLabel(`Select ${unprocessable[2]}`).check();
    // Someone else replays one of them first: the outcome must say it was not parked any more.
    const other = await fetch(`${consumer.url}/v1/subscriptions/${names.subscription}/dead-letters/${unprocessable[2]}/replay`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(other.status).toBe(200);
    await page.getByRole('button', { name: 'Replay selected' }).click();
    const outcome = page.locator('[data-outcome=replay]');
    await expect.poll(() => outcome.textContent()).toContain('Replayed 1 message');
    expect(await outcome.textContent()).toContain(`Not parked (any more): ${unprocessable[2]}`);
    await expect.poll(() => page.locator('tbody tr[data-id]').count()).toBe(0); // the list read the queue again
    await page.close();
  });

  it('shows new parked messages live, and purges only after a confirmation that names the count', async () => {
    const page = await logIn(token);
    const parkedCell = page.locator(`tr[data-subscription="${names.subscription}"] [data-field=parked]`);
    await expect.poll(() => parkedCell.textContent()).toBe('0');
    await park([randomUUID(), randomUUID(), randomUUID()], 410);
    await expect.poll(() => parkedCell.textContent(), { timeout: 10_000 }).toBe('3'); // the table refreshes itself
    await page.getByRole('link', { name: names.subscription }).click();
    await page.getByRole('button', { name: 'Purge…' }).click();
    const confirm = page.locator('[data-outcome=purge-confirm]');
    await expect.poll(() => confirm.textContent()).toContain('Purge 3 parked messages');
    await page.getByLabel('Type 3 to confirm').fill('2');
    await page.getByRole('button', { name: 'Purge 3' }).click();
    await expect.poll(() => page.locator('#outcome').textContent()).toContain('nothing was purged');
    expect(await parkedCount()).toBe(3);

    await page.getByRole('button', { name: 'Purge…' }).click();
    await page.getByLabel('Type 3 to confirm').fill('3');
    await page.getByRole('button', { name: 'Purge 3' }).click();
    await expect.poll(() => page.locator('[data-outcome=purge]').textContent()).toContain('Purged 3 messages');
    expect(await parkedCount()).toBe(0);
    await page.close();
  });

  it('can be used by keyboard alone', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${consumer.url}/console`);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('token'); // focused on load
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name: names.subscription });
    await link.waitFor();
    for (let tab = 0; tab < 10 && !(await link.evaluate((el) => el === el.ownerDocument.activeElement)); tab++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Parked messages of ${names.subscription}` }).waitFor();
    await page.close();
  });

  it('serves loopback clients without a token when no tokens are configured, like the admin API', async () => {
    const open = await startApp('consumer', { config: consumerConfig({ ...names, subscription: 'loopback' }, { url: `${sample.url}${path}` }) });
    const page = await browser.context.newPage();
    await page.goto(`${open.url}/console`);
    await page.getByRole('button', { name: 'Log in' }).click(); // an empty token field
    await page.locator('tr[data-subscription="loopback"]').waitFor();
    await page.close();
    await open.stop();
  });

  it('rejects a wrong token: the login form says so and no data is shown', async () => {
    const page = await logIn('not-the-token');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('refused (401)');
    expect(await page.locator('#app').isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('mq-console-token'))).toBeNull();
    const fragment = await fetch(`${consumer.url}/console/ui/s/${names.subscription}`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(fragment.status).toBe(401);
    expect(await fragment.text()).not.toContain('data-id');
    await page.close();
  });
});
