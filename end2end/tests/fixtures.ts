// Shared test setup: the server started by global-setup.ts as baseURL, a check that pages
// raise no browser errors, and a wait for hydration.
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ browserErrors: string[] }>({
  baseURL: async ({}, use) => use(process.env.SG_APP_URL),
  // Any uncaught exception or console error (a broken wasm bundle shows up here) fails the test.
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        // A refused call (409, 403, …) to a server function, the viewers' API or the HLS
        // listener is an answer the page shows, and the tests assert what it shows (a 404 play
        // token: the event is not public, so the page asks for a code); Chromium still logs
        // its status as a console error.
        const answered = ['/_rpc/', '/api/tokens/validate', '/api/playback/', '/streams/', '/play-token'];
        const refusedCall =
          msg.text().startsWith('Failed to load resource') &&
          answered.some((part) => msg.location().url.includes(part));
        if (!refusedCall) errors.push(`console: ${msg.text()}`);
      });
      await use(errors);
      expect(errors, 'browser errors').toEqual([]);
    },
    { auto: true },
  ],
});

/** Resolves once the wasm bundle has loaded and hydrated the page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
}

export { expect };

export const owner = {
  email: process.env.SG_OWNER_EMAIL!,
  password: process.env.SG_OWNER_PASSWORD!,
};

/** Signs in through the login form and waits for the dashboard. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}
