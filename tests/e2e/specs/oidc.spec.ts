// Signing in to `lis serve` through the real test identity provider's own login page.
import { test, expect } from '@playwright/test';
import { expectNoAccessibilityViolations } from '../helpers';

const lis = `http://127.0.0.1:${Number(process.env.LIS_E2E_PORT ?? 18931) + 2}`;

test('a person signs in through the identity provider and out again', async ({ page }) => {
  await page.goto(`${lis}/`);
  // The provider's login page (oidc-provider's development interactions).
  await page.locator('input[name="login"]').fill('cecilia.ciso');
  await page.locator('input[name="password"]').fill('vad-som-helst');
  await page.locator('button[type="submit"]').click();
  // Its consent page.
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(`${lis}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Testkommun');
  await expect(page.getByRole('link', { name: 'Cecilia Ciso (informationssäkerhetssamordnare)' })).toBeVisible();
  await expectNoAccessibilityViolations(page);

  await page.getByRole('button', { name: 'Logga ut' }).click();
  // LIS has ended its session; the provider asks whether to end its own too.
  await expect(page).not.toHaveURL(`${lis}/`);
  const response = await page.request.get(`${lis}/`, { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toMatch(/^\/auth\/login/);
});
