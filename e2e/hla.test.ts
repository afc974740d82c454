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

// Haplotypes A~C~B~DRB1~DQB1 of a hand-made family: the father is a/b, the patient a/c, a sister a/c.
const H = {
  a: ['A*01:01', 'C*07:01', 'B*08:01', 'DRB1*03:01', 'DQB1*02:01'],
  b: ['A*24:02', 'C*01:02', 'B*46:01', 'DRB1*09:01', 'DQB1*03:03'],
  c: ['A*03:01', 'C*07:02', 'B*07:02', 'DRB1*15:01', 'DQB1*06:02'],
};
const gl = (h1: string[], h2: string[]) => h1.map((a, i) => `${a}+${h2[i]}`).join('^');

describe('HLA at the hospital end', () => {
  it('a physician enters typings, works up the family, searches the registry and opens a donor’s per-locus explanation', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');

    // 1. The patient page: a typing with an unknown allele is refused naming the token; the corrected one is kept.
    await page.getByTestId('nav-patients').click();
    await page
      .getByRole('row', { name: /张雨桐/ })
      .getByTestId('patient-open')
      .click();
    await page.getByTestId('hla-typing-panel').waitFor();
    await page.getByTestId('hla-add-typing').click();
    await page.getByTestId('typing-gl').fill(gl(H.a, H.c).replace('A*03:01', 'A*99:99'));
    await page.getByTestId('typing-lab').fill('南沙医院 HLA 实验室');
    await page.getByTestId('typing-submit').click();
    await page
      .locator('.ant-modal')
      .getByTestId('error-alert')
      .getByText(/A\*99:99/)
      .waitFor();
    // … and shown by the GL String field itself.
    const glItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('typing-gl') });
    await glItem
      .locator('.ant-form-item-explain-error')
      .getByText(/A\*99:99/)
      .waitFor();
    await page.getByTestId('typing-gl').fill(gl(H.a, H.c));
    await page.getByTestId('typing-submit').click();
    await page.getByTestId('hla-current-gl').getByText(gl(H.a, H.c)).waitFor();
    expect(await page.getByTestId('typing-locus-DRB1').textContent()).toBe('DRB1*03:01 + DRB1*15:01');

    // 2. Related donors with their typings, then the family work-up.
    await page.getByTestId('patient-hla').click();
    const addDonor = async (relation: string, name: string, birth: string, typing: string) => {
      await page.getByTestId('donor-add').click();
      await choose(page, 'donor-relation', relation);
      await page.getByTestId('donor-name').fill(name);
      await page.getByTestId('donor-birth').click();
      await page.keyboard.type(birth);
      await page.keyboard.press('Enter');
      await page.getByTestId('donor-gl').fill(typing);
      await page.getByTestId('donor-lab').fill('南沙医院 HLA 实验室');
      await page.getByTestId('donor-submit').click();
      await page.getByTestId('donor-table').getByText(name).waitFor();
    };
    await addDonor('父亲', '张建国', '1978-05-06', gl(H.a, H.b));
    await addDonor('同胞', '张雨欣', '2010-09-09', gl(H.a, H.c));
    await page.getByTestId('workup-run').click();
    const result = page.getByTestId('workup-result');
    await result.waitFor();
    // The father gives the paternal haplotype; the sister carries both: HLA-identical, ranked first.
    await result.getByText('单倍型相合').first().waitFor();
    await result.getByText('HLA 全相合').first().waitFor();
    const ranking = page.getByTestId('workup-ranking');
    const first = ranking.locator('tbody tr').first();
    expect(await first.textContent()).toContain('张雨欣');
    for (const criterion of ['DSA', 'ABO', 'age', 'sex', 'CMV']) {
      expect(await first.getByTestId(`criterion-${criterion}`).count()).toBe(1);
    }

    // 3. The registry search for the demo patient with a typing on record, then one donor's explanation.
    await page.getByTestId('nav-donor-search').click();
    await choose(page, 'search-patient', '李小明');
    await page.getByTestId('search-max').fill('1');
    await page.getByTestId('search-submit').click();
    const hits = page.getByTestId('search-hits');
    await hits.getByTestId('hit-CMDP-0000001').waitFor();
    await hits.getByTestId('hit-CMDP-0000002').click();
    const explanation = page.getByTestId('explanation');
    await explanation.waitFor();
    // One antigen-level mismatch at B in both directions: 7/8, 9/10; DPB1 permissive (TCE group 3 on both sides).
    expect(await page.getByTestId('explanation-grade').textContent()).toContain('7/8 · 9/10');
    expect(await page.getByTestId('direction-B').textContent()).toBe('双向');
    expect(await page.getByTestId('direction-A').textContent()).toBe('无');
    expect(await page.getByTestId('explanation-tce').textContent()).toBe('允许性');
    await context.close();
  });
});
