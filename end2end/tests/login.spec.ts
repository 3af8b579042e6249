import { test, expect, signUp, switchTo, openAccountMenu, PASSWORD } from './fixtures';

test('a member logs out, is refused with a wrong password, and logs back in', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Login Co');

  await openAccountMenu(page);
  await page.getByTestId('log-out').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/login');
  await page.goto(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('sign-in-required')).toBeVisible();

  await page.goto(tenantry.tenantUrl(slug) + '/login');
  await expect(page.getByTestId('login-org')).toHaveText(slug);
  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'do not match an account' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(`owner@${slug}.test`);

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('signed-in-as')).toHaveText(`owner@${slug}.test`);
  await expect(page.getByTestId('role')).toHaveText('Owner');
});

test('a user with two organizations logs in on the apex and switches between them', async ({ page, tenantry }) => {
  const first = tenantry.freshSlug();
  const second = tenantry.freshSlug();
  await signUp(page, tenantry, first, 'First Org');
  // The same person signs up a second organization with the same account.
  await page.goto(tenantry.apexUrl + '/');
  await page.getByLabel('Organization name').fill('Second Org');
  await page.getByLabel('Subdomain').fill(second);
  await page.getByLabel('Email').fill(`owner@${first}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(tenantry.tenantUrl(second) + '/');

  // Switch to the first organization and back, through the menu.
  await switchTo(page, first);
  await page.waitForURL(tenantry.tenantUrl(first) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('First Org');
  await switchTo(page, second);
  await page.waitForURL(tenantry.tenantUrl(second) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Second Org');

  // On the apex: log in, see both, open one.
  await page.goto(tenantry.apexUrl + '/login');
  await page.getByLabel('Email').fill(`owner@${first}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(tenantry.apexUrl + '/organizations');
  await expect(page.getByTestId('organizations')).toContainText('First Org');
  await expect(page.getByTestId('organizations')).toContainText('Second Org');
  await page.getByTestId(`open-${first}`).click();
  await page.waitForURL(tenantry.tenantUrl(first) + '/');
  await expect(page.getByTestId('signed-in-as')).toHaveText(`owner@${first}.test`);

  // Log out everywhere: the other organization's session ends too.
  await openAccountMenu(page);
  await page.getByTestId('log-out-everywhere').click();
  await page.waitForURL(tenantry.tenantUrl(first) + '/login');
  await page.goto(tenantry.tenantUrl(second) + '/');
  await expect(page.getByTestId('sign-in-required')).toBeVisible();
});
