import { test, expect, signUp } from './fixtures';

test('the owner reads the audit log, filters it and downloads it as CSV', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Audit Co');
  await page.getByLabel('New team').fill('Platform');
  await page.getByRole('button', { name: 'Add team' }).click();
  await expect(page.getByTestId('team-count')).toHaveText('1');

  await page.getByTestId('nav-audit').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/audit');
  const entries = page.getByTestId('audit-entries');
  await expect(entries).toContainText('team.add');
  await expect(entries).toContainText('team "Platform"');
  await expect(entries).toContainText(`owner@${slug}.test`);

  await page.getByLabel('Who').fill('somebody-else');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/actor=somebody-else/);
  await expect(page.getByTestId('audit-empty')).toBeVisible();

  await page.getByLabel('Who').fill('owner@');
  await page.getByLabel('From').fill('2020-01-01');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/actor=owner/);
  await expect(page.getByTestId('audit-entries')).toContainText('team "Platform"');

  const download = page.waitForEvent('download');
  await page.getByTestId('audit-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${slug}-audit-log.csv`);
  const stream = await file.createReadStream();
  let csv = '';
  for await (const chunk of stream) csv += chunk.toString();
  expect(csv.split('\r\n')[0]).toBe('time,actor,action,target,before,after,ip');
  expect(csv).toContain(`owner@${slug}.test,team.add`);
});

test('the members page confirms each change and explains a refusal next to it', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Members Co');
  await page.getByTestId('nav-members').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/members');
  const me = page.getByTestId(`member-owner@${slug}.test`);
  await expect(me).toContainText('(you)');
  await expect(me.getByTestId('member-role')).toHaveText('Owner');

  // The only owner tries to step down: a confirmation step, then the reason.
  await me.getByTestId('change-role').click();
  await expect(page.getByTestId('confirm')).toContainText('Change the role of 1 member(s)');
  await page.getByTestId('new-role').selectOption('admin');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('confirm').getByRole('alert').filter({ hasText: 'You are the last owner' })).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByTestId('confirm')).toHaveCount(0);
  await expect(page.getByTestId(`member-owner@${slug}.test`).getByTestId('member-role')).toHaveText('Owner');

  // Leaving is refused for the same reason.
  await page.getByTestId('leave').click();
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('confirm').getByRole('alert').filter({ hasText: 'last owner' })).toBeVisible();

  // Search and role filter narrow the list.
  await page.goto(tenantry.tenantUrl(slug) + '/members');
  await page.getByTestId('role-filter').selectOption('viewer');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/role=viewer/);
  await expect(page.getByTestId('members-empty')).toBeVisible();
});
