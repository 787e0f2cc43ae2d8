// Starts `target/release/streamgate serve` once for all browser tests and stops it (SIGTERM)
// afterwards. Tests find it through the SG_* environment variables set here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeAstro } from './fake-astro';

const repo = path.resolve(__dirname, '..');
const binary = path.join(repo, 'target', 'release', 'streamgate');
// The account's first owner, created with the CLI before the server starts.
const owner = { email: 'owner@e2e.test', password: 'owner-e2e-password' };

/** A port nothing listens on now (the tests start servers on such ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`streamgate exited early (${server.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`streamgate did not answer ${url} within 30 s`);
}

/** The environment for `streamgate serve` on `dataDir` at the two local ports. */
export function serveEnv(dataDir: string, appPort: number, hlsPort: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    STREAMGATE_DATA_DIR: dataDir,
    STREAMGATE_APP_ADDR: `127.0.0.1:${appPort}`,
    STREAMGATE_HLS_ADDR: `127.0.0.1:${hlsPort}`,
  };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamgate-e2e-'));
  const [appPort, hlsPort] = [await freePort(), await freePort()];
  const logDir = path.join(__dirname, 'test-results');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, 'server.log'));

  execFileSync(binary, ['admin', 'create', '--email', owner.email, '--password', owner.password], {
    env: { ...process.env, STREAMGATE_DATA_DIR: dataDir, RUST_LOG: 'warn' },
  });

  // The tip workers talk to a fake StreamElements gateway, which the tests drive.
  const astro = await startFakeAstro();

  // Started from the temporary directory on purpose: the built binary must find its site
  // assets from any working directory.
  const server = spawn(binary, ['serve'], {
    cwd: dataDir,
    env: {
      ...serveEnv(dataDir, appPort, hlsPort),
      // Every test validates codes from 127.0.0.1; the limit itself is tested in Rust.
      STREAMGATE_VALIDATE_RATE_LIMIT: '1000',
      STREAMGATE_SE_ASTRO_URL: astro.url,
      RUST_LOG: process.env.RUST_LOG ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);

  process.env.SG_APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.SG_HLS_URL = `http://127.0.0.1:${hlsPort}`;
  process.env.SG_DATA_DIR = dataDir;
  process.env.SG_BINARY = binary;
  process.env.SG_ASTRO_CONTROL = astro.control;
  process.env.SG_OWNER_EMAIL = owner.email;
  process.env.SG_OWNER_PASSWORD = owner.password;
  await waitForHealth(`${process.env.SG_APP_URL}/api/v1/health`, server);

  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
    await astro.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
