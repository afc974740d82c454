import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from './server';

const CHROMIUM = process.env.CGTLINK_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the background chatter that slows CI turned off. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CGTLINK_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser profile (no cookies, no stored language) pointed at the test server. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Signs in through the login form and waits for the signed-in layout. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor();
}

/** The options of the antd Select dropdown that is open now. */
export function openOptions(page: Page) {
  return page.locator('.ant-select-dropdown:visible .ant-select-item-option');
}

/** Waits until no Select dropdown is on screen (they fade out after a choice). */
export async function dropdownsClosed(page: Page, timeout?: number): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('.ant-select-dropdown')].every((d) => !d.checkVisibility()),
    undefined,
    timeout === undefined ? {} : { timeout },
  );
}

/**
 * Opens the antd Select marked with `testId` and picks the option whose label starts with `label`. On a starved
 * machine a click can land while the dropdown is still animating open and be lost, leaving it open: the choice is
 * then made again (choosing is idempotent).
 */
export async function choose(page: Page, testId: string, label: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId(testId).click();
    await openOptions(page).filter({ hasText: label }).first().click();
    try {
      await dropdownsClosed(page, attempt < 3 ? 5000 : undefined);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
      await dropdownsClosed(page);
    }
  }
}
