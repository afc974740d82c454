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

describe('follow-up measures on the hospital follow-up page', () => {
  it('records cardiac T2* and liver iron, shows their iron categories and charts, and computes MELD from labs', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await page.getByRole('row', { name: /刘芳/ }).getByTestId('patient-open').click();
    await page.getByTestId('patient-followup').click();
    await page.getByTestId('followup-page').waitFor();
    // Nobody is enrolled by the e2e seed: enrol first.
    await page.getByTestId('enrol-form').waitFor();
    await page.getByTestId('enrol-product').fill('MSC for liver failure');
    await page.getByTestId('enrol-date').click();
    await page.getByTestId('enrol-date').fill('2025-01-01');
    await page.keyboard.press('Enter');
    const enrolSubmit = page.getByTestId('enrol-submit');
    if (await enrolSubmit.isVisible()) await enrolSubmit.click().catch(() => undefined);
    await page.getByTestId('measures-card').waitFor();

    // Cardiac T2* of 8 ms: severe myocardial iron (< 10 ms), one point on the T2* chart.
    await page.getByTestId('imaging-new').click();
    await choose(page, 'imaging-kind', '心脏 T2*');
    await page.getByTestId('imaging-value').fill('8');
    await page.getByTestId('imaging-submit').click();
    await page.getByTestId('iron-t2star-level').getByText('重度').waitFor();
    expect(await page.getByTestId('chart-iron-t2star').locator('circle').count()).toBe(1);

    // Liver iron 5 mg/g by MRI R2* (the default method): mild (3–< 7 mg/g); the overall stays severe.
    await page.getByTestId('imaging-new').click();
    await page.getByTestId('imaging-value').fill('5');
    await page.getByTestId('imaging-submit').click();
    await page.getByTestId('iron-lic-level').getByText('轻度').waitFor();
    expect(await page.getByTestId('iron-overall').textContent()).toBe('重度');
    expect(await page.getByTestId('chart-iron-lic').locator('circle').count()).toBe(1);

    // Same-day bilirubin 2.0, creatinine 1.5 and INR 1.8: MELD 20, previewed and then computed by the server.
    await page.getByTestId('scores-new').click();
    await page.getByTestId('scores-bilirubin').fill('2');
    await page.getByTestId('scores-creatinine').fill('1.5');
    await page.getByTestId('scores-inr').fill('1.8');
    await page.getByTestId('scores-meld-preview').getByText(/20/).waitFor();
    await page.getByTestId('scores-submit').click();
    await page.getByTestId('meld-latest').getByText(/20/).waitFor();
    expect(await page.getByTestId('meld-latest').textContent()).toContain('由化验计算');
    await context.close();
  });

  it('refuses an implausible vital sign with the server’s message and records nothing', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await page.getByRole('row', { name: /刘芳/ }).getByTestId('patient-open').click();
    await page.getByTestId('patient-followup').click();
    await page.getByTestId('measures-card').waitFor();
    await page.getByTestId('vitals-new').click();
    // 98.6 typed as °C (meant °F): outside 25–45 °C.
    await page.getByTestId('vitals-temperature').fill('98.6');
    await page.getByTestId('vitals-heart-rate').fill('72');
    await page.getByTestId('vitals-submit').click();
    await page.locator('.ant-modal').getByText(/25–45/).waitFor();
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    expect(await page.getByTestId('chart-vitals').count()).toBe(0);
    await context.close();
  });
});

describe('the knee questionnaire on the patient end', () => {
  it('a guardian answers KOOS items on a phone; the scores reach the hospital’s follow-up page', async () => {
    const patient = await newPage(browser, baseUrl);
    await patient.page.setViewportSize({ width: 390, height: 844 });
    await signIn(patient.page, 'guardian.li');
    await patient.page.goto('/my-health');
    const card = patient.page.getByTestId('koos-card');
    await card.locator('.ant-collapse-header').filter({ hasText: '生活质量' }).click();
    // Every quality-of-life item "1": 100 − 1 × 25 = 75.
    for (let i = 1; i <= 4; i++) {
      await patient.page.getByTestId(`koos-qol-${i}`).getByText('1 轻', { exact: true }).click();
    }
    await patient.page.getByTestId('koos-submit').click();
    await patient.page.getByTestId('koos-mine').getByText('生活质量 75').waitFor();
    await patient.context.close();

    const hospital = await newPage(browser, baseUrl);
    await signIn(hospital.page, 'dr.zhou');
    await hospital.page
      .getByRole('row', { name: /李小明/ })
      .getByTestId('patient-open')
      .click();
    await hospital.page.getByTestId('patient-followup').click();
    await hospital.page.getByTestId('followup-page').waitFor();
    // Another browser test may have enrolled the patient already; otherwise enrol here.
    const enrolForm = hospital.page.getByTestId('enrol-form');
    await hospital.page.getByTestId('measures-card').or(enrolForm).waitFor();
    if (await enrolForm.isVisible()) {
      await hospital.page.getByTestId('enrol-product').fill('NS-β-globin LVV CD34+');
      await hospital.page.getByTestId('enrol-date').click();
      await hospital.page.getByTestId('enrol-date').fill('2025-01-01');
      await hospital.page.keyboard.press('Enter');
      const enrolSubmit = hospital.page.getByTestId('enrol-submit');
      if (await enrolSubmit.isVisible()) await enrolSubmit.click().catch(() => undefined);
    }
    const change = hospital.page.getByTestId('koos-change');
    await change
      .getByRole('row', { name: /生活质量/ })
      .getByText('75.0')
      .first()
      .waitFor();
    expect(await hospital.page.getByTestId('chart-koos').locator('circle').count()).toBe(1);
    await hospital.context.close();
  });
});
