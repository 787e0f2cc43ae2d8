// The newcomer's first minute: `streamgate serve --demo` on a fresh data directory logs a viewer
// URL with a ready code, and opening it plays the looping live demo stream.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, serveEnv } from '../global-setup';
import { expect, test } from './fixtures';

test('serve --demo logs a URL that plays at once', async ({ page }) => {
  test.setTimeout(60_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamgate-demo-'));
  const [app, hls] = [await freePort(), await freePort()];
  const server = spawn(process.env.SG_BINARY!, ['serve', '--demo'], {
    cwd: dataDir,
    env: { ...serveEnv(dataDir, app, hls), RUST_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`no demo line in:\n${log}`)), 30_000);
      server.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const found = log.match(/demo: watch at (http:\/\/\S+\?code=[A-Za-z0-9]{12})/);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
    });
    expect(url.startsWith(`http://127.0.0.1:${app}/?code=`)).toBe(true);
    await page.goto(url);
    await expect(page).toHaveURL(/\/watch\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'StreamGate demo' })).toBeVisible();
    await expect(page.getByTestId('player').getByLabel('Live', { exact: true })).toBeVisible();
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 2, null, {
      timeout: 30_000,
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
