// API tokens in the browser: an owner mints one, sees it once with a copy button, the token
// works against /api/v1, the list shows only its prefix, and revoking (after a confirmation)
// makes the API refuse it.
import { request } from '@playwright/test';
import { expect, hydrated, owner, signIn, test } from './fixtures';

test('a token is shown once, works, and stops working once revoked', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, owner.email, owner.password);
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page).toHaveURL(/\/admin\/tokens$/);
  await hydrated(page);

  await page.getByLabel('Name').fill('Box office');
  await page.getByLabel('Role').selectOption('editor');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('minted-token');
  await expect(shown).toContainText("Copy it now: it won't be shown again.");
  const token = (await shown.getByTestId('token-value').textContent())!;
  expect(token).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
  // The button's name changes from "Copy …" to "Copied …" once it has copied.
  const copy = shown.getByRole('button', { name: /token Box office$/ });
  await expect(copy).toHaveText('Copy token Box office');
  await copy.click();
  await expect(copy).toHaveText('Copied token Box office');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const row = page.locator('tr[data-name="Box office"]');
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row).toContainText('account');
  await expect(row).toContainText('editor');
  await expect(row).toContainText('Never');
  await expect(page.getByTestId('tokens')).not.toContainText(token.slice(8));

  const api = await request.newContext({
    baseURL: process.env.SG_APP_URL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  const me = await api.get('/api/v1/auth/me');
  expect(me.status()).toBe(200);
  expect((await me.json()).data.role).toBe('editor');

  // A reload never shows the token again.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('minted-token')).toHaveCount(0);
  await expect(row).not.toContainText('Never');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoke Box office? Apps using it stop working at once.');
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByRole('button', { name: 'Yes, revoke' })).toHaveCount(0);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row).toHaveCount(0);

  const refused = await api.get('/api/v1/auth/me');
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({
    statusCode: 401,
    message: 'Invalid or revoked API token',
    error: 'Unauthorized',
  });
  await api.dispose();
});
