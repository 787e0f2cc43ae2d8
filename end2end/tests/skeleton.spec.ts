// The walking skeleton, end to end: server-rendered pages that hydrate, a server-function
// round trip to the database, and the health endpoints.
import { execFileSync } from 'node:child_process';
import { expect, hydrated, owner, signIn, test } from './fixtures';

test('the code entry page renders on the server and becomes interactive', async ({ page }) => {
  await page.goto('/');
  const hint = page.locator('#code-hint');
  // Server-rendered text, present before any wasm runs.
  await expect(page.getByRole('heading', { name: 'Watch the live stream' })).toBeVisible();
  await expect(hint).toHaveText('12 letters and digits, as printed on your ticket.');

  await hydrated(page);
  // Only hydrated code updates the hint as the viewer types.
  const input = page.getByLabel('Access code');
  await input.pressSequentially('Ab3-kF');
  await expect(hint).toHaveText('5 of 12 characters');
  await input.fill('Ab3kF9mNx2Qp');
  await expect(hint).toHaveText('Ready to watch.');
});

test('a QR link pre-fills the code', async ({ page }) => {
  await page.goto('/?code=Ab3kF9mNx2Qp');
  await expect(page.getByLabel('Access code')).toHaveValue('Ab3kF9mNx2Qp');
  await expect(page.locator('#code-hint')).toHaveText('Ready to watch.');
});

test('the dashboard fetches events through a server function', async ({ page }) => {
  await signIn(page, owner.email, owner.password);
  await expect(page.getByText('No events yet.')).toBeVisible();
  await hydrated(page);

  // Another process (the CLI) writes an event; the page only sees it by asking the server.
  execFileSync(process.env.SG_BINARY!, [
    'event', 'create', '--title', 'Browser Test Keynote',
    '--starts-at', '2031-05-01T18:00:00Z', '--ends-at', '2031-05-01T20:00:00Z',
  ], { env: { ...process.env, STREAMGATE_DATA_DIR: process.env.SG_DATA_DIR!, RUST_LOG: 'warn' } });

  const call = page.waitForResponse((r) => r.url().includes('/_rpc/events/list'));
  await page.getByRole('button', { name: 'Refresh' }).click();
  expect((await call).status()).toBe(200);
  const row = page.getByRole('row', { name: /Browser Test Keynote/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('2031-05-01T18:00:00.000Z');
  await expect(page.getByText('No events yet.')).toHaveCount(0);
});

test('health endpoints answer on both listeners', async ({ request }) => {
  const app = await request.get('/api/v1/health');
  expect(app.status()).toBe(200);
  const body = await app.json();
  expect(body).toMatchObject({ status: 'ok', up: true });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(Number.isInteger(body.uptimeSeconds)).toBe(true);
  expect(new Date(body.ts).toISOString()).toBe(body.ts);

  const hls = await request.get(`${process.env.SG_HLS_URL}/health`);
  expect(hls.status()).toBe(200);
  const health = await hls.json();
  expect(health).toMatchObject({ status: 'ok', mode: 'hybrid', role: 'app' });
  // The tests share one server: other tests' revocations may be in the cache.
  expect(Number.isInteger(health.revocationCacheSize)).toBe(true);
  expect(health.lastSyncAgoSeconds).toBeLessThan(60);
});
