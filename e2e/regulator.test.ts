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

// Names the demo seed gives its six patients (packages/server/src/seed/demo.ts), and the one hospital.test.ts adds.
const NAMES = ['李小明', '张雨桐', '王建国', '刘芳', '陈思远', '黄可欣', '赵小北'];

describe('regulator end (inspector, Guangdong Provincial Health Commission)', () => {
  it('sees the audit trail in the menu and every hospital’s patients by pseudonym only', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'inspector');
    await page.waitForURL('**/overview');
    await page.getByTestId('nav-audit').waitFor();
    expect(await page.getByTestId('nav-users').count()).toBe(0);

    await page.getByTestId('nav-patients').click();
    await page.waitForURL('**/patients');
    const table = page.getByTestId('patient-table');
    await table.getByTestId('patient-row').first().waitFor();
    const rows = table.getByTestId('patient-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(6);
    const text = (await table.textContent()) ?? '';
    for (const name of NAMES) expect(text).not.toContain(name);
    // Pseudonyms: "P-" and ten Crockford base-32 characters.
    for (const row of await rows.all()) {
      expect(await row.locator('td').first().textContent()).toMatch(/^P-[0-9A-HJKMNP-TV-Z]{10}$/);
    }
    // No column of direct identifiers either.
    expect(await table.getByRole('columnheader', { name: '姓名' }).count()).toBe(0);

    await rows.first().getByTestId('patient-open').click();
    const record = page.getByTestId('patient-record');
    await record.getByText('去标识化').waitFor();
    const recordText = (await record.textContent()) ?? '';
    for (const name of NAMES) expect(recordText).not.toContain(name);
    expect(recordText).not.toMatch(/44011\d{13}/);
    await context.close();
  });

  it('lists audit entries newest first, filters them, shows a change history and verifies the chain', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'inspector');
    await page.getByTestId('nav-audit').click();
    await page.waitForURL('**/audit');

    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const ids = await table.locator('tbody tr.ant-table-row td:nth-child(2)').allTextContents();
    expect(ids.length).toBeGreaterThan(10);
    const numbers = ids.map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    // Times in the clinical convention: YYYY-MM-DD HH:mm, 24-hour.
    expect(await table.locator('tbody tr.ant-table-row td:nth-child(3)').first().textContent()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );

    // Filter by record type: only organization entries remain.
    await page.getByTestId('audit-filter-type').locator('input').fill('organization');
    await page.getByTestId('audit-search').click();
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    await page.waitForFunction(() => {
      const cells = [
        ...document.querySelectorAll('[data-testid="audit-table"] tbody tr.ant-table-row td:nth-child(7)'),
      ];
      return cells.length > 0 && cells.every((c) => c.textContent === '机构');
    });

    // One organization's human-readable history.
    await table.getByTestId('audit-open-history').first().click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByText('变更历史').waitFor();
    await drawer.getByRole('cell', { name: 'code' }).waitFor();
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });

    await page.getByTestId('audit-verify').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    const verdict = (await result.textContent()) ?? '';
    expect(verdict).toMatch(/审计哈希链完整：已校验 \d+ 条记录/);
    expect(Number(/已校验 (\d+) 条/.exec(verdict)?.[1])).toBeGreaterThan(10);
    await context.close();
  });

  it('pages through the audit trail with "load more" (keyset: entries older than the last one shown)', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'inspector');
    // Every reading of a patient record is audited: 60 readings make sure there is more than one page of 50.
    await page.evaluate(async () => {
      const patients = (await (await fetch('/api/patients')).json()) as { id: string }[];
      for (let i = 0; i < 60; i++) await fetch(`/api/patients/${patients[i % patients.length]!.id}`);
    });
    await page.getByTestId('nav-audit').click();
    const idCells = page.getByTestId('audit-table').locator('tbody tr.ant-table-row td:nth-child(2)');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="audit-table"] tbody tr.ant-table-row').length === 50,
    );
    await page.getByTestId('audit-load-more').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="audit-table"] tbody tr.ant-table-row').length > 50,
    );
    const ids = (await idCells.allTextContents()).map(Number);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(await page.getByTestId('audit-count').textContent()).toContain(String(ids.length));
    await context.close();
  });
});
