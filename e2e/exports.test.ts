import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unzip } from '../packages/server/src/exports/zip';
import { launchBrowser, newPage, signIn } from './support/browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Names the demo seed gives its patients (packages/server/src/seed/demo.ts).
const NAMES = ['李小明', '张雨桐', '王建国', '刘芳', '陈思远', '黄可欣'];

describe('evaluation exports (sponsor)', () => {
  it('chooses its filing and a format and downloads a de-identified ZIP with its dictionary', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'sponsor.xu');
    await page.getByTestId('nav-exports').click();
    await page.waitForURL('**/exports');
    await page.getByText('去标识化规则').waitFor();
    expect(await page.getByTestId('export-download').isDisabled()).toBe(true);

    await page.getByTestId('export-filing').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'F-2026-NSGT01' }).click();
    await page.getByTestId('export-format-cibmtr').click();
    await page.getByText('cibmtr_missing').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^F-2026-NSGT01_cibmtr_\d{4}-\d{2}-\d{2}\.zip$/);
    const file = join(mkdtempSync(join(tmpdir(), 'cgtlink-e2e-')), download.suggestedFilename());
    await download.saveAs(file);
    const entries = unzip(readFileSync(file));
    expect(entries.map((e) => e.name)).toEqual([
      'cibmtr_day0.csv',
      'cibmtr_followup.csv',
      'cibmtr_missing.csv',
      'dictionary.csv',
      'manifest.csv',
    ]);
    const text = entries.map((e) => String(e.content)).join('\n');
    expect(text).toContain('中性粒细胞植入日');
    for (const name of NAMES) expect(text).not.toContain(name);
    await context.close();
  });
});
