import { test, expect, signUp, linkIn, switchTo, PASSWORD } from './fixtures';

// The whole journey, in Chromium against a server on PostgreSQL with
// a real SMTP server: sign up → confirm the address from the mail → invite a
// colleague → the colleague accepts and sees the organization → the owner
// makes them a viewer → the viewer cannot add a team → the colleague, also a
// member of a second organization, switches to it and back.
test('sign-up, verification, invitation, role change and switching', async ({ page, browser, tenantry }) => {
  const first = tenantry.freshSlug();
  const second = tenantry.freshSlug();
  const colleague = `colleague-${first}@example.test`;

  await signUp(page, tenantry, first, 'Journey Co');
  await expect(page.getByTestId('verify-banner')).toBeVisible();

  // The confirmation link, from the SMTP sink.
  const verification = await tenantry.lastMailTo(`owner@${first}.test`);
  expect(verification.subject).toBe('Confirm your email address for Tenantry');
  await page.goto(linkIn(verification, '/verify-email'));
  // Opening the link only asks (mail scanners open links too); the button confirms.
  await page.getByTestId('confirm-email').click();
  await expect(page.getByTestId('email-verified')).toBeVisible();
  await page.goto(tenantry.tenantUrl(first) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Journey Co');
  await expect(page.getByTestId('verify-banner')).toHaveCount(0);

  // Invite a colleague.
  await page.getByTestId('nav-members').click();
  await page.waitForURL(tenantry.tenantUrl(first) + '/members');
  await page.getByLabel('Email').fill(colleague);
  await page.getByTestId('invite-role').selectOption('member');
  await page.getByTestId('invite-button').click();
  await expect(page.getByTestId('invited')).toHaveText(`Invited ${colleague}.`);
  await expect(page.getByTestId(`invitation-${colleague}`)).toBeVisible();

  // The colleague accepts, in a browser of their own.
  const invitation = await tenantry.lastMailTo(colleague);
  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  await them.goto(linkIn(invitation, '/invitation'));
  await expect(them.getByTestId('invitation-org')).toHaveText('Join Journey Co');
  await expect(them.getByTestId('invitation-email')).toHaveText(colleague);
  await them.getByLabel('Choose a password').fill(PASSWORD);
  await them.getByTestId('accept-invitation').click();
  await them.waitForURL(tenantry.tenantUrl(first) + '/');
  await expect(them.getByTestId('org-name')).toHaveText('Journey Co');
  await expect(them.getByTestId('role')).toHaveText('Member');

  // The owner makes them a viewer.
  await page.goto(tenantry.tenantUrl(first) + '/members');
  const row = page.getByTestId(`member-${colleague}`);
  await row.getByTestId('change-role').click();
  await page.getByTestId('new-role').selectOption('viewer');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('done')).toHaveText('Changed the role of 1 member(s).');
  await expect(page.getByTestId(`member-${colleague}`).getByTestId('member-role')).toHaveText('Viewer');

  // The viewer cannot add a team.
  await them.reload();
  await expect(them.getByTestId('role')).toHaveText('Viewer');
  await expect(them.getByTestId('read-only')).toBeVisible();
  await expect(them.getByLabel('New team')).toHaveCount(0);

  // The colleague also belongs to a second organization: they sign it up
  // with the same account, then switch to the first and back.
  await them.goto(tenantry.apexUrl + '/');
  await them.getByLabel('Organization name').fill('Second Co');
  await them.getByLabel('Subdomain').fill(second);
  await them.getByLabel('Email').fill(colleague);
  await them.getByLabel('Password').fill(PASSWORD);
  await them.getByRole('button', { name: 'Create organization' }).click();
  await them.waitForURL(tenantry.tenantUrl(second) + '/');
  await expect(them.getByTestId('role')).toHaveText('Owner');

  await switchTo(them, first);
  await them.waitForURL(tenantry.tenantUrl(first) + '/');
  await expect(them.getByTestId('org-name')).toHaveText('Journey Co');
  await expect(them.getByTestId('role')).toHaveText('Viewer');
  await switchTo(them, second);
  await them.waitForURL(tenantry.tenantUrl(second) + '/');
  await expect(them.getByTestId('org-name')).toHaveText('Second Co');
  await theirs.close();
});
