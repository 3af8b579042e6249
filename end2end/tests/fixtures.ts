import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Tenantry = {
  /** `http://app.example:PORT` */
  apexUrl: string;
  /** `http://SLUG.app.example:PORT` */
  tenantUrl: (slug: string) => string;
  /** A subdomain no other test uses. */
  freshSlug: () => string;
  /** The newest email to `address` received by the SMTP sink (waits up to 15 s). */
  lastMailTo: (address: string) => Promise<Mail>;
  /** `http://HOST:PORT`: a custom domain (`*.e2e.test`) on the test server. */
  urlOf: (host: string) => string;
  /** Adds records to the test DNS server (`NAME TYPE VALUE` lines, see server/testdns). */
  addDnsRecords: (lines: string[]) => void;
};

export type Mail = { to: string[]; subject: string; text: string };

/** The first URL in `mail` whose path starts with `path`. */
export function linkIn(mail: Mail, pathPrefix: string): string {
  const link = mail.text.split(/\s+/).find((word) => {
    try {
      return new URL(word).pathname.startsWith(pathPrefix);
    } catch {
      return false;
    }
  });
  if (!link) throw new Error(`no ${pathPrefix} link in: ${mail.text}`);
  return link;
}

async function lastMailTo(address: string): Promise<Mail> {
  const dir = process.env.TENANTRY_E2E_MAILDIR;
  if (!dir) throw new Error('TENANTRY_E2E_MAILDIR is not set: global setup did not run');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Mail)
      .filter((mail) => mail.to.includes(address.toLowerCase()));
    if (found.length > 0) return found[found.length - 1];
    if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const test = base.extend<{ tenantry: Tenantry }>({
  tenantry: async ({}, use) => {
    const port = process.env.TENANTRY_E2E_PORT;
    if (!port) throw new Error('TENANTRY_E2E_PORT is not set: global setup did not run');
    await use({
      apexUrl: `http://app.example:${port}`,
      tenantUrl: (slug) => `http://${slug}.app.example:${port}`,
      freshSlug: () => `e2e-${randomBytes(4).toString('hex')}`,
      lastMailTo,
      urlOf: (host) => `http://${host}:${port}`,
      addDnsRecords: (lines) => {
        const file = process.env.TENANTRY_E2E_DNS_RECORDS;
        if (!file) throw new Error('TENANTRY_E2E_DNS_RECORDS is not set: global setup did not run');
        appendFileSync(file, lines.map((line) => `${line}\n`).join(''));
      },
    });
  },
});

export { expect };

export const PASSWORD = 'correct horse battery';

/** Signs up `slug` through the sign-up page; the page ends on its home, signed in as `owner@SLUG.test`. */
export async function signUp(page: Page, tenantry: Tenantry, slug: string, name: string) {
  await page.goto(tenantry.apexUrl + '/');
  await page.getByLabel('Organization name').fill(name);
  await page.getByLabel('Subdomain').fill(slug);
  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('org-name')).toHaveText(name);
}

/**
 * Waits until the page is hydrated (`<body data-hydrated>`, app/src/pages/mod.rs):
 * before that a link loads a new document and a form posts without
 * JavaScript, which work but are not what the app does after it.
 */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

/**
 * Opens the account menu in the organization's header (a `<details>`). A
 * click on its summary before hydration can be undone when hydration
 * renders the menu again, so the click is repeated until the menu shows.
 */
export async function openAccountMenu(page: Page) {
  const menu = page.getByTestId('account-menu');
  const body = menu.locator('.menu-body');
  await expect(async () => {
    if (!(await body.isVisible())) {
      await menu.locator('summary').click();
    }
    await expect(body).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

/** Picks `slug` in the account menu's organization switcher. */
export async function switchTo(page: Page, slug: string) {
  await openAccountMenu(page);
  await page.getByTestId(`open-${slug}`).click();
}
