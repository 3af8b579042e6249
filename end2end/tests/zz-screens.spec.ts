import { test, signUp, hydrated } from './fixtures';
test('screens', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Screens Co');
  for (const name of ['Payments', 'Search', 'Platform']) {
    await page.getByLabel('New team').fill(name);
    await page.getByRole('button', { name: 'Add team' }).click();
    await page.getByText(name, { exact: true }).first().waitFor();
  }
  await page.goto(tenantry.tenantUrl(slug) + '/repositories');
  await hydrated(page);
  await page.screenshot({ path: '/tmp/repos.png', fullPage: true });
  await page.goto(tenantry.tenantUrl(slug) + '/dashboard');
  await hydrated(page);
  await page.screenshot({ path: '/tmp/dashboard.png', fullPage: true });
  await page.getByTestId('account-menu').locator('summary').click();
  await page.screenshot({ path: '/tmp/menu.png' });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: '/tmp/narrow.png', fullPage: true });
});
