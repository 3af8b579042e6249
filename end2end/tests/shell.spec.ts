import { test, expect, signUp, hydrated } from './fixtures';

const NAVIGATION = [
  'nav-home',
  'nav-dashboard',
  'nav-teams',
  'nav-repositories',
  'nav-rules',
  'nav-labels',
  'nav-members',
  'nav-audit',
  'nav-api-tokens',
  'nav-settings',
];

test('one navigation says where you are, works by keyboard and fits a narrow screen', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Shell Co');
  await hydrated(page);
  await expect(page.getByTestId('shell-org-name')).toHaveText('Shell Co');
  await expect(page.getByTestId('nav-home')).toHaveAttribute('aria-current', 'page');

  // Moving in the app moves the mark.
  await page.getByTestId('nav-teams').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/teams');
  await expect(page.getByTestId('nav-teams')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('nav-home')).not.toHaveAttribute('aria-current', 'page');

  // By keyboard: the first Tab reaches "Skip to content"; the account
  // menu opens with Enter and holds the log-out buttons.
  await page.goto(tenantry.tenantUrl(slug) + '/repositories');
  await hydrated(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByTestId('account-menu').locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('log-out')).toBeVisible();
  await expect(page.getByTestId('log-out-everywhere')).toBeVisible();

  // On a phone-sized screen nothing is wider than the screen and every
  // page of the navigation is on it.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  for (const id of NAVIGATION) {
    await expect(page.getByTestId(id)).toBeInViewport();
  }
});
