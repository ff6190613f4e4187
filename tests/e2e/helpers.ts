// What the browser specs share: the axe check, console-error collection and the demo sign-in.
import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as path from 'node:path';

/** Screenshots go to the repository's target/e2e directory. */
export const screenshots = path.resolve(__dirname, '../../target/e2e');

/** Fails with the full list of WCAG 2.1 A/AA violations axe finds on the page. */
export async function expectNoAccessibilityViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  expect(summary, JSON.stringify(results.violations, null, 2)).toEqual([]);
}

/** Collects console errors, such as resources the Content Security Policy blocked. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** Signs in through the demo sign-in page as the named demo person, starting from `start`. */
export async function signInAs(page: Page, name: string, start = '/') {
  await page.goto(start);
  await expect(page).toHaveURL(/\/auth\/demo/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logga in i demon');
  await page.getByRole('button', { name: new RegExp(name) }).click();
}
