// The viewer's way in the browser: a code opens the stream (hls.js from Rust, every request
// carrying the token), refusals in plain words, `/?code=` submitting by itself, one device per
// code (a second one gets in once the first has gone), revocation stopping playback, and the
// countdown switching to the player by itself.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, hydrated, test } from './fixtures';
import {
  createEvent,
  deleteEvent,
  installRecording,
  mintCodes,
  organizer,
  startLiveStream,
} from './stage';

let api: APIRequestContext;
const events: string[] = [];
const encoders: (() => void)[] = [];

test.beforeAll(async () => {
  api = await organizer();
});

test.afterAll(async () => {
  encoders.forEach((stop) => stop());
  // The other specs expect an account without events.
  for (const id of events) await deleteEvent(api, id);
  await api.dispose();
});

/** A live event (started a minute ago) with a live stream and `count` codes. */
async function liveEvent(title: string, count: number) {
  const id = await createEvent(api, title, -60);
  events.push(id);
  encoders.push(startLiveStream(id));
  return { id, codes: await mintCodes(api, id, count) };
}

async function enterCode(page: Page, code: string) {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Access code').fill(code);
  await page.getByRole('button', { name: 'Watch' }).click();
}

/** Resolves once the video has played past `seconds`. */
async function playsPast(page: Page, seconds: number) {
  await page.waitForFunction(
    (s) => (document.querySelector('video')?.currentTime ?? 0) > s,
    seconds,
    { timeout: 30_000 },
  );
}

test('a valid code plays, and every stream request carries the token', async ({ page }) => {
  test.setTimeout(60_000);
  const { id, codes } = await liveEvent('E2E Live Keynote', 1);
  const hls = process.env.SG_HLS_URL!;
  const streamRequests: { url: string; authorization?: string }[] = [];
  page.on('request', async (request) => {
    if (!request.url().startsWith(hls)) return;
    const headers = await request.allHeaders();
    streamRequests.push({ url: request.url(), authorization: headers['authorization'] });
  });

  // Pasted with spaces and dashes: forgiven.
  const spaced = codes[0].code.replace(/(.{4})(.{4})(.{4})/, '$1 $2-$3');
  await enterCode(page, spaced);
  await expect(page).toHaveURL(new RegExp(`/watch/${id}$`));
  await expect(page.getByTestId('watch')).toHaveAttribute('data-screen', 'playing');
  await expect(page.getByRole('heading', { level: 1, name: 'E2E Live Keynote' })).toBeVisible();
  await playsPast(page, 2);

  const segments = streamRequests.filter((r) => r.url.includes('.ts'));
  const playlists = streamRequests.filter((r) => r.url.includes('.m3u8'));
  expect(segments.length).toBeGreaterThan(0);
  expect(playlists.length).toBeGreaterThan(1);
  for (const request of [...segments, ...playlists]) {
    expect(request.authorization, request.url).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  }

  // The controls: live, two qualities, mute by key and by button.
  const player = page.getByTestId('player');
  await expect(player.getByLabel('Live', { exact: true })).toBeVisible();
  await expect(player.getByLabel('Quality').locator('option')).toHaveText(['Auto', '180p', '360p']);
  await player.getByLabel('Quality').selectOption('180p');
  const mute = player.getByRole('button', { name: 'Mute' });
  const wasMuted = await mute.getAttribute('aria-pressed');
  await page.keyboard.press('m');
  await expect(mute).not.toHaveAttribute('aria-pressed', wasMuted!);
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', wasMuted!);
  await page.keyboard.press(' ');
  await expect(player.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(player.getByRole('button', { name: 'Pause' })).toBeVisible();
});

test('refusals read plainly, and /?code= submits by itself', async ({ page }) => {
  await page.goto('/?code=Zz9Zz9Zz9Zz9');
  await expect(page.getByTestId('code-error')).toHaveText(
    "We couldn't find that code. Check it against your ticket and try again.",
  );
  await expect(page.getByLabel('Access code')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Access code').fill('   ');
  await page.getByRole('button', { name: 'Watch' }).click();
  await expect(page.getByTestId('code-error')).toHaveText(
    'Please enter the 12-character code printed on your ticket.',
  );

  // A QR ticket's link opens the stream without a click.
  const { id, codes } = await liveEvent('E2E QR Ticket', 1);
  await page.goto(`/?code=${codes[0].code}`);
  await expect(page).toHaveURL(new RegExp(`/watch/${id}$`));
  await expect(page.getByTestId('watch')).toHaveAttribute('data-screen', 'playing');
  await playsPast(page, 1);
});

test('one device per code: the second gets in once the first has gone', async ({ browser, page }) => {
  test.setTimeout(60_000);
  const { codes } = await liveEvent('E2E One Device', 1);
  await enterCode(page, codes[0].code);
  await playsPast(page, 1);

  const other = await browser.newContext();
  const second = await other.newPage();
  await enterCode(second, codes[0].code);
  await expect(second.getByTestId('code-error')).toHaveText(/in use on another device/);

  // Closing the first tab releases the code at once.
  await page.close({ runBeforeUnload: true });
  await expect(async () => {
    await second.getByRole('button', { name: 'Watch' }).click();
    await expect(second.getByTestId('watch')).toHaveAttribute('data-screen', 'playing', { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await playsPast(second, 1);
  await other.close();
});

test('revoking the code stops playback with the revoked screen', async ({ page }) => {
  test.setTimeout(60_000);
  const { codes } = await liveEvent('E2E Revoked', 1);
  await enterCode(page, codes[0].code);
  await playsPast(page, 1);

  const revoked = await api.patch(`/api/admin/tokens/${codes[0].id}/revoke`);
  expect(revoked.status()).toBe(200);
  await expect(page.getByTestId('end-title')).toHaveText('Access revoked', { timeout: 15_000 });
  await expect(page.getByTestId('video')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Use another code' })).toHaveAttribute('href', '/');
});

test('before the start: a countdown that switches to the player by itself', async ({ page }) => {
  test.setTimeout(60_000);
  const id = await createEvent(api, 'E2E Countdown', 8);
  events.push(id);
  installRecording(id);
  const [code] = await mintCodes(api, id, 1);

  await enterCode(page, code.code);
  await expect(page.getByTestId('watch')).toHaveAttribute('data-screen', 'waiting');
  await expect(page.getByRole('heading', { level: 1, name: 'E2E Countdown' })).toBeVisible();
  await expect(page.getByTestId('countdown')).toHaveText(/^00:0\d$/);
  await expect(page.getByTestId('watch')).toHaveAttribute('data-screen', 'playing', { timeout: 25_000 });
  await playsPast(page, 1);
});
