import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { choose, launchBrowser, newPage, openOptions, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

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
    // Wait for the organization's roles themselves: the list is re-rendered once the organization's kind loads.
    await openOptions(page).filter({ hasText: '质量受权人' }).waitFor();
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

  it('edits an organization under optimistic locking: a stale edit is refused and the history shows the change', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'admin');
    const row = page.getByTestId('org-table').getByRole('row', { name: /THAL-CARE/ });
    await row.getByTestId('org-edit').click();
    await page.getByTestId('org-edit-name-en').waitFor();

    // Meanwhile, in a second tab of the same session, the same organization is renamed first.
    const other = await context.newPage();
    await other.goto('/organizations');
    await other
      .getByTestId('org-table')
      .getByRole('row', { name: /THAL-CARE/ })
      .getByTestId('org-edit')
      .click();
    await other.getByTestId('org-edit-name-en').fill('Thalassaemia Care Foundation');
    await other.getByTestId('org-edit-submit').click();
    await other.getByText('已保存机构 THAL-CARE').waitFor();
    await other.close();

    // The first tab still holds the old version: the server answers 409 and the list is reloaded.
    await page.getByTestId('org-edit-name-en').fill('Thal Care');
    await page.getByTestId('org-edit-submit').click();
    await page.getByText('该记录已被他人修改').waitFor();
    await row.getByText('Thalassaemia Care Foundation').waitFor();

    await row.getByTestId('org-history').click();
    const drawer = page.locator('.ant-drawer');
    // One line per changed field; creation and update both name the field nameEn.
    const change = drawer.getByRole('row', { name: /name_?en/i }).filter({ hasText: '修改' });
    await change.waitFor();
    expect(await change.textContent()).toContain('Thalassemia Care Foundation');
    expect(await change.textContent()).toContain('Thalassaemia Care Foundation');
    expect(await drawer.getByText('Thal Care', { exact: true }).count()).toBe(0);
    await context.close();
  });

  it('disables and re-enables an account and resets its password', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'admin');
    await page.getByTestId('nav-users').click();
    // foundation.yang is used by no other browser test.
    const row = page.getByTestId('user-table').getByRole('row', { name: /foundation\.yang/ });
    await row.getByTestId('user-disable').click();
    // antd spaces out two-character Chinese button labels ("停 用").
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /停\s?用/ })
      .click();
    await row.getByText('停用', { exact: true }).waitFor();

    const refused = await newPage(browser, baseUrl);
    await refused.page.goto('/login');
    await refused.page.getByTestId('login-username').fill('foundation.yang');
    await refused.page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await refused.page.getByTestId('login-submit').click();
    await refused.page.getByTestId('login-error').waitFor();
    await refused.context.close();

    await row.getByTestId('user-enable').click();
    await row.getByText('启用', { exact: true }).waitFor();
    await row.getByTestId('user-reset-password').click();
    await page.getByTestId('user-new-password').fill('Thal-care-reset-2026');
    await page.getByTestId('user-reset-submit').click();
    await page.getByText('已重置 foundation.yang 的密码').waitFor();
    await context.close();

    const again = await newPage(browser, baseUrl);
    await signIn(again.page, 'foundation.yang', 'Thal-care-reset-2026');
    await again.page.getByTestId('nav-organizations').waitFor();
    await again.context.close();
  });
});
