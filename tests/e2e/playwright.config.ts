// Browser tests of LIS: the demo served by the real binary, driven in Debian's Chromium.
// The binary is given by LIS_BIN (./scripts/test sets it); nothing here downloads a browser.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.LIS_E2E_PORT ?? 18931);
// `lis serve` signing in through the real test provider (tests/oidc/provider.mjs) on the next two ports.
const providerPort = port + 1;
const servePort = port + 2;
const bin = process.env.LIS_BIN ?? path.resolve(__dirname, '../../target/debug/lis');
const dataDir = path.join(os.tmpdir(), `lis-e2e-${process.pid}`);
const serveDataDir = path.join(os.tmpdir(), `lis-e2e-serve-${process.pid}`);

export default defineConfig({
  testDir: './specs',
  reporter: 'list',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.LIS_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `"${bin}" demo --data-dir "${dataDir}" --listen 127.0.0.1:${port}`,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { LIS_LOG: 'warn' },
    },
    {
      command: `node ../oidc/provider.mjs --port ${providerPort} --lis http://127.0.0.1:${servePort}`,
      url: `http://127.0.0.1:${providerPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      command: `"${bin}" serve --data-dir "${serveDataDir}" --listen 127.0.0.1:${servePort}`,
      url: `http://127.0.0.1:${servePort}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        LIS_LOG: 'warn',
        LIS_OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
        LIS_OIDC_CLIENT_ID: 'lis',
        LIS_OIDC_CLIENT_SECRET: 'lis-test-secret',
        LIS_ROLE_MAP: 'lis-admins=admin,lis-ciso=ciso,lis-it=it,lis-auditors=auditor',
        LIS_ORGANISATION_NAME: 'Testkommun',
      },
    },
  ],
});
