import { test, expect } from './fixtures';

test('a new organization signs up, lands on its subdomain and adds a team', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await page.goto(tenantry.apexUrl + '/');
  await expect(page.getByRole('heading', { name: 'Create your organization' })).toBeVisible();

  await page.getByLabel('Organization name').fill('Acme Engineering');
  await page.getByLabel('Subdomain').fill(slug);
  // The live hint only appears once the page is hydrated.
  await expect(page.getByTestId('availability')).toHaveText(`${slug}.app.example is available.`);
  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create organization' }).click();

  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Acme Engineering');
  await expect(page.getByTestId('signed-in-as')).toHaveText(`owner@${slug}.test`);
  await expect(page.getByTestId('team-count')).toHaveText('0');

  await page.getByLabel('New team').fill('Platform');
  await page.getByRole('button', { name: 'Add team' }).click();

  await expect(page.getByTestId('team-count')).toHaveText('1');
  await expect(page.getByRole('listitem').filter({ hasText: 'Platform' })).toBeVisible();
});

test('a reserved subdomain is refused next to the field and the form keeps its values', async ({ page, tenantry }) => {
  await page.goto(tenantry.apexUrl + '/');
  await page.getByLabel('Organization name').fill('Impostor');
  await page.getByLabel('Subdomain').fill('support');
  await expect(page.getByTestId('availability')).toHaveText('This subdomain is reserved.');
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create organization' }).click();

  await expect(page.locator('[data-field="subdomain"]')).toHaveText('This subdomain is reserved.');
  await expect(page.getByLabel('Organization name')).toHaveValue('Impostor');
  expect(page.url()).toBe(tenantry.apexUrl + '/');
});
