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
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
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
