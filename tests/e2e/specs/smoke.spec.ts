// Smoke test of the demo: sign in as a demo person, the start page in Swedish and English, without JavaScript,
// every page checked with axe.
import { test, expect } from '@playwright/test';
import * as path from 'node:path';
import { collectConsoleErrors, expectNoAccessibilityViolations, screenshots, signInAs } from '../helpers';

test('the demo sign-in page is accessible', async ({ page }) => {
  await page.goto('/auth/demo');
  await expect(page.getByRole('button', { name: /Karin Lindqvist/ })).toBeVisible();
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'demo-sign-in.png'), fullPage: true });
});

test('the demo start page shows Exempelkommun in Swedish and passes axe', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await signInAs(page, 'Gunnar Ek');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page).toHaveTitle(/Exempelkommun/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Exempelkommun');
  await expect(page.getByRole('note')).toContainText('Demoläge');
  await expect(page.getByRole('link', { name: /Gunnar Ek \(granskare\)/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Organisationsträd' })).toBeVisible();
  for (const unit of ['Kommunfullmäktige', 'Kommunstyrelsen', 'Socialnämnden', 'Sektor välfärd']) {
    await expect(page.getByText(unit, { exact: true })).toBeVisible();
  }
  // The stylesheet loaded from LIS itself (not blocked by the CSP): the header has its colour.
  const headerColour = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(headerColour).toBe('rgb(11, 79, 138)');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'start-page.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a person can switch to English and back', async ({ page }) => {
  await signInAs(page, 'Per Sandberg');
  await page.getByRole('link', { name: 'In English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByText('Information security management system')).toBeVisible();
  await expectNoAccessibilityViolations(page);
  // The choice is kept without the query string.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: 'På svenska' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
});

test('an administrator manages people and the role mapping, then signs out', async ({ page }) => {
  await signInAs(page, 'Karin Lindqvist');
  await page.getByRole('link', { name: 'Personer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Personer');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('link', { name: 'Leila Haddad' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leila Haddad');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('link', { name: 'Rollmappning' }).click();
  await page.getByLabel('Mappning, en rad per grupp: grupp=roll').fill('lis-admins=admin\nlis-x=root');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('alert')).toContainText('okänd roll');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Mappning, en rad per grupp: grupp=roll').fill('lis-admins=admin\nlis-ciso=ciso');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('status')).toContainText('Rollmappningen är sparad');
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.goto('/');
  await expect(page).toHaveURL(/\/auth\/demo/);
});

test('the catalogue and the profile explorer work and are accessible', async ({ page }) => {
  await signInAs(page, 'Leila Haddad');
  await page.getByRole('link', { name: 'Kravkatalog' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kravkatalog');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Hänvisning').selectOption('csl:8');
  await page.getByRole('button', { name: 'Filtrera' }).click();
  await expect(page.getByRole('status')).toContainText('krav');
  await expect(page.locator('article.requirement').first()).toBeVisible();
  await page.getByRole('link', { name: /Skyddsnivåer/ }).click();
  await page.getByLabel('K – konfidentialitet').selectOption('2');
  await page.getByLabel('T – tillgänglighet').selectOption('3');
  await page.getByRole('button', { name: 'Visa krav' }).click();
  await expect(page.getByRole('status')).toContainText('krav gäller för den här klassningen');
  await expect(page.getByText('gäller eftersom').first()).toBeVisible();
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'profile-explorer.png') });
});

test('the CISO decides the statement of applicability and exports it', async ({ page }) => {
  await signInAs(page, 'Per Sandberg');
  await page.getByRole('link', { name: 'Uttalande om tillämplighet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Uttalande om tillämplighet (SoA)');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('link', { name: 'Ändra 7.4' }).click();
  await page.getByLabel('Nej').check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('alert')).toContainText('måste ha en motivering');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Motivering').selectOption('riskanalys');
  await page.getByLabel('Kommentar').fill('Regionens larmcentral övervakar lokalerna.');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('status')).toContainText('Beslutet är sparat för åtgärd 7.4');
  await expect(page.locator('#control-7\\.4')).toContainText('Regionens larmcentral');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Exportera som CSV' }).click();
  const file = await (await download).path();
  const text = require('node:fs').readFileSync(file, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain('7.4;');
  expect(text).toContain('Nej;Riskanalys;Regionens larmcentral övervakar lokalerna.');
  // The workbook too; the test script opens it with a spreadsheet library.
  const workbook = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Exportera som Excel' }).click();
  await (await workbook).saveAs(path.join(screenshots, 'soa.xlsx'));
});

test('a person without a role is told whom to ask', async ({ page }) => {
  await signInAs(page, 'Maria Johansson');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Du har ingen roll i LIS ännu');
  await expect(page.getByText('Karin Lindqvist')).toBeVisible();
  await expectNoAccessibilityViolations(page);
});

test('the error page for an unknown address is accessible', async ({ page }) => {
  const response = await page.goto('/finns-inte');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sidan finns inte');
  await expectNoAccessibilityViolations(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('signing in and the start page work the same', async ({ page }) => {
    await signInAs(page, 'Leila Haddad');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Exempelkommun');
    await page.getByRole('link', { name: 'In English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
});
