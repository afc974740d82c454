import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { choose, launchBrowser, newPage, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const REFERENCE = 'MSC-E2E-01';
const MAPPING = JSON.stringify({
  sampleColumn: 'Sample',
  analyteColumn: 'Test',
  valueColumn: 'Result',
  unitColumn: 'Unit',
  analytes: {
    CD73: 'CD73',
    CD90: 'CD90',
    CD105: 'CD105',
    CD34: 'CD34',
    CD45: 'CD45',
    HLADR: 'HLA-DR',
    VIAB: 'Viability',
    ENDO: 'Endotoxin',
    STER: 'Sterility',
    MYCO: 'Mycoplasma',
  },
});
// Endotoxin 7.2 EU/kg is out of specification (≤ 5 EU/kg, DESIGN.md §3.5); "CD3" is not in the mapping.
const CSV = [
  'Sample,Test,Result,Unit',
  `${REFERENCE},CD73,99.2,%`,
  `${REFERENCE},CD90,98.8,%`,
  `${REFERENCE},CD105,97.5,%`,
  `${REFERENCE},CD34,0.3,%`,
  `${REFERENCE},CD45,0.6,%`,
  `${REFERENCE},HLADR,0.2,%`,
  `${REFERENCE},VIAB,93.4,%`,
  `${REFERENCE},ENDO,7.2,EU/kg`,
  `${REFERENCE},STER,negative,`,
  `${REFERENCE},MYCO,negative,`,
  `${REFERENCE},CD3,0.1,%`,
].join('\n');

async function openBatch(page: Page): Promise<void> {
  await page.goto('/batches');
  await page.getByTestId(`batch-row-${REFERENCE}`).getByTestId('batch-open').click();
  await page.getByTestId('batch-identity').waitFor();
}

describe('laboratory end: a batch from receipt to certificate', () => {
  it('receives a batch, imports QC with a bad row, investigates the OOS, releases with the QP signature and prints the certificate', async () => {
    // Receipt: the analyst starts an allogeneic MSC batch from the demo working bank.
    let { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'analyst.wu');
    await page.getByTestId('nav-batches').click();
    await page.getByTestId('batch-receive').click();
    await page.getByTestId('batch-reference').fill(REFERENCE);
    await choose(page, 'batch-working-bank', 'WCB-UC07-2026A');
    await page.getByTestId('batch-submit').click();
    await page.getByTestId(`batch-row-${REFERENCE}`).waitFor();
    await openBatch(page);
    expect(await page.getByTestId('batch-status').textContent()).toBe('生产中');

    // Two vials of the working bank go to the batch (the demo batch already took WCB07A-001 and -002).
    await page.locator('.ant-input-number input').fill('2');
    await page.getByTestId('issue-vials').click();
    await page.getByText('已发放：WCB07A-003, WCB07A-004').waitFor();
    // A manufacturing step with its process parameters.
    await page.getByTestId('step-name').fill('Thaw and seed (P5)');
    await page.getByTestId('step-parameters').fill('vialsThawed = 2\nviabilityPercent = 95.1');
    await page.getByTestId('step-start').fill('2026-11-20T09:00');
    await page.getByTestId('step-end').fill('2026-11-20T09:40');
    await page.getByTestId('step-submit').click();
    await page.getByTestId('steps').getByText('viabilityPercent = 95.1', { exact: false }).waitFor();

    // Instrument import: the preview reports the unreadable row; the commit stores the rest.
    await page.getByTestId('import-instrument').fill('FACS-E2E');
    await page.getByTestId('import-mapping').fill(MAPPING);
    await page.getByTestId('import-csv').fill(CSV);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-summary').getByText('可读取 10 行，无法读取 1 行').waitFor();
    await page.getByTestId('import-rejected').getByText('"CD3" is not in the instrument mapping').waitFor();
    await page.getByTestId('import-commit').click();
    await page.getByTestId('import-summary').getByText('已导入 10 行').waitFor();
    await page.getByTestId('outcome-Endotoxin').getByText('超标（OOS）').waitFor();
    await page.getByTestId('outcome-Viability').getByText('符合').waitFor();
    await context.close();

    // The QC manager investigates: laboratory error, closed; the retest passes.
    ({ context, page } = await newPage(browser, baseUrl));
    await signIn(page, 'qc.liang');
    await openBatch(page);
    await page.getByTestId('investigations').getByText('进行中').waitFor();
    await page.getByTestId('investigation-edit').click();
    await page.getByTestId('investigation-root-cause').fill('Sample tube not depyrogenated');
    await page.getByTestId('investigation-capa').fill('Use certified endotoxin-free tubes; retrain');
    await choose(page, 'investigation-conclusion', '实验室错误');
    await page.getByTestId('investigation-close').check();
    await page.getByTestId('investigation-submit').click();
    await page.getByTestId('investigations').getByText('已关闭').waitFor();
    await choose(page, 'result-analyte', 'Endotoxin');
    await page.getByTestId('result-value').fill('1.1');
    await page.getByTestId('result-submit').click();
    await page.getByTestId('outcome-Endotoxin').getByText('符合').waitFor();
    await context.close();

    // The qualified person releases with a re-entered password; the certificate shows the signature.
    ({ context, page } = await newPage(browser, baseUrl));
    await signIn(page, 'qp.tang');
    await openBatch(page);
    await page.getByTestId('disposition').getByText('全部项目符合标准，可以放行。').waitFor();
    await page.getByTestId('disposition-password').fill(DEMO_PASSWORD);
    await page.getByTestId('disposition-sign').click();
    await page.getByTestId('batch-status').getByText('已放行').waitFor();
    await page.getByTestId('signatures').getByText('唐振华 Tang Zhenhua').waitFor();

    await page.getByTestId('certificate-link').click();
    const certificate = page.getByTestId('certificate');
    await certificate.waitFor();
    expect(await page.getByTestId('coa-status').textContent()).toBe('已放行');
    const rows = page.getByTestId('coa-results').locator('tbody tr');
    expect(await rows.count()).toBe(10);
    await page.getByTestId('coa-results').getByText('≤ 5 EU/kg').waitFor();
    await page
      .getByTestId('coa-investigations')
      .getByText('Sample tube not depyrogenated', { exact: false })
      .waitFor();
    const signature = await page.getByTestId('coa-signatures').textContent();
    expect(signature).toContain('唐振华 Tang Zhenhua');
    expect(signature).toContain('放行');
    expect(signature).toContain('有效');
    await context.close();
  });

  it('shows the cell bank with a box map and the recall list of the working bank', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'qc.liang');
    await page.getByTestId('nav-cell-bank').click();
    await page.getByTestId('bank-open-WCB-UC07-2026A').click();
    const map = page.getByTestId('box-map');
    await map.waitFor();
    expect(await page.getByTestId('box-position-1').getAttribute('data-status')).toBe('issued');
    expect(await page.getByTestId('box-position-20').getAttribute('data-status')).toBe('stored');
    expect(await page.getByTestId('box-position-21').getAttribute('data-status')).toBe('empty');
    await page.getByTestId('bank-recall-WCB-UC07-2026A').click();
    await page.getByTestId('recall').getByText('MSC-2026-001', { exact: false }).waitFor();
    // A vial of the box traces to the batch it was issued to (the demo batch reached no patient yet).
    await page.getByTestId('box-position-1').click();
    await page.getByTestId('vial-trace').click();
    await page.getByTestId('recall').getByText('无患者接受这些批次').waitFor();
    await context.close();
  });

  it('draws the Levey–Jennings chart of the demo endotoxin control with its Westgard violations marked', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'qc.liang');
    await page.getByTestId('nav-control-charts').click();
    await page.getByTestId('lj-chart').waitFor();
    expect(await page.getByTestId('lj-point-9').getAttribute('data-status')).toBe('reject');
    expect(await page.getByTestId('lj-point-12').getAttribute('data-status')).toBe('warning');
    expect(await page.getByTestId('lj-point-1').getAttribute('data-status')).toBe('accept');
    // Other browser tests may add runs to the same control (and so more violations): each rule is shown.
    await page.getByTestId('lj-violations').getByText('1-3s').first().waitFor();
    await page.getByTestId('lj-violations').getByText('2-2s').first().waitFor();
    await page.getByTestId('trend-chart').waitFor();
    expect(await page.getByTestId('trend-point-MSC-2026-001').count()).toBe(1);
    await context.close();
  });

  it('drafts a new specification version and approves it with the QP signature; the old version is superseded', async () => {
    let { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'qc.liang');
    const table = page.getByTestId('spec-table');
    // The demo's MSC-UC specification (other browser tests may have approved specifications of other products).
    const mscRow = () => page.getByTestId('spec-table').getByRole('row', { name: /MSC-UC/ });
    await mscRow().getByText('现行').first().waitFor();
    await mscRow().getByTestId('spec-new-version').click();
    await page.getByTestId('spec-tests').waitFor();
    await page
      .getByRole('button', { name: '保 存' })
      .or(page.getByRole('button', { name: '保存' }))
      .click();
    await table.getByText('草稿').waitFor();
    await context.close();

    ({ context, page } = await newPage(browser, baseUrl));
    await signIn(page, 'qp.tang');
    await mscRow().getByTestId('spec-approve').click();
    await page.getByTestId('spec-approve-password').fill(DEMO_PASSWORD);
    await page.getByTestId('spec-approve-sign').click();
    await page.getByTestId('spec-table').getByText('已被替代').first().waitFor();
    expect(await page.getByTestId('spec-table').getByText('草稿').count()).toBe(0);
    await context.close();
  });
});
