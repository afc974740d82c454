import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { choose, dropdownsClosed, launchBrowser, newPage, openOptions, signIn } from './support/browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('from the patient end to the regulator', () => {
  it('a guardian reports a symptom, the hospital grades it as an adverse event, the regulator sees the expedited report', async () => {
    const note = `e2e-${Date.now().toString(36)}`;

    // 1. The patient end: a guardian reports severe, frequent nausea from a phone-sized screen.
    const patient = await newPage(browser, baseUrl);
    await patient.page.setViewportSize({ width: 390, height: 844 });
    await signIn(patient.page, 'guardian.li');
    // On a phone the side menu folds away; the page is reached by its address (or the menu trigger).
    await patient.page.goto('/my-health');
    await choose(patient.page, 'symptom-pick', '恶心');
    await patient.page.getByTestId('symptom-frequency').getByText('经常').click();
    await patient.page.getByTestId('symptom-severity').getByText('重度').click();
    await patient.page.getByTestId('symptom-note').fill(note);
    await patient.page.getByTestId('symptom-submit').click();
    await patient.page.getByTestId('symptom-mine').getByText('新报告').first().waitFor();
    await patient.context.close();

    // 2. The hospital: the report is in the inbox; the physician turns it into a graded, serious adverse event.
    const hospital = await newPage(browser, baseUrl);
    await signIn(hospital.page, 'dr.zhou');
    await hospital.page.getByTestId('nav-symptoms').click();
    const row = hospital.page.getByRole('row', { name: new RegExp(note) });
    await row.waitFor();
    expect(await row.textContent()).toContain('恶心');
    await row.getByTestId('symptom-convert').click();
    expect(await hospital.page.getByTestId('ae-term').inputValue()).toBe('Nausea');
    await hospital.page.getByTestId('ae-grade').fill('3');
    // A multiple select stays open after a choice: pick, then close it.
    await hospital.page.getByTestId('ae-seriousness').click();
    await openOptions(hospital.page).filter({ hasText: '住院或延长住院' }).first().click();
    await hospital.page.getByTestId('ae-term').click();
    await dropdownsClosed(hospital.page);
    await choose(hospital.page, 'ae-causality-product', '很可能');
    await choose(hospital.page, 'ae-expected', '非预期');
    await hospital.page.getByTestId('ae-submit').click();
    await row.getByText('已转为不良事件').waitFor();
    // A grade 3 event raises an alert in the hospital's inbox.
    await hospital.page.getByTestId('nav-alerts').click();
    await hospital.page
      .getByTestId('alert-table')
      .getByText(/Nausea/)
      .first()
      .waitFor();
    await hospital.context.close();

    // 3. The regulator: the event is an expedited report (serious, related, unexpected: 15 days), de-identified.
    const regulator = await newPage(browser, baseUrl);
    await signIn(regulator.page, 'inspector');
    await regulator.page.getByTestId('nav-safety').click();
    const expedited = regulator.page.getByTestId('safety-expedited');
    const aeRow = expedited.getByRole('row', { name: /Nausea/ }).first();
    await aeRow.waitFor();
    expect(await aeRow.textContent()).toContain('待报告');
    expect(await aeRow.textContent()).toMatch(/截止 \d{4}-\d{2}-\d{2}/);
    expect(await expedited.textContent()).not.toContain('李小明');
    await regulator.context.close();
  });
});

describe('the hospital follow-up page', () => {
  it('enrols a patient, records a result by hand in g/L and shows it converted, with the visit plan', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await page
      .getByRole('row', { name: /张雨桐/ })
      .getByTestId('patient-open')
      .click();
    await page.getByTestId('patient-followup').click();
    await page.getByTestId('followup-page').waitFor();
    // The demo seed of the e2e server enrols nobody: the page offers the enrolment form.
    await page.getByTestId('enrol-form').waitFor();
    await page.getByTestId('enrol-product').fill('NS-β-globin LVV CD34+');
    await page.getByTestId('enrol-date').click();
    await page.getByTestId('enrol-date').fill('2025-01-01');
    await page.keyboard.press('Enter');
    // Enter may already have submitted the form (the date picker passes it on); then the button is gone.
    const enrolSubmit = page.getByTestId('enrol-submit');
    if (await enrolSubmit.isVisible()) await enrolSubmit.click().catch(() => undefined);
    await page.getByRole('cell', { name: 'D30', exact: true }).waitFor();
    await page.getByTestId('obs-new').click();
    await page.getByTestId('obs-value').fill('95');
    // The unit select offers the hemoglobin units; choose g/L.
    await page.locator('.ant-modal').getByText('g/dL', { exact: true }).click();
    await openOptions(page)
      .filter({ hasText: /^g\/L$/ })
      .first()
      .click();
    await dropdownsClosed(page);
    await page.getByTestId('obs-submit').click();
    await page.getByRole('cell', { name: '95 g/L' }).waitFor();
    await page.getByRole('cell', { name: '9.5 g/dL' }).first().waitFor();
    expect(await page.getByTestId('chart-hb').count()).toBe(1);
    await context.close();
  });
});
