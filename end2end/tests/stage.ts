// What the viewer tests set up: events and codes through seed 002's admin API (signed in as
// the account's owner), the committed fixture stream in an event's directory, and a fake live
// encoder that keeps a sliding-window live playlist going from the fixture's segments.
import { request, type APIRequestContext } from '@playwright/test';
import { copyFileSync, cpSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const fixture = path.resolve(__dirname, '..', '..', 'fixtures', 'stream');
const variants = ['180p', '360p'];

export type Code = { id: string; code: string };

/** An API client signed in as the account's owner. */
export async function organizer(): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: process.env.SG_APP_URL });
  const login = await api.post('/api/admin/login', {
    data: { email: process.env.SG_OWNER_EMAIL, password: process.env.SG_OWNER_PASSWORD },
  });
  if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);
  return api;
}

/** An event starting `startsIn` seconds from now (negative: already started), two hours long. */
export async function createEvent(api: APIRequestContext, title: string, startsIn: number): Promise<string> {
  const startsAt = new Date(Date.now() + startsIn * 1000);
  const endsAt = new Date(startsAt.getTime() + 2 * 3600 * 1000);
  const created = await api.post('/api/admin/events', {
    data: {
      title,
      description: 'A test stream for the browser tests',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    },
  });
  if (created.status() !== 201) throw new Error(`event not created: ${await created.text()}`);
  return (await created.json()).id;
}

export async function mintCodes(api: APIRequestContext, eventId: string, count: number): Promise<Code[]> {
  const minted = await api.post(`/api/admin/events/${eventId}/tokens`, { data: { count } });
  if (minted.status() !== 201) throw new Error(`codes not minted: ${await minted.text()}`);
  return (await minted.json()).tokens.map((token: Code) => ({ id: token.id, code: token.code }));
}

export async function deleteEvent(api: APIRequestContext, eventId: string): Promise<void> {
  await api.delete(`/api/admin/events/${eventId}`);
}

function eventDir(eventId: string): string {
  return path.join(process.env.SG_DATA_DIR!, 'streams', eventId);
}

/** The fixture as it is: a six-second stream with an end (VOD). */
export function installRecording(eventId: string): void {
  cpSync(fixture, eventDir(eventId), { recursive: true });
}

/**
 * A live stream, as an encoder writes one: every two seconds a new segment (the fixture's three
 * in a loop, a discontinuity where it starts over) and a playlist of the last four, replaced
 * atomically. Returns the function that stops it.
 */
export function startLiveStream(eventId: string): () => void {
  const dir = eventDir(eventId);
  for (const variant of variants) mkdirSync(path.join(dir, variant), { recursive: true });
  copyFileSync(path.join(fixture, 'stream.m3u8'), path.join(dir, 'stream.m3u8'));
  let next = 0;
  const window = 4;
  const tick = () => {
    for (const variant of variants) {
      copyFileSync(path.join(fixture, variant, `seg${next % 3}.ts`), path.join(dir, variant, `live${next}.ts`));
    }
    const first = Math.max(0, next - window + 1);
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
      `#EXT-X-DISCONTINUITY-SEQUENCE:${first === 0 ? 0 : Math.floor((first - 1) / 3)}`,
    ];
    for (let n = first; n <= next; n++) {
      if (n > 0 && n % 3 === 0) lines.push('#EXT-X-DISCONTINUITY');
      lines.push('#EXTINF:2.000000,', `live${n}.ts`);
    }
    for (const variant of variants) {
      const playlist = path.join(dir, variant, 'index.m3u8');
      writeFileSync(`${playlist}.tmp`, lines.join('\n') + '\n');
      renameSync(`${playlist}.tmp`, playlist);
    }
    next += 1;
  };
  // A few segments at once, as if the encoder had been running for a while.
  for (let i = 0; i < 3; i++) tick();
  const timer = setInterval(tick, 2000);
  return () => clearInterval(timer);
}
