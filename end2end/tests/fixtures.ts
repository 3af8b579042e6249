import { test as base } from '@playwright/test';
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

export { expect } from '@playwright/test';
