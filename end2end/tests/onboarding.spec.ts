import { test, expect, signUp } from './fixtures';

const REPOSITORIES = [
  'https://github.com/acme/payments-api',
  'https://github.com/acme/payments-web.git',
  'git@github.com:acme/terraform.git',
  'https://gitlab.com/acme/ops/ansible',
  'https://bitbucket.org/acme/mobile-app',
  'https://git.example.com/acme/docs.git',
];

test('a new organization sets itself up with the wizard, leaving at step 3 and resuming there, then adjusts one repository on its page', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Wizard Co');
  await expect(page.getByTestId('onboarding-banner')).toContainText('step 1 of 4');
  await page.getByTestId('resume-onboarding').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/onboarding');

  // Step 1: three teams, one after the other.
  await expect(page.getByTestId('step-title')).toHaveText('Step 1 of 4: Teams');
  for (const team of ['Payments', 'Platform', 'Mobile']) {
    await page.getByLabel('New team').fill(team);
    await page.getByRole('button', { name: 'Add team' }).click();
    await expect(page.getByTestId('team-name').filter({ hasText: team })).toBeVisible();
    await expect(page.getByLabel('New team')).toHaveValue('');
  }
  await expect(page.getByTestId('team')).toHaveCount(3);
  await page.getByTestId('continue').click();
  await page.waitForURL(/step=repositories/);

  // Step 2: six repositories pasted as URLs.
  await expect(page.getByTestId('step-title')).toHaveText('Step 2 of 4: Repositories');
  await page.getByLabel('Or paste a list, one a line').fill(REPOSITORIES.join('\n'));
  await page.getByRole('button', { name: 'Add these repositories' }).click();
  await expect(page.getByTestId('linked-count')).toHaveText('6 linked');
  await expect(page.getByTestId('linked')).toContainText('acme/ops/ansible');
  await page.getByTestId('continue').click();
  await page.waitForURL(/step=mapping/);

  // Step 3: a pattern rule, previewed as it is typed.
  await expect(page.getByTestId('step-title')).toHaveText('Step 3 of 4: Mapping');
  const byName = page.getByTestId('add-pattern-rule');
  await byName.getByLabel('Team').selectOption({ label: 'Payments' });
  await byName.getByLabel('Pattern').fill('^acme/payments-');
  await expect(page.getByTestId('preview-count')).toHaveText('Matches 2 repositories:');
  await expect(page.getByTestId('preview-name')).toHaveText(['acme/payments-api', 'acme/payments-web']);
  await byName.getByLabel('Pattern').fill('^acme/(payments');
  await expect(page.getByTestId('preview-error')).toContainText('not a valid pattern');
  await byName.getByLabel('Pattern').fill('^acme/payments-');
  await byName.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('rule-text')).toHaveText(['name matches ^acme/payments-']);
  await expect(page.getByTestId('rule-count')).toHaveText(['(2 repositories)']);

  // Leave in the middle of step 3, and come back.
  await page.goto(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('onboarding-banner')).toContainText('step 3 of 4');
  await page.getByTestId('resume-onboarding').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/onboarding');
  await expect(page.getByTestId('step-title')).toHaveText('Step 3 of 4: Mapping');
  await expect(page.getByTestId('rule-text')).toHaveText(['name matches ^acme/payments-']);

  // A label rule, and the label on two repositories.
  const byLabel = page.getByTestId('add-label-rule');
  await byLabel.getByLabel('Team').selectOption({ label: 'Platform' });
  await byLabel.getByLabel('Label').fill('infra');
  await byLabel.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('rule-text')).toHaveText(['name matches ^acme/payments-', 'label infra']);
  for (const name of ['acme/terraform', 'acme/ops/ansible']) {
    const row = page.locator(`[data-testid="label-row"][data-name="${name}"]`);
    await row.getByLabel(name).fill('infra');
    await row.getByRole('button', { name: 'Save labels' }).click();
    await expect(row.getByLabel(name)).toHaveValue('infra');
  }
  await expect(page.getByTestId('rule-count')).toHaveText(['(2 repositories)', '(2 repositories)']);
  await page.getByTestId('continue').click();
  await page.waitForURL(/step=review/);

  // Step 4: every repository with its teams and why; the rest highlighted.
  await expect(page.getByTestId('review-summary')).toHaveText('2 of 6 repositories have no team yet; they are highlighted below.');
  const row = (name: string) => page.locator(`[data-testid="repository-row"][data-name="${name}"]`);
  await expect(row('acme/payments-api')).toContainText('Payments (name matches ^acme/payments-)');
  await expect(row('acme/payments-web')).toContainText('Payments (name matches ^acme/payments-)');
  await expect(row('acme/terraform')).toContainText('Platform (label infra)');
  await expect(row('acme/ops/ansible')).toContainText('Platform (label infra)');
  for (const name of ['acme/mobile-app', 'acme/docs']) {
    await expect(row(name).getByTestId('unassigned')).toHaveText('No team');
    await expect(row(name)).toHaveClass(/unassigned-row/);
  }
  await page.getByTestId('finish').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Wizard Co');
  await expect(page.getByTestId('onboarding-banner')).toHaveCount(0);

  // After the wizard: a repository's own page, where a decision by hand
  // and a label change what the rules gave it.
  await page.goto(tenantry.tenantUrl(slug) + '/repositories');
  await page.getByRole('link', { name: 'acme/mobile-app' }).click();
  await expect(page.getByTestId('repository-name')).toHaveText('acme/mobile-app');
  await expect(page.getByTestId('unassigned')).toHaveText('No team');
  const mobile = page.getByTestId('decision-row').filter({ hasText: 'Mobile' });
  await mobile.getByLabel('Decision').selectOption('assign');
  await mobile.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('owner')).toHaveText(['Mobile (assigned by hand)']);
  await page.getByLabel('Labels, separated by commas').fill('infra, phones');
  await page.getByRole('button', { name: 'Save labels' }).click();
  await expect(page.getByTestId('owner').filter({ hasText: 'Platform' })).toHaveText('Platform (label infra)');
  await expect(page.getByTestId('owner')).toHaveCount(2);
  await expect(page.getByLabel('Labels, separated by commas')).toHaveValue('infra, phones');
});
