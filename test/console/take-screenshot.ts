// Takes the console screenshots in apps/consumer/docs/ (`node test/console/take-screenshot.ts`
// after the build): a real consumer and sample app, a few messages parked by real deliveries.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../helpers/browser.ts';
import { startApp, stopAllApps } from '../helpers/processes.ts';
import { consumerConfig, control, deleteAll, publish, rawConnection, uniqueNames } from '../consumer/support.ts';
import { waitUntil } from '../../scripts/lib/wait.ts';

const docs = fileURLToPath(new URL('../../apps/consumer/docs/', import.meta.url));
const names = uniqueNames();
const conn = rawConnection();
const token = randomUUID();
const sample = await startApp('sample-app', { env: { SAMPLE_QUIET: '1' } });
const consumer = await startApp('consumer', {
  config: consumerConfig(names, { url: `${sample.url}/orders` }, { auth: { tokens: [{ name: 'ops', env: 'OPS_TOKEN', admin: true }] } }),
  env: { OPS_TOKEN: token },
});
const browser = await launchBrowser();
try {
  const parked = [
    ...Array.from({ length: 7 }, (_, i) => ({ status: 422, body: { orderId: 4100 + i, total: -1 } })),
    ...Array.from({ length: 3 }, (_, i) => ({ status: 400, body: { orderId: 4200 + i } })),
    { status: 410, body: { orderId: 4300, total: 12.5 } },
  ];
  for (const { status, body } of parked) {
    const id = randomUUID();
    await control(sample, { ceId: id, status });
    await publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: id, contentType: 'application/json' }, JSON.stringify(body));
  }
  const headers = { authorization: `Bearer ${token}` };
  await waitUntil(async () => {
    const status = (await (await fetch(`${consumer.url}/v1/status`, { headers })).json()) as { subscriptions: Array<{ parked: number }> };
    return status.subscriptions[0]?.parked === parked.length;
  }, 30_000, 'parked messages');

  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`${consumer.url}/console`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator(`tr[data-subscription="${names.subscription}"]`).waitFor();
  await page.screenshot({ path: `${docs}console-subscriptions.png`, clip: { x: 0, y: 0, width: 1280, height: 260 } });
  await page.getByRole('link', { name: names.subscription }).click();
  await page.locator('tr[data-reason="HTTP 422"]').getByRole('link').click();
  await page.getByText('Reason: HTTP 422').waitFor();
  await page.getByLabel(/^Select /).nth(1).check();
  await page.screenshot({ path: `${docs}console-parked.png` });
  await page.locator('tbody tr[data-id] a').first().click();
  await page.locator('[data-field=body]').waitFor();
  await page.screenshot({ path: `${docs}console-message.png` });
} finally {
  await browser.close();
  await stopAllApps();
  await deleteAll(conn, names);
  await conn.close();
}
