import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pdfText } from '../packages/server/test/support/pdf-text';
import { apiAs } from './support/api';
import { choose, launchBrowser, newPage, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

const baseUrl = inject('baseUrl');
let browser: Browser;

const cohortSize = async (page: Page) =>
  Number((await page.getByTestId('eval-cohort-n').textContent())?.trim());

beforeAll(async () => {
  browser = await launchBrowser();
  const zhou = await apiAs('dr.zhou');
  const filing = (await zhou<{ id: string; reference: string }[]>('GET', '/api/filings')).find(
    (f) => f.reference === 'F-2026-NSGT01',
  )!;
  const people = [
    { name: '评价甲', sex: 'female', hb: [10.5, 11, 11.2] },
    { name: '评价乙', sex: 'female', hb: [9.8, 10.2, 10.6] },
    { name: '评价丙', sex: 'male', hb: [8.1, 8.3, 8.0] },
  ];
  for (const p of people) {
    const created = await zhou<{ id: string }>('POST', '/api/patients', {
      name: p.name,
      sex: p.sex,
      birthDate: '2015-03-01',
      diagnosis: 'β-thalassemia major (β0/β0)',
    });
    await zhou('POST', `/api/patients/${created.id}/followup/enrolment`, {
      productName: 'NSG-101',
      graftSource: 'gene-therapy',
      protocol: 'gene-therapy',
      infusionDate: '2024-01-10',
      filingId: filing.id,
    });
    for (const [i, v] of p.hb.entries()) {
      await zhou('POST', `/api/patients/${created.id}/observations`, {
        code: 'hb',
        value: v,
        unit: 'g/dL',
        observedOn: ['2024-03-01', '2024-09-01', '2025-06-01'][i],
      });
    }
  }
});
afterAll(async () => {
  await browser?.close();
});

describe('the evaluation centre', () => {
  it('opens a filing’s evaluation, narrows it by sex, signs the report twice and downloads it as HTML and PDF', async () => {
    const evaluator = await newPage(browser, baseUrl);
    const page = evaluator.page;
    await signIn(page, 'evaluator.chen');
    // The evaluator lands on the evaluation page, the only entry of its menu.
    await page.getByTestId('eval-tab-views').waitFor();
    await choose(page, 'eval-filing', 'F-2026-NSGT01');
    await page.getByTestId('eval-km-os').waitFor();
    const all = await cohortSize(page);
    expect(all).toBeGreaterThanOrEqual(3);
    // The MSC indications' end points have their sections even when the filing treats none of them.
    await page.getByText('肝衰竭：MELD 变化与 90 天生存').waitFor();
    await page.getByText('膝骨关节炎：KOOS 变化').waitFor();
    expect(await page.getByTestId('eval-liver-none').textContent()).toContain('本队列无此类患者');
    const tiAll = await page.getByTestId('eval-ti').textContent();
    // A filter narrows the cohort: the figures change.
    await choose(page, 'eval-sex', '男');
    await page.waitForFunction(
      (before) =>
        document.querySelector('[data-testid="eval-cohort-n"]')?.textContent?.trim() !== String(before),
      all,
    );
    const male = await cohortSize(page);
    expect(male).toBeGreaterThanOrEqual(1);
    expect(male).toBeLessThan(all);
    expect(await page.getByTestId('eval-ti').textContent()).not.toBe(tiAll);
    // The patients behind a figure are pseudonyms for the evaluation centre.
    await page.getByTestId('eval-cohort-n').click();
    const behind = page.getByTestId('eval-patients');
    await behind.getByText(/^P-/).first().waitFor();
    expect(await behind.textContent()).not.toContain('评价丙');
    await page.keyboard.press('Escape');

    // The report: computed at a cut-off, signed by the evaluator.
    await page.getByTestId('eval-tab-reports').click();
    await choose(page, 'report-filing', 'F-2026-NSGT01');
    await page.getByTestId('report-new').click();
    await page.getByTestId('report-status').filter({ hasText: '草稿' }).waitFor();
    await page.getByTestId('report-sign-authored').click();
    await page.getByTestId('report-password').fill(DEMO_PASSWORD);
    await page.getByTestId('report-sign-ok').click();
    await page.getByTestId('report-status').filter({ hasText: '评价人已签' }).waitFor();
    await evaluator.context.close();

    // The reviewer, another person of the centre, signs; the report becomes immutable and is downloaded.
    const reviewer = await newPage(browser, baseUrl);
    await signIn(reviewer.page, 'reviewer.luo');
    await reviewer.page.getByTestId('eval-tab-reports').click();
    await choose(reviewer.page, 'report-filing', 'F-2026-NSGT01');
    await reviewer.page.getByTestId('report-table').getByText('评价人已签').first().click();
    await reviewer.page.getByTestId('report-sign-reviewed').click();
    await reviewer.page.getByTestId('report-password').fill(DEMO_PASSWORD);
    await reviewer.page.getByTestId('report-sign-ok').click();
    await reviewer.page.getByTestId('report-status').filter({ hasText: '已签署' }).waitFor();
    const [download] = await Promise.all([
      reviewer.page.waitForEvent('download'),
      reviewer.page.getByTestId('report-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^evaluation-report-F-2026-NSGT01-v\d+-zh-CN\.html$/);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).toContain('数据截止');
    expect(html).toContain('陈思敏');
    expect(html).toContain('罗嘉明');
    expect(html).toContain('data-status="signed"');
    expect(html).toContain('<svg');
    // The same report as a server-made PDF, in the interface language.
    const [pdfDownload] = await Promise.all([
      reviewer.page.waitForEvent('download'),
      reviewer.page.getByTestId('report-download-pdf').click(),
    ]);
    expect(pdfDownload.suggestedFilename()).toMatch(/^evaluation-report-F-2026-NSGT01-v\d+-zh-CN\.pdf$/);
    const pdf = readFileSync((await pdfDownload.path())!);
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = (await pdfText(pdf)).pages.join(' ');
    expect(text).toContain('F-2026-NSGT01');
    expect(text).toContain('罗嘉明');
    expect(text).not.toContain('DRAFT');
    // Reproduction from the cut-off gives the same hash.
    await reviewer.page.getByTestId('report-reproduce').click();
    await reviewer.page.getByTestId('report-reproduced').filter({ hasText: '哈希相同' }).waitFor();
    await reviewer.context.close();
  });
});
