import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

export type Tenantry = {
  /** `http://app.example:PORT` */
  apexUrl: string;
  /** `http://SLUG.app.example:PORT` */
  tenantUrl: (slug: string) => string;
  /** A subdomain no other test uses. */
  freshSlug: () => string;
};

export const test = base.extend<{ tenantry: Tenantry }>({
  tenantry: async ({}, use) => {
    const port = process.env.TENANTRY_E2E_PORT;
    if (!port) throw new Error('TENANTRY_E2E_PORT is not set: global setup did not run');
    await use({
      apexUrl: `http://app.example:${port}`,
      tenantUrl: (slug) => `http://${slug}.app.example:${port}`,
      freshSlug: () => `e2e-${randomBytes(4).toString('hex')}`,
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
