// Classification in the browser: an informationsägare answers the guided questions, saves a draft and approves it,
// and the system that holds the information shows its new level and why; every page checked with axe.
import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectConsoleErrors, expectNoAccessibilityViolations, screenshots, signInAs } from '../helpers';

test('an informationsägare classifies through the questions and the system shows the new levels and why', async ({
  page,
}) => {
  // A long walk with an axe check on every page, the system's requirement list among them.
  test.setTimeout(90_000);
  const errors = collectConsoleErrors(page);
  // She has no role: her own informationsmängder are on "Mina objekt".
  await signInAs(page, 'Maria Johansson', '/mine');
  await page.getByRole('link', { name: 'Orosanmälningar om barn' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Orosanmälningar om barn');
  await expect(page.getByRole('heading', { name: 'Klassning' })).toBeVisible();
  await page.getByRole('link', { name: 'Klassa', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klassa: Orosanmälningar om barn');
  await expect(page.getByRole('group', { name: /Konfidentialitet/ })).toContainText('Liv och hälsa');
  await expectNoAccessibilityViolations(page);
  await page.locator('select[name="answer.K.enskilda"]').selectOption('3');
  await page.locator('select[name="answer.K.fortroende"]').selectOption('2');
  await page.locator('select[name="answer.R.verksamhet"]').selectOption('2');
  await page.locator('select[name="answer.T.verksamhet"]').selectOption('1');
  await page.locator('select[name="answer.S.lag"]').selectOption('2');
  await page.screenshot({ path: path.join(screenshots, 'classification-questions.png'), fullPage: true });
  await page.getByRole('button', { name: 'Spara utkast' }).click();

  await expect(page.getByRole('status')).toContainText('Sparat.');
  await expect(page.getByText('K = 3 Allvarlig')).toBeVisible();
  await expectNoAccessibilityViolations(page);
  await page.getByRole('button', { name: 'Fastställ klassningen' }).click();
  await expect(page.getByRole('status')).toContainText('Sparat.');
  await expect(page.getByRole('table').filter({ hasText: '3 Allvarlig' })).toBeVisible();
  await expectNoAccessibilityViolations(page);

  await page.getByRole('link', { name: 'Verksamhetssystem för socialtjänsten' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Verksamhetssystem för socialtjänsten');
  const levels = page.getByRole('table').filter({ hasText: 'eftersom' });
  await expect(levels.getByRole('row', { name: /Konfidentialitet/ })).toContainText(
    'K = 3 eftersom det lagrar informationsmängden Orosanmälningar om barn',
  );
  await expect(levels.getByRole('row', { name: /Riktighet/ })).toContainText('2 Betydande');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'system-levels.png'), fullPage: true });
  // The requirements its levels select, each with why it applies.
  await page.getByRole('link', { name: 'Krav som gäller för systemet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Krav som gäller: Verksamhetssystem för socialtjänsten',
  );
  await expect(page.getByRole('status')).toContainText('krav gäller för systemet.');
  await expectNoAccessibilityViolations(page);
  await page.goBack();

  await page.goBack();
  await page.getByRole('link', { name: 'Historik' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Historik: Orosanmälningar om barn');
  await expectNoAccessibilityViolations(page);

  // Her systems' gaps, the worst first.
  await page.getByRole('link', { name: 'Mina brister' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mina brister');
  await expect(page.getByRole('status')).toContainText('brister i');
  await expectNoAccessibilityViolations(page);

  // She turns the first gap into an action of the handlingsplan.
  await page.getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Skapa en åtgärd i handlingsplanen av de valda bristerna' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ny åtgärd i handlingsplanen');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Aktivitet').fill('Se över behörigheterna i verksamhetssystemet');
  await page.getByLabel('Prioritet').selectOption('hog');
  await page.getByLabel('Slut').fill('2027-03-31');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Åtgärd: Se över behörigheterna i verksamhetssystemet',
  );
  await expect(page.getByRole('status')).toContainText('Sparat.');
  await expectNoAccessibilityViolations(page);
  await page.goto('/mine/gaps');
  await page.getByRole('link', { name: 'Min handlingsplan' }).click();
  await expect(page.getByRole('table')).toContainText('Se över behörigheterna i verksamhetssystemet');
  await expectNoAccessibilityViolations(page);
  expect(errors).toEqual([]);
});

test('the CISO sees the heatmap and the review list, readable without colour, and defines an information type', async ({ page }) => {
  // Four walks in one, each page checked with axe, over the demo's classified and assessed systems.
  test.setTimeout(90_000);
  await signInAs(page, 'Per Sandberg');
  await page.goto('/inventory');
  await page.getByRole('link', { name: 'Översikt över skyddsnivåer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Översikt över skyddsnivåer');
  await expect(page.getByRole('img', { name: 'System per aspekt och nivå' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'System per aspekt och nivå' })).toContainText('Konfidentialitet');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'heatmap.png'), fullPage: true });
  await page.getByRole('link', { name: 'Klassningar att se över' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klassningar att se över');
  await expectNoAccessibilityViolations(page);

  // One sign-in for all three: the demo's sign-in routes are rate-limited across the whole suite.
  await definesAnInformationType(page);
  await describesASharedControl(page);
  await printsTheGapReport(page);
});

// The CISO describes a shared control, links a system to it, and the system's requirements show it as inherited.
async function describesASharedControl(page: Page) {
  const errors = collectConsoleErrors(page);
  await page.goto('/');
  await page.getByRole('link', { name: 'Gemensamma skyddsåtgärder' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gemensamma skyddsåtgärder');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Namn').fill('Kommunens inloggningstjänst med MFA');
  await page.getByLabel('Krav som skyddsåtgärden uppfyller').fill('LIS-5.9-01');
  await page.getByLabel('Status').selectOption('uppfyllt');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Gemensam skyddsåtgärd: Kommunens inloggningstjänst med MFA',
  );
  await expect(page.getByRole('status')).toContainText('Sparat.');
  await page.getByLabel('Systemets namn eller externa id').fill('Verksamhetssystem för socialtjänsten');
  await page.getByRole('button', { name: 'Koppla systemet' }).click();
  await expect(page.getByRole('link', { name: 'Verksamhetssystem för socialtjänsten' })).toBeVisible();
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'shared-control.png'), fullPage: true });
  await page.getByRole('link', { name: 'Verksamhetssystem för socialtjänsten' }).click();
  await expect(page.locator('#req-LIS-5\\.9-01')).toContainText('Ärvs från den gemensamma skyddsåtgärden');
  await expectNoAccessibilityViolations(page);
  expect(errors).toEqual([]);
}

// The CISO opens the municipality-wide gap report and prints it: the menu and filters stay off the paper, the date
// and scope stay on it.
async function printsTheGapReport(page: Page) {
  const errors = collectConsoleErrors(page);
  await page.goto('/');
  await page.getByRole('link', { name: 'Gapanalys' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gapanalys: Hela organisationen');
  await expect(page.getByRole('img', { name: 'Täckning per organisationsenhet och tema' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Cybersäkerhetslagen 2 kap. 3 §' })).toContainText('Hantering av incidenter');
  await expect(page.getByRole('table', { name: 'Per organisationsenhet', exact: true })).toContainText('Socialnämnden');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'gap-report.png'), fullPage: true });

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Visa' })).toBeHidden();
  await expect(page.getByText('Läge per')).toBeVisible();
  const pdf = await page.pdf({ path: path.join(screenshots, 'gap-report.pdf'), preferCSSPageSize: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });

  // A nämnd as scope: its sektor becomes a row.
  await page.getByLabel('Organisationsenhet', { exact: true }).selectOption({ label: '\u2003Socialnämnden' });
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gapanalys: Socialnämnden');
  await expect(page.getByRole('table', { name: 'Per organisationsenhet', exact: true })).toContainText('Sektor välfärd');
  await expectNoAccessibilityViolations(page);

  // The CISO closes the year's cycle and sees the report compared with it.
  await page.getByRole('link', { name: 'Uppföljningar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Uppföljningar');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Namn').fill('Uppföljning 2026');
  await page.getByRole('button', { name: 'Avsluta och frys läget' }).click();
  await expect(page.getByText('Jämförs med Uppföljning 2026')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Per organisationsenhet', exact: true })).toContainText('oförändrad');
  await expectNoAccessibilityViolations(page);
  expect(errors).toEqual([]);
}

// The CISO defines a common information type, offered on the questions page, and finds the import of
// classifications.
async function definesAnInformationType(page: Page) {
  const errors = collectConsoleErrors(page);
  await page.goto('/inventory');
  await page.getByRole('link', { name: 'Informationstyper' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Informationstyper');
  await expectNoAccessibilityViolations(page);
  await page.getByLabel('Namn').fill('Personuppgifter i personalakt');
  await page.getByLabel('K Konfidentialitet').selectOption('3');
  await page.getByLabel('R Riktighet').selectOption('2');
  await page.getByLabel('T Tillgänglighet').selectOption('1');
  await page.getByLabel('S Spårbarhet').selectOption('2');
  await page.getByLabel('Motivering').fill('Uppgifter om anställdas hälsa och lön.');
  await page.getByRole('button', { name: 'Spara' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Informationstyp: Personuppgifter i personalakt');
  await expect(page.getByRole('status')).toContainText('Sparat.');
  await expectNoAccessibilityViolations(page);
  await page.screenshot({ path: path.join(screenshots, 'information-type.png'), fullPage: true });

  const list = await page.goto('/inventory/informationsmangd?q=Orosanm%C3%A4lningar');
  expect(list?.status()).toBe(200);
  await page.getByRole('link', { name: 'Orosanmälningar om barn' }).first().click();
  await page.getByRole('link', { name: 'Klassa', exact: true }).click();
  await expect(page.getByLabel('Bygger på informationstyp')).toContainText('Personuppgifter i personalakt (K 3, R 2, T 1, S 2)');
  await expectNoAccessibilityViolations(page);

  // The import of classifications (KLASSA's or LIS's own export) starts from the inventory page.
  await page.goto('/inventory');
  await page.getByRole('link', { name: 'Importera klassningar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Importera klassningar');
  await expectNoAccessibilityViolations(page);
  expect(errors).toEqual([]);
}
