import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { choose, launchBrowser, newPage, signIn } from './support/browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('hospital end (dr.zhou, Nansha Hospital)', () => {
  it('sees Patients, no audit or administration, and the own patients identified by name', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await page.waitForURL('**/patients');

    await page.getByTestId('nav-patients').waitFor();
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    expect(await page.getByTestId('nav-organizations').count()).toBe(0);
    expect(await page.getByTestId('nav-users').count()).toBe(0);

    expect(await page.getByTestId('identity-name').textContent()).toContain('周晓峰');
    expect(await page.getByTestId('identity-role').textContent()).toBe('医院医师');
    await page.getByTestId('identity-organization').getByText('广州市第一人民医院南沙医院').waitFor();

    // The demo seed registers four patients at NSH and two at NBCH: only NSH's are in scope, with names (other
    // browser tests may have registered more at NSH before this one ran).
    await page.getByRole('cell', { name: '李小明' }).waitFor();
    const table = page.getByTestId('patient-table');
    expect(await table.getByTestId('patient-row').count()).toBeGreaterThanOrEqual(4);
    for (const name of ['李小明', '张雨桐', '王建国', '刘芳']) await table.getByText(name).waitFor();
    expect(await table.getByText('陈思远').count()).toBe(0);

    // The record itself shows direct identifiers to the treating hospital.
    await page
      .getByRole('row', { name: /李小明/ })
      .getByTestId('patient-open')
      .click();
    const record = page.getByTestId('patient-record');
    await record.getByText('440115201103150012').waitFor();
    await record.getByText('2011-03-15').waitFor();
    await context.close();
  });

  it('restores the session on reload, refuses pages outside its menu, and signs out', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'coord.lin');
    await page.reload();
    await page.getByTestId('nav-patients').waitFor();
    expect(await page.getByTestId('identity-name').textContent()).toContain('林嘉欣');

    await page.goto('/audit');
    await page.getByText('无权访问', { exact: true }).waitFor();

    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await page.goto('/patients');
    await page.waitForURL('**/login');
    await page.getByTestId('login-username').waitFor();
    await context.close();
  });

  it('registers a patient at Nansha Bay Children’s Hospital; a malformed identity number is refused by the server', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.he');
    await page.waitForURL('**/patients');
    const table = page.getByTestId('patient-table');
    await table.getByText('陈思远').waitFor();

    await page.getByTestId('patient-register').click();
    await page.getByTestId('patient-name').fill('赵小北');
    // 17 digits: one short of a resident identity number (GB 11643-1999 has 18 characters).
    await page.getByTestId('patient-national-id').fill('44011520190101001');
    await choose(page, 'patient-sex', '女');
    await page.getByTestId('patient-birth-date').click();
    await page.keyboard.type('2019-01-01');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('patient-diagnosis')
      .fill('β-thalassemia major (β0/β0, HBB c.126_129delCTTT homozygous)');
    await page.getByTestId('patient-submit').click();
    const idItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('patient-national-id') });
    await idItem
      .locator('.ant-form-item-explain-error')
      .getByText('18-character resident identity number')
      .waitFor();

    await page.getByTestId('patient-national-id').fill('44011520190101002X');
    await page.getByTestId('patient-submit').click();
    const row = table.getByRole('row', { name: /赵小北/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('2019-01-01');
    expect(await row.textContent()).toMatch(/P-[0-9A-HJKMNP-TV-Z]{10}/);
    expect(await table.getByTestId('patient-row').count()).toBe(3);
    await context.close();
  });
});
