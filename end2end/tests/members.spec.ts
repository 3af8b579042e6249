import { test, expect, signUp, hydrated, linkIn, PASSWORD } from './fixtures';

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

test('the owner changes two members’ roles at once and revokes invitations in bulk, seeing what became of each', async ({ page, browser, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Bulk Co');
  const verification = await tenantry.lastMailTo(`owner@${slug}.test`);
  await page.goto(linkIn(verification, '/verify-email'));
  await page.getByTestId('confirm-email').click();
  await expect(page.getByTestId('email-verified')).toBeVisible();

  // Two colleagues join; a third and a fourth stay invited.
  const invite = async (email: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByTestId('invite-role').selectOption('member');
    await page.getByTestId('invite-button').click();
    await expect(page.getByTestId('invited')).toHaveText(`Invited ${email}.`);
  };
  await page.goto(tenantry.tenantUrl(slug) + '/members');
  await hydrated(page);
  const [ann, bob, cid, dee] = ['ann', 'bob', 'cid', 'dee'].map((n) => `${n}-${slug}@example.test`);
  for (const email of [ann, bob, cid, dee]) await invite(email);
  for (const email of [ann, bob]) {
    const theirs = await browser.newContext();
    const them = await theirs.newPage();
    await them.goto(linkIn(await tenantry.lastMailTo(email), '/invitation'));
    await them.getByLabel('Choose a password').fill(PASSWORD);
    await them.getByTestId('accept-invitation').click();
    await them.waitForURL(tenantry.tenantUrl(slug) + '/');
    await theirs.close();
  }

  // Both selected, one confirmation, both viewers.
  await page.goto(tenantry.tenantUrl(slug) + '/members');
  await hydrated(page);
  for (const email of [ann, bob]) await page.getByLabel(`Select ${email}`, { exact: true }).check();
  await page.getByTestId('bulk-role').click();
  await expect(page.getByTestId('confirm')).toContainText('Change the role of 2 member(s)');
  await page.getByTestId('new-role').selectOption('viewer');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('done')).toHaveText('Changed the role of 2 member(s).');
  for (const email of [ann, bob]) {
    await expect(page.getByTestId(`member-${email}`).getByTestId('member-role')).toHaveText('Viewer');
  }

  // The two pending invitations revoked together, each accounted for.
  await page.goto(tenantry.tenantUrl(slug) + '/members');
  await hydrated(page);
  for (const email of [cid, dee]) await page.getByLabel(`Select the invitation of ${email}`).check();
  await page.getByTestId('bulk-revoke').click();
  // The selection is a plain GET form: a new page, hydrated again.
  await page.waitForURL(/invitations=revoke/);
  await hydrated(page);
  await expect(page.getByTestId('bulk-invitations-confirm')).toContainText('Revoke 2 invitation(s)?');
  await page.getByTestId('confirm-bulk').click();
  await expect(page.getByTestId('bulk-summary')).toHaveText('2 of 2 invitation(s) revoked.');
  await expect(page.getByTestId(`bulk-row-${cid}`)).toHaveText(`${cid}: revoked`);
  await expect(page.getByTestId(`invitation-${cid}`)).toHaveCount(0);
  await expect(page.getByTestId(`invitation-${dee}`)).toHaveCount(0);
});

test('the owner invites several people from a pasted list; the refused line stays in the field with its reason', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Import Co');
  const verification = await tenantry.lastMailTo(`owner@${slug}.test`);
  await page.goto(linkIn(verification, '/verify-email'));
  await page.getByTestId('confirm-email').click();
  await expect(page.getByTestId('email-verified')).toBeVisible();

  await page.goto(tenantry.tenantUrl(slug) + '/members');
  await hydrated(page);
  const [ann, bob] = ['ann', 'bob'].map((n) => `${n}-${slug}@example.test`);
  await page.getByTestId('import-invitations').locator('summary').click();
  await page.getByLabel('Addresses, one a line').fill(`${ann}\n${bob}, admin\nnot-an-address`);
  await page.getByRole('button', { name: 'Send these invitations' }).click();
  await expect(page.locator('[data-field="list"]')).toHaveText('Invited 2. Fix the lines below and send them again.');
  await expect(page.getByTestId('line-errors')).toContainText('Line 3 not-an-address: Enter an email address like name@example.com.');
  await expect(page.getByLabel('Addresses, one a line')).toHaveValue('not-an-address');
  await expect(page.getByTestId(`invitation-${ann}`)).toContainText('Member');
  await expect(page.getByTestId(`invitation-${bob}`)).toContainText('Admin');
  expect((await tenantry.lastMailTo(bob)).subject).toContain('Import Co');
});
