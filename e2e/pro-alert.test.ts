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

describe('early warning from the patient’s own voice (issue 14, item 7)', () => {
  it('a guardian reports very severe fatigue, the physician sees the alert and acknowledges it, the guardian sees that', async () => {
    // 1. The patient end, on a phone: very severe fatigue that interferes very much.
    const patient = await newPage(browser, baseUrl);
    await patient.page.setViewportSize({ width: 390, height: 844 });
    await signIn(patient.page, 'guardian.li');
    await patient.page.goto('/my-health');
    await choose(patient.page, 'symptom-pick', '乏力');
    await patient.page.getByTestId('symptom-severity').getByText('非常严重').click();
    await patient.page.getByTestId('symptom-interference').getByText('非常多').click();
    await patient.page.getByTestId('symptom-submit').click();
    await patient.page.getByText('已提交。您报告了重度症状，已通知您的医院。').waitFor();
    const told = patient.page.getByTestId('symptom-mine').getByTestId('symptom-hospital-alerted').first();
    await told.waitFor();
    expect(await told.textContent()).toBe('已通知您的医院');
    await patient.context.close();

    // 2. The hospital: the alert is in the inbox with its rule and the symptom and grades, zh-CN first.
    const hospital = await newPage(browser, baseUrl);
    await signIn(hospital.page, 'dr.zhou');
    await hospital.page.getByTestId('nav-alerts').click();
    const row = hospital.page
      .getByTestId('alert-table')
      .getByRole('row', { name: /乏力 严重程度“非常严重”（4\/4）、对日常活动的影响“非常多”（4\/4）/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('PRO-CTCAE 重度/极重度症状（患者自报）');
    expect(text).toContain("Fatigue severity 'very severe' (4/4)");
    expect(text).toContain('待处理');
    expect(text.indexOf('乏力')).toBeLessThan(text.indexOf('Fatigue'));
    await row.getByTestId('alert-ack').click();
    await row.getByText('已确认').waitFor();
    // The symptom inbox marks the report as having raised an alert.
    await hospital.page.getByTestId('nav-symptoms').click();
    await hospital.page.getByTestId('symptom-inbox').getByText('已预警').first().waitFor();
    await hospital.context.close();

    // 3. Back at the patient end, in English: the hospital has acknowledged it.
    const again = await newPage(browser, baseUrl);
    await signIn(again.page, 'guardian.li');
    await again.page.goto('/my-health');
    const line = again.page.getByTestId('symptom-mine').getByTestId('symptom-hospital-alerted').first();
    await line.waitFor();
    expect(await line.textContent()).toBe('您的医院已确认收到');
    await again.page.getByTestId('lang-switch').click();
    await again.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="symptom-hospital-alerted"]')?.textContent ===
        'Your hospital has acknowledged it',
    );
    await again.context.close();
  });
});
