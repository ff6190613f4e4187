// Browser tests of LIS: the demo served by the real binary, driven in Debian's Chromium.
// The binary is given by LIS_BIN (./scripts/test sets it); nothing here downloads a browser.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.LIS_E2E_PORT ?? 18931);
const bin = process.env.LIS_BIN ?? path.resolve(__dirname, '../../target/debug/lis');
const dataDir = path.join(os.tmpdir(), `lis-e2e-${process.pid}`);

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
  webServer: {
    command: `"${bin}" demo --data-dir "${dataDir}" --listen 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { LIS_LOG: 'warn' },
  },
});
