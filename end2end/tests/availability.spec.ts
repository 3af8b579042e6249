import { test, expect } from './fixtures';

test('subdomain availability is shown live as the user types (the page is hydrated)', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await page.goto(tenantry.apexUrl + '/');
  const hint = page.getByTestId('availability');

  await page.getByLabel('Subdomain').pressSequentially('ab');
  await expect(hint).toHaveText('Use at least 3 characters.');

  await page.getByLabel('Subdomain').fill(slug);
  await expect(hint).toHaveText(`${slug}.app.example is available.`);

  await page.getByLabel('Subdomain').fill('admin');
  await expect(hint).toHaveText('This subdomain is reserved.');
});
