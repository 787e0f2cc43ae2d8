// The organizer's event pages in the browser: creating an event (with an inline validation
// error), generating codes, the CSV download, revoking, the stat cards, the ticket sheet, a
// viewer's read-only view, and deleting the event by typing its title.
import { readFile } from 'node:fs/promises';
import { expect, hydrated, owner, signIn, test } from './fixtures';

test('an owner runs an event; a viewer only reads it', async ({ page }) => {
  test.setTimeout(120_000);
  const title = 'E2E Launch Night';
  const viewer = { email: 'viewer-events@e2e.test', password: 'viewer-e2e-password' };

  await signIn(page, owner.email, owner.password);
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Events' }).click();
  await expect(page).toHaveURL(/\/admin\/events$/);
  await hydrated(page);

  // The domain's message shows next to the field it names.
  const form = page.getByRole('region', { name: 'New event' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Starts (UTC)').fill('2031-06-01T18:00');
  await form.getByLabel('Ends (UTC)').fill('2031-06-01T17:00');
  await form.getByRole('button', { name: 'Create event' }).click();
  await expect(page.locator('#new-event-ends-error')).toHaveText('endsAt must be after startsAt');
  await expect(form.getByLabel('Ends (UTC)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#new-event-title-error')).toHaveCount(0);

  await form.getByLabel('Ends (UTC)').fill('2031-06-01T20:00');
  await form.getByRole('button', { name: 'Create event' }).click();
  await expect(page).toHaveURL(/\/admin\/events\/[0-9a-f-]{36}$/);
  const eventUrl = page.url();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('event-status')).toHaveText('Active');
  await expect(page.getByText('No codes match.')).toBeVisible();

  // Generate 50 codes through the dialog.
  await page.getByRole('button', { name: 'Generate codes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate access codes' });
  await dialog.getByLabel('How many (1–500)').fill('50');
  await dialog.getByLabel('Label (optional)').fill('E2E batch');
  await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(dialog.getByTestId('generate-result')).toHaveText('Generated 50 codes.');
  await expect(page.getByTestId('codes-total')).toHaveText('1–50 of 50');
  const rows = page.getByTestId('codes').locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // The CSV download: a header and one row per code.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const download = await downloading;
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe('code,label,status,createdAt,expiresAt');
  expect(lines).toHaveLength(51);
  expect(lines.slice(1).every((line) => /^[A-Za-z0-9]{12},E2E batch,unused,/.test(line))).toBe(true);

  // Revoke one code; its status changes in the table.
  const code = (await rows.first().getAttribute('data-code'))!;
  const row = page.locator(`tr[data-code="${code}"]`);
  await expect(row.locator('.code-status')).toHaveText('unused');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row.locator('.code-status')).toHaveText('revoked');
  await expect(row.getByRole('button', { name: 'Unrevoke' })).toBeVisible();

  // Each code's QR image is an SVG drawn by the server.
  const qrSrc = (await row.locator('details.qr img').getAttribute('src'))!;
  const qr = await page.request.get(qrSrc);
  expect(qr.status()).toBe(200);
  expect(qr.headers()['content-type']).toBe('image/svg+xml');
  expect(await qr.text()).toContain('<svg');

  // Bulk revoke two more, then filter by status.
  await page.getByLabel(`Select ${await rows.nth(1).getAttribute('data-code')}`).check();
  await page.getByLabel(`Select ${await rows.nth(2).getAttribute('data-code')}`).check();
  await page.getByRole('button', { name: 'Revoke selected (2)' }).click();
  await expect(page.getByText('Revoked 2 codes.')).toBeVisible();
  await expect(rows.locator('.code-status', { hasText: 'revoked' })).toHaveCount(3);
  await page.getByLabel('Status').selectOption('revoked');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('codes-total')).toHaveText('1–3 of 3');
  await expect(rows).toHaveCount(3);

  // The printable sheet holds the unused codes.
  await page.goto(`${eventUrl}/tickets`);
  await expect(page.getByRole('heading', { name: 'Printable tickets' })).toBeVisible();
  await expect(page.getByTestId('tickets').locator('article')).toHaveCount(47);
  await expect(page.getByTestId('tickets').locator('article').first()).toContainText(title);

  // The overview counts it all.
  await page.goto('/admin');
  await expect(page.getByTestId('stat-events').locator('dd')).toHaveText('1');
  await expect(page.getByTestId('stat-active-events').locator('dd')).toHaveText('1');
  await expect(page.getByTestId('stat-codes').locator('dd')).toHaveText('50');
  await expect(page.getByTestId('stat-redeemed').locator('dd')).toHaveText('0');
  await expect(page.getByTestId('stat-viewers').locator('dd')).toHaveText('0');

  // A viewer joins the team…
  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(viewer.email);
  await page.getByLabel('Initial password').fill(viewer.password);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.locator(`tr[data-email="${viewer.email}"]`)).toContainText('Active');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);

  // …and sees the event read-only.
  await signIn(page, viewer.email, viewer.password);
  await page.goto(eventUrl);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('codes-total')).toHaveText('1–50 of 50');
  await expect(page.getByRole('button', { name: 'Generate codes' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Revoke selected/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Deactivate' })).toHaveCount(0);
  await expect(page.getByText('Edit event')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete event' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // The owner deletes the event after typing its title (the other specs expect no events).
  await signIn(page, owner.email, owner.password);
  await page.goto(eventUrl);
  await hydrated(page);
  const deleteButton = page.getByRole('button', { name: 'Delete event' });
  await expect(deleteButton).toBeDisabled();
  await page.getByLabel('Type the event title to confirm').fill('E2E Launch');
  await expect(deleteButton).toBeDisabled();
  await page.getByLabel('Type the event title to confirm').fill(title);
  await expect(deleteButton).toBeEnabled();
  await deleteButton.click();
  await expect(page).toHaveURL(/\/admin\/events$/);
  await expect(page.getByText('No events match.')).toBeVisible();
  await page.goto('/admin');
  await expect(page.getByText('No events yet.')).toBeVisible();
  await expect(page.getByTestId('stat-codes').locator('dd')).toHaveText('0');
});
