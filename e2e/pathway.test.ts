import { dinCheckCharacter } from '@cgtlink/domain/isbt128/din';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs } from './support/api';
import { choose, launchBrowser, newPage, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

const baseUrl = inject('baseUrl');
let browser: Browser;

// A DIN of this run (ICCBBA ST-001 data structure 001) with its MOD 37-2 check character.
const DIN = `G123426${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
const SCANNED_DIN = `${DIN}${dinCheckCharacter(DIN)}`;
const PRODUCT = 'S1234A00';

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openTherapy(page: Page, pseudonym: string) {
  await page.getByTestId('nav-therapies').click();
  await page.getByTestId('therapies-table').getByRole('link', { name: pseudonym }).click();
  await page.getByTestId('therapy-timeline').waitFor();
}

describe('one autologous gene-therapy patient from filing approval to infusion', () => {
  // Signing re-enters a password (scrypt) a dozen times: generous on a loaded machine.
  it('the regulator approves, the pathway runs in order, and the bedside refuses a mismatch before infusing', {
    timeout: 240_000,
  }, async () => {
    const zhou = await apiAs('dr.zhou');
    const orgs = await zhou<{ id: string; code: string }[]>('GET', '/api/organizations');
    const orgId = (code: string) => orgs.find((o) => o.code === code)!.id;
    const filing = await zhou<{ id: string; reference: string }>('POST', '/api/filings', {
      sponsorId: orgId('NS-GENE'),
      laboratoryId: orgId('GBA-SCB'),
      technology: 'autologous_gene_hsc',
      indication: 'TDT β-thalassaemia (e2e)',
      productName: 'NSG-101 e2e',
      productCode: PRODUCT,
      specificationVersion: 'SPEC v1',
      protocolVersion: 'PROT v1',
      ethicsApprovalRef: 'EC-E2E-1',
      targetEnrolment: 3,
      password: DEMO_PASSWORD,
    });
    await zhou<{ id: string }>('POST', `/api/filings/${filing.id}/consent-documents`, {
      title: '知情同意书 v1',
      body: 'e2e consent',
    });

    // 1. The regulator reviews and approves in the browser, signing with the password.
    {
      const { context, page } = await newPage(browser, baseUrl);
      await signIn(page, 'inspector');
      await page.getByTestId('nav-filings').click();
      await page.getByTestId('filings-table').getByRole('cell', { name: filing.reference }).click();
      const detail = page.getByTestId('filing-detail');
      expect(await detail.getByTestId('filing-status').textContent()).toBe('已提交');
      await page.getByTestId('filing-comment').fill('材料齐全，同意');
      await page.getByTestId('filing-password').fill(DEMO_PASSWORD);
      await page.getByTestId('filing-decide').click();
      await detail.getByTestId('filing-status').getByText('已批准').waitFor();
      await page.getByTestId('filing-history').getByText('材料齐全，同意').waitFor();
      await context.close();
    }

    // 2. The patient's transfusion and weight history is on record (API); eligibility and enrolment on screen.
    const patients = await zhou<{ id: string; pseudonym: string; birthDate: string }[]>(
      'GET',
      '/api/patients',
    );
    const patient = patients.find((p) => p.birthDate === '2014-07-22')!;
    await zhou('POST', `/api/patients/${patient.id}/weights`, {
      weights: [{ measuredOn: '2025-12-01', weightKg: 35 }],
    });
    const today = new Date();
    await zhou('POST', `/api/patients/${patient.id}/transfusions`, {
      transfusions: Array.from({ length: 24 }, (_, i) => ({
        transfusedOn: new Date(today.getTime() - (i + 1) * 28 * 86_400_000).toISOString().slice(0, 10),
        volumeMl: 400,
      })),
    });
    const { context: hospitalContext, page: hospital } = await newPage(browser, baseUrl);
    await signIn(hospital, 'dr.zhou');
    await hospital.getByTestId('nav-filings').click();
    await hospital.getByTestId('filings-table').getByRole('cell', { name: filing.reference }).click();
    const panel = hospital.getByTestId('enrol-panel');
    await panel.waitFor();
    await choose(hospital, 'enrol-patient', patient.pseudonym);
    for (const [field, value] of [
      ['cardiacT2StarMs', '30'],
      ['licMgG', '4'],
      ['egfr', '120'],
      ['altUL', '30'],
      ['astUL', '28'],
      ['transaminaseUlnUL', '40'],
    ] as const) {
      await hospital.getByTestId(`enrol-${field}`).fill(value);
    }
    await hospital.getByTestId('enrol-evaluate').click();
    const criteria = hospital.getByTestId('enrol-criteria');
    await criteria.waitFor();
    expect(await criteria.getByText('符合', { exact: true }).count()).toBe(6);
    await hospital.getByTestId('enrol-signer').fill('张伟');
    await hospital.getByTestId('enrol-password').fill(DEMO_PASSWORD);
    await hospital.getByTestId('enrol-submit').click();
    const ok = hospital.getByTestId('enrol-ok');
    await ok.waitFor();
    const coiText = (await ok.textContent()) ?? '';
    await hospitalContext.close();
    const therapies = await zhou<{ id: string; patientId: string; chainOfIdentity: string }[]>(
      'GET',
      '/api/therapies',
    );
    const enrolment = therapies.find((x) => x.patientId === patient.id)!;
    expect(coiText).toContain(enrolment.chainOfIdentity);
    const therapyIdValue = enrolment.id;
    const therapyId = therapyIdValue;
    const coi = enrolment.chainOfIdentity;

    // 3. The hospital records mobilization and apheresis (with the DIN) in the browser; an out-of-order step is not offered.
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'dr.zhou');
    await openTherapy(page, patient.pseudonym);
    expect(await page.getByTestId('therapy-coi').textContent()).toBe(coi);
    await page.getByTestId('step-select').getByText('动员').waitFor();
    await page.getByTestId('step-note').fill('G-CSF 10 µg/kg/d + plerixafor');
    await page.getByTestId('step-record').click();
    await page.locator('[data-testid="timeline-entry"][data-step="mobilization"]').waitFor();
    await page.getByTestId('step-select').getByText('单采（分配 DIN）').waitFor();
    await page.getByTestId('step-din').fill(SCANNED_DIN);
    await page.getByTestId('step-record').click();
    await page.locator('[data-testid="timeline-entry"][data-step="apheresis"]').waitFor();
    await page.getByTestId('therapy-collections').getByText(DIN).waitFor();

    // 4. Custody, laboratory steps and release by the API (the laboratory's own screens are not part of this walk).
    const lab = await apiAs('analyst.wu');
    const qp = await apiAs('qp.tang');
    const scan = (as: typeof zhou, stage: string, direction: string, productCode?: string) =>
      as('POST', `/api/therapies/${therapyId}/custody`, {
        din: SCANNED_DIN,
        stage,
        direction,
        chainOfIdentity: coi,
        ...(productCode ? { productCode } : {}),
      });
    const version = async () =>
      (await zhou<{ version: number }>('GET', `/api/therapies/${therapyId}`)).version;
    // The hospital's first two hand-offs are scanned on the screen (keyboard wedge: text + Enter per label).
    for (const handoff of ['collection:out', 'courier_to_lab:in']) {
      await page.getByTestId('custody-handoff').getByText(handoff).waitFor();
      await page.getByTestId('custody-din').fill(SCANNED_DIN);
      await page.getByTestId('custody-coi').fill(coi);
      await page.getByTestId('custody-coi').press('Enter');
      await page.getByTestId('therapy-custody').getByText(handoff).waitFor();
    }
    await zhou('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'shipment_to_lab',
      expectedVersion: await version(),
    });
    await scan(lab, 'courier_to_lab', 'out');
    await scan(lab, 'laboratory', 'in');
    await lab('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'manufacturing',
      expectedVersion: await version(),
    });
    await lab('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'qc_testing',
      expectedVersion: await version(),
    });
    await qp('POST', `/api/therapies/${therapyId}/release`, {
      din: SCANNED_DIN,
      productCode: PRODUCT,
      expiresAt: new Date(Date.now() + 180 * 86_400_000).toISOString(),
      expectedVersion: await version(),
      password: DEMO_PASSWORD,
    });
    await scan(lab, 'laboratory', 'out', PRODUCT);
    await scan(lab, 'courier_to_hospital', 'in', PRODUCT);
    await lab('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'shipment_to_hospital',
      expectedVersion: await version(),
    });
    await scan(zhou, 'courier_to_hospital', 'out', PRODUCT);
    await scan(zhou, 'pharmacy', 'in', PRODUCT);
    await scan(zhou, 'pharmacy', 'out', PRODUCT);

    // 5. Conditioning in the browser, then the bedside check with keyboard-wedge scans (typed text + Enter).
    await page.reload();
    await page.getByTestId('therapy-timeline').waitFor();
    await page.getByTestId('step-select').getByText('清髓预处理（白消安）').waitFor();
    await page.getByTestId('step-record').click();
    await page.getByTestId('bedside-form').waitFor();
    const wedge = async (testId: string, text: string) => {
      await page.getByTestId(testId).fill('');
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    };
    await page.getByTestId('bedside-wristband').focus();
    await wedge('bedside-wristband', 'P-WRONGPATNT');
    // Each Enter moves the cursor to the next field, as a scanner user expects.
    await page.keyboard.type(SCANNED_DIN);
    await page.keyboard.press('Enter');
    await page.keyboard.type(PRODUCT);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('bedside-din').inputValue()).toBe(SCANNED_DIN);
    await page.getByTestId('bedside-second-user').fill('coord.lin');
    await page.getByTestId('bedside-second-password').fill(DEMO_PASSWORD);
    await page.getByTestId('bedside-password').fill(DEMO_PASSWORD);
    await page.getByTestId('bedside-verify').click();
    await page
      .getByTestId('bedside-refused')
      .getByText(/does not match/)
      .waitFor();
    await page.getByTestId('therapy-deviations').getByText('bedside_mismatch').waitFor();
    expect(await page.getByTestId('therapy-state').textContent()).toBe('清髓预处理（白消安）');

    await page.getByTestId('bedside-wristband').focus();
    await wedge('bedside-wristband', patient.pseudonym);
    await page.getByTestId('bedside-verify').click();
    await page
      .getByTestId('bedside-ok')
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}; shown: ${await page.getByTestId('bedside-form').textContent()}`);
      });
    await page.getByTestId('therapy-state').getByText('回输').waitFor();
    await page.locator('[data-testid="timeline-entry"][data-step="infusion"]').waitFor();
    await page.getByTestId('therapy-custody').getByText('bedside:in').waitFor();
    await context.close();
  });
});
