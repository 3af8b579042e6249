import { test, expect, signUp, hydrated, PASSWORD } from './fixtures';

test('an owner renames the organization, gives it a colour, deletes it and restores it from the apex', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Settings Co');
  await page.getByTestId('nav-settings').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/settings');
  await hydrated(page);

  // The new name shows in the header at once.
  await page.getByLabel('Organization name').fill('Settings Renamed');
  await page.getByTestId('rename-form').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await expect(page.getByTestId('shell-org-name')).toHaveText('Settings Renamed');

  // A primary colour: every page's buttons take it.
  await page.getByLabel('Primary colour').fill('#0b6e4f');
  await page.getByTestId('branding-form').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('branding-saved')).toBeVisible();
  await page.goto(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByRole('button', { name: 'Add team' })).toHaveCSS('background-color', 'rgb(11, 110, 79)');
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await hydrated(page);

  // A wrong subdomain is refused next to its field, the password kept out.
  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByLabel(`Type ${slug} to confirm`).fill('nope');
  await page.getByTestId('delete-organization').click();
  await expect(page.locator('[data-field="slug"]')).toHaveText(`Type ${slug} to confirm.`);

  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await page.getByTestId('delete-organization').click();

  // The apex's organizations page: not signed in there yet.
  await page.waitForURL(tenantry.apexUrl + '/organizations');
  await page.goto(tenantry.apexUrl + '/login');
  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(tenantry.apexUrl + '/organizations');
  await expect(page.getByTestId('restorable')).toContainText('Settings Renamed');
  await page.getByTestId(`restore-${slug}`).click();
  await expect(page.getByTestId(`open-${slug}`)).toBeVisible();
  await page.getByTestId(`open-${slug}`).click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Settings Renamed');
});

test('an owner moves the organization to a new subdomain; the old address leads there, signed in', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  const moved = `${slug}-new`;
  await signUp(page, tenantry, slug, 'Moving Co');
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await hydrated(page);

  await page.getByRole('textbox', { name: 'Subdomain' }).fill(moved);
  await page.getByRole('button', { name: 'Change subdomain' }).click();
  await page.waitForURL(tenantry.tenantUrl(moved) + '/settings?moved=1');
  await expect(page.getByTestId('subdomain-moved')).toBeVisible();
  await expect(page.getByTestId('former-subdomains')).toContainText(slug);
  await expect(page.getByTestId('shell-org-name')).toHaveText('Moving Co');

  // A bookmark of the old address: the same page at the new one.
  await page.goto(tenantry.tenantUrl(slug) + '/teams');
  await page.waitForURL(tenantry.tenantUrl(moved) + '/teams');
  await expect(page.getByRole('heading', { name: 'Teams' })).toBeVisible();
});
