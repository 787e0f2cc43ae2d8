// The embedded player on another site: a page served from a second local origin frames
// `/embed/<id>`; a public event plays inside the frame without a code, and any other event asks
// for the code inside the frame and plays on it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Frame, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createEvent, deleteEvent, mintCodes, organizer, startLiveStream } from './stage';

let api: APIRequestContext;
let host: Server;
let hostUrl: string;
const events: string[] = [];
const encoders: (() => void)[] = [];

test.beforeAll(async () => {
  api = await organizer();
  // The organizer's site: another origin (another port), a page with nothing but the iframe.
  host = createServer((request, response) => {
    const id = new URL(request.url ?? '/', 'http://host').searchParams.get('event') ?? '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!DOCTYPE html><html><head><title>Organizer site</title></head><body>` +
        `<h1>Our stream</h1>` +
        `<iframe src="${process.env.SG_APP_URL}/embed/${id}" width="640" height="360" ` +
        `allow="autoplay; fullscreen"></iframe></body></html>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  // Another port is another origin: the frame is cross-origin to its page.
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  encoders.forEach((stop) => stop());
  for (const id of events) await deleteEvent(api, id);
  await api.dispose();
  await new Promise((resolve) => host.close(resolve));
});

/** A live event (started a minute ago) with a live stream; public when asked. */
async function liveEvent(title: string, publicPlayback: boolean): Promise<string> {
  const id = await createEvent(api, title, -60);
  events.push(id);
  const updated = await api.put(`/api/admin/events/${id}`, { data: { publicPlayback } });
  expect((await updated.json()).publicPlayback).toBe(publicPlayback);
  encoders.push(startLiveStream(id));
  return id;
}

/** The embedded player's frame on the organizer's page, once it has hydrated. */
async function embedFrame(page: Page, id: string): Promise<Frame> {
  const framed = page.waitForResponse((response) => response.url().endsWith(`/embed/${id}`));
  await page.goto(`${hostUrl}/?event=${id}`);
  const response = await framed;
  expect(response.headers()['content-security-policy']).toBe('frame-ancestors *');
  const frame = page.frames().find((f) => f.url().endsWith(`/embed/${id}`));
  if (!frame) throw new Error('the embed frame did not load');
  await expect(frame.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
  return frame;
}

/** Resolves once the frame's video has played past `seconds`. */
async function playsPast(frame: Frame, seconds: number) {
  await frame.waitForFunction(
    (s) => (document.querySelector('video')?.currentTime ?? 0) > s,
    seconds,
    { timeout: 30_000 },
  );
}

test('a public event plays inside an iframe on another origin, without a code', async ({ page }) => {
  test.setTimeout(60_000);
  const id = await liveEvent('E2E Public Embed', true);
  const frame = await embedFrame(page, id);
  await expect(frame.getByTestId('watch')).toHaveAttribute('data-screen', 'playing');
  // The player alone: no title or description around it.
  await expect(frame.getByRole('heading', { name: 'E2E Public Embed' })).toHaveCount(0);
  await playsPast(frame, 2);
});

test('an embedded event that is not public asks for the code in the frame', async ({ page }) => {
  test.setTimeout(60_000);
  const id = await liveEvent('E2E Private Embed', false);
  const [code] = await mintCodes(api, id, 1);
  const frame = await embedFrame(page, id);
  await expect(frame.getByTestId('watch')).toHaveAttribute('data-screen', 'no-code');
  await frame.getByRole('textbox', { name: 'Access code' }).fill(code.code);
  await frame.getByRole('button', { name: 'Watch' }).click();
  await expect(frame.getByTestId('watch')).toHaveAttribute('data-screen', 'playing');
  await playsPast(frame, 2);
});
