import { test, expect, hydrated, PASSWORD } from './fixtures';
import type { Page } from '@playwright/test';

/**
 * The page views whose code the browser fetched: each page's own wasm
 * chunk is `split_<page>_page_<hash>.wasm` (app/src/pages/mod.rs);
 * the chunks they share are `chunk_N.wasm`.
 */
function viewsFetched(page: Page): Set<string> {
  const views = new Set<string>();
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop() ?? '';
    const view = /^split_(\w+?)_page_\d+\.wasm$/.exec(name);
    if (view) views.add(view[1]);
  });
  return views;
}

test('each page downloads only its own code, and a followed link fetches the next page without a new document', async ({ page, tenantry }) => {
  const views = viewsFetched(page);
  const slug = tenantry.freshSlug();

  // The apex's first page: the sign-up view alone, then hydrated (the live
  // hint needs it).
  await page.goto(tenantry.apexUrl + '/');
  await page.getByLabel('Organization name').fill('Lazy Loading');
  await page.getByLabel('Subdomain').fill(slug);
  await expect(page.getByTestId('availability')).toHaveText(`${slug}.app.example is available.`);
  expect([...views]).toEqual(['sign_up']);

  await page.getByLabel('Email').fill(`owner@${slug}.test`);
  await page.getByLabel('Password').fill(PASSWORD);
  views.clear();
  await page.getByRole('button', { name: 'Create organization' }).click();

  // The organization's first page: its home view, not the apex's.
  await page.waitForURL(tenantry.tenantUrl(slug) + '/');
  await expect(page.getByTestId('org-name')).toHaveText('Lazy Loading');
  await hydrated(page);
  expect([...views]).toEqual(['tenant_home']);

  // Following a link once hydrated: the teams view is fetched then, and
  // shown in the same document (the marker survives).
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await page.getByTestId('nav-teams').click();
  await page.waitForURL(tenantry.tenantUrl(slug) + '/teams');
  await expect(page.getByRole('heading', { name: 'Teams', exact: true, level: 1 })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  expect([...views]).toEqual(['tenant_home', 'teams']);
});
