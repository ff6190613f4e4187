// The inventory in the browser: an objektsägare's own objects, the lists, a record and its relations, the forms,
// and a spreadsheet imported after a preview; every page checked with axe.
import { test, expect } from '@playwright/test';
import * as path from 'node:path';
import { collectConsoleErrors, expectNoAccessibilityViolations, screenshots, signInAs } from '../helpers';

test('an objektsägare without a role finds and changes her own förvaltningsobjekt', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await signInAs(page, 'Maria Johansson', '/mine');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mina objekt');
  await expect(page.getByRole('link', { name: 'Socialtjänst', exact: true })).toBeVisible();
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'mina-objekt.png'), fullPage: true });
  await page.getByRole('link', { name: 'Socialtjänst', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Socialtjänst');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('link', { name: 'Ändra' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ändra');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Förvaltningsplan').fill('Förvaltningsplan 2027, reviderad');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('status')).toContainText('Sparat.');
  await expect(page.getByText('Förvaltningsplan 2027, reviderad')).toBeVisible();
  expect(errors).toEqual([]);
  // The whole list is not hers to see.
  await page.goto('/inventory/forvaltningsobjekt');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Du har ingen roll i LIS ännu');
});

test('IT searches and filters the systems, opens one and relates it to a platform', async ({ page }) => {
  await signInAs(page, 'Leila Haddad');
  await page.getByRole('link', { name: 'Inventering' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inventering');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('link', { name: /^System/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('System');
  await page.getByLabel('Sök på namn eller externt id').fill('plattform');
  await page.getByLabel('Livscykel').selectOption('in_use');
  await page.getByRole('button', { name: 'Filtrera' }).click();
  await expect(page.getByRole('status')).toContainText('Visar 1–');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'system-list.png'), fullPage: true });
  await page.getByRole('link', { name: 'Databasplattform' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Databasplattform');
  await expect(page.getByRole('heading', { name: 'Samband' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Körs på Virtualiseringsplattform i kommunens datacenter/ })).toBeVisible();
  await expectNoAccessibilityViolations(page);
  // A cycle is refused with its chain named.
  await page.getByRole('combobox', { name: 'Samband' }).selectOption('runs_on');
  await page.getByLabel('System eller informationsmängd').fill('Integrationsplattform');
  await page.getByRole('button', { name: 'Lägg till samband' }).click();
  await expect(page.getByRole('alert')).toContainText('Databasplattform → Integrationsplattform → Databasplattform');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'system-page.png'), fullPage: true });
});

test('a new system is refused until it has a name, then created', async ({ page }) => {
  await signInAs(page, 'Per Sandberg');
  await page.goto('/inventory/system/new');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ny post: system');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Leverantör').fill('Norrsken Systems AB');
  // The browser's own check stops an empty name; without it, LIS refuses it too.
  await page.getByLabel(/^Namn/).evaluate((input) => input.removeAttribute('required'));
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('alert')).toContainText('Namn: måste fyllas i');
  await expect(page.getByLabel('Leverantör')).toHaveValue('Norrsken Systems AB');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel(/^Namn/).fill('Systemet för färdtjänst');
  await page.getByLabel('Förvaltningsobjekt').selectOption({ label: 'Vård och omsorg' });
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Systemet för färdtjänst');
  await expect(page.getByRole('status')).toContainText('Sparat.');
});

test('the CISO imports a spreadsheet after a preview', async ({ page }) => {
  await signInAs(page, 'Per Sandberg');
  await page.goto('/inventory/import');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Importera inventering');
  await expectNoAccessibilityViolations(page);
  const file = '\ufeffTyp;Namn;Organisationsenhet;Lagras i;Sekretess;OSL-hänvisning\r\n'
    + 'informationsmängd;Beslut om färdtjänst;Vård och omsorg;Systemet för färdtjänst;ja;26 kap. 1 § OSL\r\n'
    + 'informationsmängd;Ansökningar om parkeringstillstånd;Finns inte;;nej;\r\n';
  await page.getByLabel('Fil', { exact: true }).setInputFiles({ name: 'förteckning.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await expect(page.getByRole('status')).toContainText('1 avvisade');
  await expect(page.getByRole('cell', { name: /Finns inte.*Ingen organisationsenhet/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Importera alla rader' })).toHaveCount(0);
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'import-refused.png'), fullPage: true });
  const fixed = file.replace('Finns inte', 'Gata och park');
  await page.getByLabel('Fil', { exact: true }).setInputFiles({ name: 'förteckning.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await expect(page.getByRole('status')).toContainText('2 nya, 0 ändrade, 0 oförändrade, 0 avvisade');
  await expectNoAccessibilityViolations(page);
  await page.getByRole('button', { name: 'Importera alla rader' }).click();
  await expect(page.getByRole('status').first()).toContainText('Importen är genomförd');
  await page.goto('/inventory/informationsmangd?q=f%C3%A4rdtj%C3%A4nst');
  await page.getByRole('link', { name: 'Beslut om färdtjänst' }).click();
  await expect(page.getByRole('row', { name: /Lagras i Systemet för färdtjänst/ })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the lists filter and page on the server', async ({ page }) => {
    await signInAs(page, 'Gunnar Ek');
    await page.goto('/inventory/informationsmangd');
    await expect(page.getByRole('status')).toContainText('Visar 1–50 av');
    await page.getByRole('link', { name: 'Nästa sida' }).click();
    await expect(page.getByRole('status')).toContainText('Visar 51–100 av');
    const welfare = await page.locator('#unit option', { hasText: 'Sektor välfärd' }).getAttribute('value');
    await page.getByLabel('Organisationsenhet').selectOption(welfare ?? '');
    await page.getByRole('button', { name: 'Filtrera' }).click();
    await expect(page).toHaveURL(/unit=\d+/);
  });
});
