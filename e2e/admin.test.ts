import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { choose, launchBrowser, newPage, openOptions, signIn } from './support/browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const CODE = 'SZ-CELL-LAB';
const USERNAME = 'qp.shenzhen';
const PASSWORD = 'Shenzhen-cell-2026!';

describe('platform administrator', () => {
  it('adds an organization and a user through the forms; the server’s field errors show by the fields', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'admin');
    await page.waitForURL('**/organizations');
    for (const nav of ['nav-organizations', 'nav-users', 'nav-audit']) await page.getByTestId(nav).waitFor();
    expect(await page.getByTestId('nav-patients').count()).toBe(0);

    // An organization code in lower case with a space: the server's schema refuses it (OrganizationCreate.code).
    await page.getByTestId('org-create').click();
    await page.getByTestId('org-code').fill('bad code');
    await choose(page, 'org-kind', '实验室');
    await page.getByTestId('org-name-zh').fill('深圳细胞治疗实验室');
    await page.getByTestId('org-name-en').fill('Shenzhen Cell Therapy Laboratory');
    await page.getByTestId('org-submit').click();
    const codeItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('org-code') });
    await codeItem
      .locator('.ant-form-item-explain-error')
      .getByText('upper-case letters, digits and hyphens, 2–32 characters')
      .waitFor();
    await page.getByTestId('error-alert').getByText('输入有误').waitFor();

    await page.getByTestId('org-code').fill(CODE);
    await page.getByTestId('org-submit').click();
    await page.getByTestId('org-table').getByRole('cell', { name: CODE, exact: true }).waitFor();

    // A user of the new laboratory: only laboratory roles are offered (domain policy organizationKindFor).
    await page.getByTestId('nav-users').click();
    await page.waitForURL('**/users');
    await page.getByTestId('user-table').getByRole('cell', { name: 'dr.zhou', exact: true }).waitFor();
    await page.getByTestId('user-create').click();
    await choose(page, 'user-organization', CODE);
    await page.getByTestId('user-role').click();
    await openOptions(page).first().waitFor();
    expect(await openOptions(page).allTextContents()).toEqual([
      '实验室检验员',
      '质量控制负责人',
      '质量受权人',
    ]);
    await openOptions(page).filter({ hasText: '质量受权人' }).click();
    await page.getByTestId('user-username').fill(USERNAME);
    await page.getByTestId('user-display-name').fill('郑宇 Zheng Yu');
    // Too short for the password policy (NIST SP 800-63B §5.1.1.2 minimum of 12 here): refused by the server.
    await page.getByTestId('user-password').fill('short');
    await page.getByTestId('user-submit').click();
    const passwordItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('user-password') });
    await passwordItem
      .locator('.ant-form-item-explain-error')
      .getByText('must be at least 12 characters', { exact: false })
      .waitFor();

    await page.getByTestId('user-password').fill(PASSWORD);
    await page.getByTestId('user-submit').click();
    await page.getByTestId('user-table').getByRole('cell', { name: USERNAME, exact: true }).waitFor();
    await context.close();

    // The new account signs in and lands in its laboratory.
    const second = await newPage(browser, baseUrl);
    await signIn(second.page, USERNAME, PASSWORD);
    await second.page.waitForURL('**/laboratory');
    await second.page.getByTestId('lab-organization').getByText(CODE).waitFor();
    await second.page.getByTestId('lab-users').getByRole('cell', { name: USERNAME, exact: true }).waitFor();
    expect(await second.page.getByTestId('identity-role').textContent()).toBe('质量受权人');
    await second.context.close();
  });
});
