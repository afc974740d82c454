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

describe('interface language', () => {
  it('speaks zh-CN by default, switches to English, and remembers the choice', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'admin');
    const auditNav = page.getByTestId('nav-audit');
    expect(await auditNav.textContent()).toBe('审计追踪');
    expect(await page.getByTestId('nav-organizations').textContent()).toBe('机构管理');
    expect(await page.getByTestId('identity-role').textContent()).toBe('平台管理员');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // antd's own texts follow the language too (ConfigProvider locale zh_CN / en_US).
    await auditNav.click();
    const rangeStart = page.locator('.ant-picker-range input').first();
    expect(await rangeStart.getAttribute('placeholder')).toMatch(/开始/);

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="nav-audit"]')?.textContent === 'Audit trail',
    );
    expect(await page.getByTestId('nav-organizations').textContent()).toBe('Organizations');
    expect(await page.getByTestId('identity-role').textContent()).toBe('Platform administrator');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await rangeStart.getAttribute('placeholder')).toMatch(/^Start/);
    await page.getByTestId('audit-verify').getByText('Verify chain').waitFor();

    // The choice survives a reload (localStorage) and applies to the sign-in page.
    await page.reload();
    await page.getByTestId('audit-verify').getByText('Verify chain').waitFor();
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    expect(await page.getByTestId('login-submit').textContent()).toMatch(/Sign in/);

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="login-submit"]')
        ?.textContent?.replace(/\s/g, '')
        .includes('登录'),
    );
    await context.close();
  });
});
