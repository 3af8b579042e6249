import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright cannot download its own browser here. The
// host-resolver rules send the product's real host names to the test server
// while the Host header keeps them (acme.app.example:PORT).
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Custom domains of the journeys: *.e2e.test (verified against the test
  // DNS server, served by the same test server).
  '--host-resolver-rules=MAP *.app.example 127.0.0.1, MAP app.example 127.0.0.1, MAP *.e2e.test 127.0.0.1',
];

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: require.resolve('./global-setup'),
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
