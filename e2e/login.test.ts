import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newPage, signIn } from './support/browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function attempt(page: import('playwright-core').Page, username: string, password: string) {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.getByTestId('login-submit').click();
  return (await answered).status();
}

describe('sign-in errors', () => {
  it('a wrong password shows a clear error and stays on the sign-in page', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await page.goto('/');
    await page.waitForURL('**/login');
    expect(await attempt(page, 'dr.he', 'not-the-password')).toBe(401);
    expect(await page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('logout').count()).toBe(0);
    await context.close();
  });

  it('after five failures the account is throttled and the page says when to try again', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await page.goto('/login');
    // THROTTLE.perUser = 5 failures in 15 minutes (packages/server/src/auth/auth.service.ts).
    for (let i = 0; i < 5; i++) expect(await attempt(page, 'qc.liang', `wrong-${i}`)).toBe(401);
    expect(await attempt(page, 'qc.liang', 'wrong-again')).toBe(429);
    const text = (await page.getByTestId('login-error').textContent()) ?? '';
    expect(text).toMatch(/登录失败次数过多，请在 \d+ 分钟后再试/);
    await context.close();
  });

  it('a session that ends under the user (cookie gone, 401) returns to sign-in and says why', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await page.getByTestId('patient-table').getByTestId('patient-row').first().waitFor();
    await context.clearCookies();
    await page.getByRole('button', { name: /刷\s?新/ }).click();
    await page.waitForURL('**/login');
    await page.getByText('会话已过期，请重新登录。').waitFor();
    await context.close();
  });
});
