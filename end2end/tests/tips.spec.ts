// StreamElements tips in the browser, against the fake Astro gateway global-setup.ts starts:
// an owner stores an SE token on the "SE tokens" page and sees it subscribe, the "Tips" page
// shows a tip the gateway sends without a reload (with today's total), and a viewer of a live
// event with tip alerts on sees the tip over the playing player.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, hydrated, owner, signIn, test } from './fixtures';
import { createEvent, deleteEvent, mintCodes, organizer, startLiveStream } from './stage';

const control = process.env.SG_ASTRO_CONTROL!;
const channel = 'e2e-channel';
let api: APIRequestContext;
const events: string[] = [];
const encoders: (() => void)[] = [];

/** A JWT with StreamElements' `channel` claim (the fake checks nothing else). */
function seJwt(room: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ channel: room, role: 'owner' })}.c2lnbmF0dXJl`;
}

/** Makes the fake gateway send a `channel.tips` message as StreamElements documents it. */
async function sendTip(id: string, username: string, amount: number, message: string): Promise<void> {
  const now = new Date().toISOString();
  const data = {
    donation: { user: { username, geo: 'ZZ' }, message, amount, currency: 'EUR', paymentMethod: 'scheme' },
    _id: id, channel, provider: 'paypal', approved: 'allowed', status: 'success',
    createdAt: now, updatedAt: now,
  };
  const sent = await fetch(`${control}/tip`, { method: 'POST', body: JSON.stringify({ room: channel, data }) });
  expect(sent.status).toBe(204);
}

async function subscribedRooms(): Promise<string[]> {
  return (await fetch(`${control}/rooms`)).json();
}

test.beforeAll(async () => {
  api = await organizer();
});

test.afterAll(async () => {
  encoders.forEach((stop) => stop());
  for (const id of events) await deleteEvent(api, id);
  const tokens = await (await api.get('/api/v1/se-tokens')).json();
  for (const token of tokens.data ?? []) await api.delete(`/api/v1/se-tokens/${token.id}`);
  await api.dispose();
});

async function openPage(page: Page, link: string, url: RegExp) {
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: link }).click();
  await expect(page).toHaveURL(url);
  await hydrated(page);
}

test('an SE token subscribes, and tips appear live on the Tips page and over the player', async ({ page, browser }) => {
  await signIn(page, owner.email, owner.password);
  await openPage(page, 'SE tokens', /\/admin\/se-tokens$/);
  await expect(page.getByTestId('no-se-tokens')).toBeVisible();
  const jwt = seJwt(channel);
  await page.getByLabel('Platform').selectOption('twitch');
  await page.getByLabel('JWT token').fill(jwt);
  await page.getByLabel('Label (optional)').fill('Main channel');
  await page.getByRole('button', { name: 'Save token' }).click();
  const row = page.locator('tr[data-platform="twitch"]');
  await expect(row).toContainText(`${jwt.slice(0, 4)}***${jwt.slice(-4)}`);
  await expect(row).toContainText('Main channel');
  await expect(page.getByTestId('se-tokens')).not.toContainText(jwt);
  // The page looks again while the worker connects.
  await expect(row.getByTestId('se-status')).toHaveText('subscribed', { timeout: 15_000 });
  expect(await subscribedRooms()).toContain(channel);

  await openPage(page, 'Tips', /\/admin\/tips$/);
  await expect(page.getByTestId('no-tips')).toBeVisible();
  await sendTip('e2e-tip-1', 'Ada', 4.2, 'Great show!');
  const tips = page.getByTestId('tips');
  await expect(tips).toContainText('Ada', { timeout: 10_000 });
  await expect(tips).toContainText('4.20 EUR');
  await expect(tips).toContainText('Great show!');
  await expect(page.getByTestId('tip-totals')).toContainText('4.20 EUR · 1 tips');
  await sendTip('e2e-tip-2', 'Grace', 10, '');
  await expect(tips).toContainText('Grace', { timeout: 10_000 });
  await expect(page.getByTestId('tip-totals')).toContainText('14.20 EUR · 2 tips');

  // A viewer of a live event with tip alerts on sees the next tip over the player.
  const id = await createEvent(api, 'Tipped live show', -60);
  events.push(id);
  const updated = await api.put(`/api/admin/events/${id}`, { data: { tipAlerts: true } });
  expect((await updated.json()).tipAlerts).toBe(true);
  encoders.push(startLiveStream(id));
  const [code] = await mintCodes(api, id, 1);
  const viewer = await browser.newPage({ baseURL: process.env.SG_APP_URL });
  await viewer.goto(`/?code=${code.code}`);
  await expect(viewer.locator('[data-testid="watch"]')).toHaveAttribute('data-screen', 'playing', { timeout: 15_000 });
  await viewer.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5);
  // The overlay's stream opens with the player; a tip sent while it is open shows.
  await expect
    .poll(async () => {
      await sendTip(`e2e-alert-${Date.now()}`, 'Linus', 5, 'Hello from the chat');
      return viewer.getByTestId('tip-alert').count();
    }, { timeout: 15_000, intervals: [1_000] })
    .toBeGreaterThan(0);
  const alert = viewer.getByTestId('tip-alert');
  await expect(alert).toContainText('Linus tipped 5.00 EUR');
  await expect(alert).toContainText('Hello from the chat');
  expect(await viewer.evaluate(() => !document.querySelector('video')!.paused)).toBe(true);
  await viewer.close();
});
