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

// A 48 × 16 PNG in the organization's green.
const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAQCAIAAADfzGvmAAAAJ0lEQVR4nGPgzvMfVIhhwF0w6qBRB406aNRBA+2CUQeNOmjUQXRGAJxSWB8Q4kBiAAAAAElFTkSuQmCC',
  'base64',
);

test('an owner gives the organization a logo, which every page shows; an SVG is refused at the field', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Logo Co');
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await hydrated(page);

  // An SVG: back on the page, the reason at the file field, nothing kept.
  await page.getByLabel('Logo file').setInputFiles({
    name: 'logo.svg',
    mimeType: 'image/svg+xml',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  });
  await page.getByTestId('logo-form').getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('[data-field="logo"]')).toContainText('SVG images are not accepted');
  await expect(page.getByTestId('shell-logo')).toHaveCount(0);

  await page.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO_PNG });
  await page.getByTestId('logo-form').getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('logo-saved')).toBeVisible();
  await expect(page.getByTestId('logo-preview')).toBeVisible();

  // The home page's header: the logo, loaded, beside the name.
  await page.goto(tenantry.tenantUrl(slug) + '/');
  const logo = page.getByTestId('shell-logo');
  await expect(logo).toBeVisible();
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
  await expect(page.getByTestId('shell-org-name')).toHaveText('Logo Co');

  // Removed: gone from every page.
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await hydrated(page);
  await page.getByTestId('remove-logo').getByRole('button', { name: 'Remove the logo' }).click();
  await expect(page.getByTestId('logo-preview')).toHaveCount(0);
  await page.goto(tenantry.tenantUrl(slug) + '/teams');
  await expect(page.getByTestId('shell-logo')).toHaveCount(0);
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

test('an owner adds a custom domain, verifies it against DNS and opens the organization on it', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  const domain = `portal-${slug}.e2e.test`;
  await signUp(page, tenantry, slug, 'Domain Co');
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await page.getByTestId('custom-domains-link').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/settings/domains');
  await hydrated(page);
  await expect(page.getByTestId('no-domains')).toBeVisible();

  // Not a domain: the reason at the field.
  await page.getByRole('textbox', { name: 'Domain' }).fill('intranet');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.locator('[data-field="host"]')).toContainText('Enter the whole domain name');

  await page.getByRole('textbox', { name: 'Domain' }).fill(domain);
  await page.getByRole('button', { name: 'Add domain' }).click();
  const card = page.getByTestId('domain');
  await expect(card).toContainText(domain);
  await expect(card.getByTestId('domain-status')).toHaveText('Waiting for its DNS records');
  const records = card.getByTestId('dns-record');
  await expect(records.nth(0)).toContainText(`CNAME${domain}${slug}.app.example`);
  const txtName = await records.nth(1).locator('td').nth(1).innerText();
  const txtValue = await records.nth(1).locator('td').nth(2).innerText();
  expect(txtName).toBe(`_tenantry.${domain}`);

  // Checked before the records exist: what is missing, in words.
  await card.getByRole('button', { name: 'Check DNS records now' }).click();
  await expect(card.getByTestId('domain-problem')).toContainText(`${domain} does not exist in DNS yet`);

  // The records, as the owner would create them at their DNS provider.
  tenantry.addDnsRecords([`${domain} CNAME ${slug}.app.example`, `${txtName} TXT ${txtValue}`]);
  await card.getByRole('button', { name: 'Check DNS records now' }).click();
  await expect(card.getByTestId('domain-status')).toHaveText('Verified: served here');
  await expect(card.getByTestId('domain-problem')).toHaveCount(0);

  // The organization on its own domain: log in there (a session of that host).
  await page.goto(tenantry.urlOf(domain) + '/login');
  await expect(page.getByTestId('login-org')).toHaveText(slug);
  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(tenantry.urlOf(domain) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Domain Co');
  await hydrated(page);
  await page.getByTestId('nav-teams').click();
  await page.waitForURL(tenantry.urlOf(domain) + '/teams');
});

test('an owner sees what exceeds a smaller plan before moving, and is refused with the same', async ({ page, tenantry }) => {
  const slug = tenantry.freshSlug();
  await signUp(page, tenantry, slug, 'Plan Co');
  // Six API tokens: one more than the Free plan allows.
  await page.goto(tenantry.tenantUrl(slug) + '/api-tokens');
  await hydrated(page);
  for (let n = 1; n <= 6; n++) {
    await page.getByLabel('Name').fill(`Token ${n}`);
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByTestId('token')).toHaveCount(n);
  }
  await page.goto(tenantry.tenantUrl(slug) + '/settings');
  await page.getByTestId('plan-link').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/settings/plan');
  await hydrated(page);
  await expect(page.getByTestId('plan-team')).toContainText('Current plan');
  await expect(page.getByTestId('usage')).toContainText('6 of 25 API tokens');
  const free = page.getByTestId('plan-free');
  await expect(free.getByTestId('exceeds')).toContainText('6 API tokens (the Free plan allows 5: remove 1)');
  await free.getByRole('button', { name: 'Move to Free' }).click();
  await expect(page.getByTestId('plan-error')).toContainText(
    'This organization holds more than the Free plan allows: 6 API tokens (the Free plan allows 5: remove 1).',
  );
  await expect(page.getByTestId('plan-team')).toContainText('Current plan');
  // Up is always possible.
  await page.getByTestId('plan-enterprise').getByRole('button', { name: 'Move to Enterprise' }).click();
  await expect(page.getByTestId('plan-changed')).toBeVisible();
  await expect(page.getByTestId('plan-enterprise')).toContainText('Current plan');
});
