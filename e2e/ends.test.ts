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

describe('the other ends of the platform', () => {
  it('a guardian sees only the bound patient record, identified', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'guardian.li');
    await page.waitForURL('**/my-record');
    expect(await page.locator('[data-testid^="nav-"]').count()).toBe(2);
    const record = page.getByTestId('patient-record');
    await record.getByText('李小明').waitFor();
    await record.getByText('2011-03-15').waitFor();
    // Patients may not read the organization directory; the session names their hospital for the header.
    expect(await page.getByTestId('identity-organization').textContent()).toBe('广州市第一人民医院南沙医院');
    await context.close();
  });

  it('laboratory staff see their laboratory and its people', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'analyst.wu');
    await page.waitForURL('**/laboratory');
    await page.getByTestId('lab-organization').getByText('粤港澳大湾区临床级种子细胞库').waitFor();
    const staff = page.getByTestId('lab-users');
    for (const username of ['analyst.wu', 'qc.liang', 'qp.tang'])
      await staff.getByRole('cell', { name: username, exact: true }).waitFor();
    expect(await staff.getByRole('cell', { name: 'dr.zhou', exact: true }).count()).toBe(0);
    expect(await page.getByTestId('nav-patients').count()).toBe(0);
    await context.close();
  });

  it('a sponsor reads the organization directory without editing it', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'sponsor.xu');
    await page.waitForURL('**/organizations');
    expect(await page.getByTestId('nav-organizations').textContent()).toBe('机构名录');
    const table = page.getByTestId('org-table');
    await table.getByRole('cell', { name: 'GD-HC', exact: true }).waitFor();
    await table.getByRole('cell', { name: '南沙湾区儿童医院' }).waitFor();
    expect(await page.getByTestId('org-create').count()).toBe(0);
    expect(await table.getByRole('button').count()).toBe(0);
    await context.close();
  });

  it('the regulator’s overview counts patients across hospitals and shows the chain intact', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'inspector');
    await page.waitForURL('**/overview');
    // Six patients from the demo seed, plus those other browser tests have registered before this one ran.
    const handle = await page.waitForFunction(() => {
      const statistic = [...document.querySelectorAll('.ant-statistic')].find((s) =>
        s.textContent?.includes('在册患者'),
      );
      const value = Number(statistic?.querySelector('.ant-statistic-content')?.textContent);
      return value > 0 ? value : null;
    });
    expect(await handle.jsonValue()).toBeGreaterThanOrEqual(6);
    await page.getByTestId('audit-verify').click();
    await page
      .getByTestId('verify-result')
      .getByText(/审计哈希链完整/)
      .waitFor();
    await context.close();
  });
});
