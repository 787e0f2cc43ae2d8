// Organizer sign-in and team management in the browser: the login form (also without
// JavaScript), the signed-in shell, adding an editor, and the editor being refused the users page.
import { expect, hydrated, owner, signIn, test } from './fixtures';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the login form signs in and shows the dashboard shell', async ({ page }) => {
    await page.goto('/admin/users');
    // Signed-out visitors land on the login page, which remembers where they were going.
    await expect(page).toHaveURL(/\/admin\/login\?next=%2Fadmin%2Fusers$/);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');

    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByTestId('signed-in-as')).toHaveText(`${owner.email} · owner`);
    const nav = page.getByRole('navigation', { name: 'Dashboard' });
    await expect(nav.getByRole('link')).toHaveText(['Events', 'Users', 'API tokens', 'Tips', 'SE tokens', 'Profile']);
    await expect(page.getByTestId('members')).toContainText(owner.email);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/admin\/login$/);
  });
});

test('an owner adds an editor, who may not manage users', async ({ page }) => {
  const editor = { email: 'editor@e2e.test', password: 'editor-e2e-password' };
  await signIn(page, owner.email, owner.password);
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await hydrated(page);

  await page.getByLabel('Email', { exact: true }).fill(editor.email);
  await page.getByLabel('Initial password').fill(editor.password);
  await page.getByLabel('Role', { exact: true }).selectOption('editor');
  await page.getByRole('button', { name: 'Add user' }).click();
  const row = page.locator(`tr[data-email="${editor.email}"]`);
  await expect(row).toContainText('Active');
  await expect(row.getByLabel(`Role of ${editor.email}`)).toHaveValue('editor');

  // A second add with the same email is refused with the reason.
  await page.getByLabel('Email', { exact: true }).fill(editor.email);
  await page.getByLabel('Initial password').fill(editor.password);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('alert')).toHaveText('a user with this email already exists');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);

  await signIn(page, editor.email, editor.password);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`${editor.email} · editor`);
  await expect(
    page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link'),
  ).toHaveText(['Events', 'Tips', 'Profile']);
  await page.goto('/admin/users');
  await expect(page.getByTestId('forbidden')).toContainText(
    "You don't have permission to manage users",
  );
  await expect(page.getByTestId('members')).toHaveCount(0);
  await hydrated(page);

  // Everyone changes their own password; the old sessions end with it.
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Profile' }).click();
  await page.getByLabel('Current password').fill(editor.password);
  await page.getByLabel('New password').fill('editor-new-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed.');
});

test('an owner changes a member role and deactivates them', async ({ page }) => {
  const member = { email: 'helper@e2e.test', password: 'helper-e2e-password' };
  await signIn(page, owner.email, owner.password);
  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(member.email);
  await page.getByLabel('Initial password').fill(member.password);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add user' }).click();

  const row = page.locator(`tr[data-email="${member.email}"]`);
  await expect(row.getByLabel(`Role of ${member.email}`)).toHaveValue('viewer');
  await row.getByLabel(`Role of ${member.email}`).selectOption('administrator');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByLabel(`Role of ${member.email}`)).toHaveValue('administrator');

  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('Deactivated');
  await expect(row.getByRole('button', { name: 'Reactivate' })).toBeVisible();

  // The owner may not step down while they are the only one.
  const ownerRow = page.locator(`tr[data-email="${owner.email}"]`);
  await ownerRow.getByLabel(`Role of ${owner.email}`).selectOption('viewer');
  await ownerRow.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('an account needs at least one active owner');
  // The next action that succeeds clears the message.
  await row.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row).toContainText('Active');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('Deactivated');

  // The change is stored: a reload (server-rendered) shows it.
  await page.reload();
  await expect(row).toContainText('Deactivated');
  await expect(row.getByLabel(`Role of ${member.email}`)).toHaveValue('administrator');
});
