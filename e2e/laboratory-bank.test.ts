import type { Browser, Page } from 'playwright-core';
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

/** The text box of an antd InputNumber carrying `testId` (on the input itself or on its wrapper). */
const numberInput = (page: Page, testId: string) =>
  page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();

async function newBank(
  page: Page,
  bank: {
    kind: '主细胞库' | '工作细胞库';
    parent?: string;
    lot: string;
    prefix: string;
    box: string;
    count: number;
  },
) {
  await page.getByTestId('bank-new').click();
  await choose(page, 'bank-line', 'UC-MSC-E2E');
  await choose(page, 'bank-kind', bank.kind);
  if (bank.parent) await choose(page, 'bank-parent', bank.parent);
  await page.getByTestId('bank-lot').fill(bank.lot);
  await page.getByTestId('bank-frozen').fill('2026-11-01');
  await page.getByTestId('bank-expires').fill('2031-11-01');
  await page.getByTestId('bank-prefix').fill(bank.prefix);
  await numberInput(page, 'bank-count').fill(String(bank.count));
  await page.getByTestId('bank-tank').fill('LN2-09');
  await page.getByTestId('bank-rack').fill('R9');
  await page.getByTestId('bank-box').fill(bank.box);
  await page.getByTestId('bank-submit').click();
  await page.getByTestId(`bank-available-${bank.lot}`).waitFor();
  expect(await page.getByTestId(`bank-available-${bank.lot}`).textContent()).toBe(String(bank.count));
}

describe('laboratory end: the seed cell bank and assay controls', () => {
  it('registers a cell line with its donor, freezes a master and a working bank, thaws and freezes vials on the box map', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'analyst.wu');
    await page.getByTestId('nav-cell-bank').click();

    // The cell line and its source: donor eligibility, consent and donor testing.
    await page.getByTestId('line-new').click();
    await page.getByTestId('line-code').fill('UC-MSC-E2E');
    await page.getByTestId('line-name').fill('脐带间充质干细胞 E2E');
    await page.getByTestId('line-tissue').fill('Umbilical cord, term delivery');
    await page.getByTestId('line-donor').fill('D-2026-E2E');
    await page.getByTestId('line-consent').fill('GBA-SCB-ICF-2026-E2E');
    await page.getByTestId('line-testing').fill('HBsAg negative');
    await page.getByTestId('line-submit').click();
    // A testing line without "=" is refused by the form before anything is sent.
    await page.getByText('“HBsAg negative”缺少“=”').waitFor();
    await page.getByTestId('line-testing').fill('HBsAg = negative\nAnti-HIV-1/2 = negative');
    await page.getByTestId('line-submit').click();
    const line = page.getByTestId('line-table').locator('tr', { hasText: 'UC-MSC-E2E' });
    await line.getByText('合格').waitFor();
    await line.getByText('HBsAg: negative; Anti-HIV-1/2: negative').waitFor();

    // A master bank, then a working bank from it.
    await newBank(page, { kind: '主细胞库', lot: 'MCB-E2E-01', prefix: 'MCBE2E', box: 'E1', count: 4 });
    await newBank(page, {
      kind: '工作细胞库',
      parent: 'MCB-E2E-01',
      lot: 'WCB-E2E-01',
      prefix: 'WCBE2E',
      box: 'E2',
      count: 6,
    });

    // Thaw the vial in position 3 from the box map.
    await page.getByTestId('bank-open-WCB-E2E-01').click();
    await page.getByTestId('box-map').waitFor();
    expect(await page.getByTestId('box-position-3').getAttribute('data-status')).toBe('stored');
    await page.getByTestId('box-position-3').click();
    await page.getByTestId('vial-panel').getByText('WCBE2E-003').waitFor();
    await page.getByTestId('vial-note').fill('Mycoplasma retest');
    await page.getByTestId('vial-thaw').click();
    await page.locator('[data-testid="box-position-3"][data-status="thawed"]').waitFor();
    await page.locator('[data-testid="bank-available-WCB-E2E-01"]', { hasText: '5' }).waitFor();

    // Freeze one more vial into the empty position 10.
    expect(await page.getByTestId('box-position-10').getAttribute('data-status')).toBe('empty');
    await page.getByTestId('box-position-10').click();
    await page.getByTestId('freeze-label').fill('WCBE2E-010');
    await page.getByTestId('freeze-submit').click();
    await page.locator('[data-testid="box-position-10"][data-status="stored"]').waitFor();
    await page.locator('[data-testid="bank-available-WCB-E2E-01"]', { hasText: '6' }).waitFor();

    // The thawed vial is traced from the same panel: no batch took it.
    await page.getByTestId('box-position-3').click();
    expect(await page.getByTestId('vial-status').textContent()).toBe('已复苏');
    expect(await page.getByTestId('vial-thaw').count()).toBe(0);
    await page.getByTestId('vial-trace').click();
    await page.getByTestId('recall').getByText('无患者接受这些批次').waitFor();
    await context.close();
  });

  it('enters a control run and shows its Westgard verdict at once on the Levey–Jennings chart', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'qc.liang');
    await page.getByTestId('nav-control-charts').click();
    await page.getByTestId('lj-chart').waitFor();
    const before = await page.locator('[data-testid^="lj-point-"]').count();
    // Target 0.5 EU/mL, SD 0.05: 0.71 is +4.2 SD, beyond 3 SD — the 1-3s rule rejects the run.
    await numberInput(page, 'run-value').fill('0.71');
    await page.getByTestId('run-submit').click();
    const verdict = page.getByTestId('run-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-status')).toBe('reject');
    expect(await verdict.textContent()).toContain('1-3s');
    expect(await verdict.textContent()).toContain(`第 ${before + 1} 次测定 0.71（z = 4.20）：失控`);
    expect(await page.getByTestId(`lj-point-${before + 1}`).getAttribute('data-status')).toBe('reject');
    await page
      .getByTestId('lj-violations')
      .locator('li', { hasText: `#${before + 1} ` })
      .filter({ hasText: '1-3s' })
      .waitFor();
    // An in-control value right after.
    await numberInput(page, 'run-value').fill('0.51');
    await page.getByTestId('run-submit').click();
    await page.locator('[data-testid="run-verdict"][data-status="accept"]').waitFor();
    expect(await page.locator('[data-testid^="lj-point-"]').count()).toBe(before + 2);
    await context.close();
  });
});
