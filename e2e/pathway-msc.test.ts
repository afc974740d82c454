import { decodeCode128 } from '@cgtlink/domain/isbt128/code128';
import { dinCheckCharacter } from '@cgtlink/domain/isbt128/din';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs } from './support/api';
import { choose, launchBrowser, newPage, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

const baseUrl = inject('baseUrl');
let browser: Browser;

// The unit's DIN (ICCBBA ST-001, data structure 001) with its MOD 37-2 check character, unique to this run.
const DIN = `G123426${String(Math.floor(Math.random() * 800_000) + 100_000)}`;
const SCANNED_DIN = `${DIN}${dinCheckCharacter(DIN)}`;
const PRODUCT = 'S5678A00';
const RUN = DIN.slice(-6);
const RETURN_EXCURSION =
  'time,celsius\n2026-11-20T08:00:00Z,-186\n2026-11-20T09:00:00Z,-137\n2026-11-20T10:00:00Z,-182\n';

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('one MSC patient from enrolment to the bedside, with a lot from the cell bank', () => {
  it('allocates a released working-bank batch, labels it, refuses the bedside on a return-leg excursion, infuses once assessed', {
    timeout: 360_000,
  }, async () => {
    const zhou = await apiAs('dr.zhou');
    const inspector = await apiAs('inspector');
    const lab = await apiAs('analyst.wu');
    const qp = await apiAs('qp.tang');
    const qc = await apiAs('qc.liang');
    const orgs = await zhou<{ id: string; code: string }[]>('GET', '/api/organizations');
    const filing = await zhou<{ id: string; reference: string; version: number }>('POST', '/api/filings', {
      laboratoryId: orgs.find((o) => o.code === 'GBA-SCB')!.id,
      technology: 'msc',
      indication: 'Knee osteoarthritis, Kellgren–Lawrence 2–3 (e2e)',
      productName: 'UC-MSC injection e2e',
      productCode: PRODUCT,
      specificationVersion: 'SPEC-MSC-UC v1',
      protocolVersion: 'MSC-KOA v1',
      ethicsApprovalRef: `EC-MSC-${RUN}`,
      targetEnrolment: 10,
      criteria: { ageMinYears: 18, ageMaxYears: 80, requireTransfusionDependence: false, minEgfr: 30 },
      password: DEMO_PASSWORD,
    });
    await inspector('POST', `/api/filings/${filing.id}/decisions`, {
      decision: 'approve',
      version: filing.version,
      password: DEMO_PASSWORD,
    });
    await zhou('POST', `/api/filings/${filing.id}/consent-documents`, {
      title: '知情同意书 v1',
      body: 'MSC e2e',
    });

    // The laboratory's released batch, expanded from the demo working bank with one vial issued to it (API).
    const banks = await lab<{ id: string; kind: string; lot: string }[]>('GET', '/api/cell-banks');
    const working = banks.find((b) => b.kind === 'working')!;
    const batch = await lab<{ id: string }>('POST', '/api/batches', {
      kind: 'allogeneic',
      reference: `MSC-E2E-${RUN}`,
      productCode: 'MSC-UC',
      workingBankId: working.id,
    });
    await lab('POST', `/api/cell-banks/${working.id}/issue`, { batchId: batch.id, count: 1 });
    for (const [analyte, value, unit] of [
      ['CD73', 99.0, '%'],
      ['CD90', 98.4, '%'],
      ['CD105', 97.6, '%'],
      ['CD34', 0.4, '%'],
      ['CD45', 0.7, '%'],
      ['HLA-DR', 0.6, '%'],
      ['Viability', 93.0, '%'],
      ['Endotoxin', 0.8, 'EU/kg'],
      ['Sterility', 'negative', undefined],
      ['Mycoplasma', 'negative', undefined],
    ] as const) {
      await lab('POST', `/api/batches/${batch.id}/results`, { analyte, value, ...(unit ? { unit } : {}) });
    }
    const record = await qp<{ contentHash: string }>('GET', `/api/batches/${batch.id}`);
    await qp('POST', `/api/batches/${batch.id}/disposition`, {
      decision: 'release',
      password: DEMO_PASSWORD,
      contentHash: record.contentHash,
    });

    // 1. The hospital enrols the knee-osteoarthritis patient on screen.
    const patient = (
      await zhou<{ id: string; pseudonym: string; birthDate: string }[]>('GET', '/api/patients')
    ).find((p) => p.birthDate === '1965-05-06')!;
    const { context: hospitalContext, page: hospital } = await newPage(browser, baseUrl);
    await signIn(hospital, 'dr.zhou');
    await hospital.getByTestId('nav-filings').click();
    await hospital.getByTestId('filings-table').getByRole('cell', { name: filing.reference }).click();
    await hospital.getByTestId('enrol-panel').waitFor();
    await choose(hospital, 'enrol-patient', patient.pseudonym);
    for (const [field, value] of [
      ['egfr', '82'],
      ['altUL', '22'],
      ['astUL', '25'],
      ['transaminaseUlnUL', '40'],
    ] as const) {
      await hospital.getByTestId(`enrol-${field}`).fill(value);
    }
    await hospital.getByTestId('enrol-evaluate').click();
    await hospital.getByTestId('enrol-criteria').waitFor();
    await hospital.getByTestId('enrol-signer').fill('王建国');
    await hospital.getByTestId('enrol-password').fill(DEMO_PASSWORD);
    await hospital.getByTestId('enrol-submit').click();
    await hospital.getByTestId('enrol-ok').waitFor();
    const therapy = (
      await zhou<{ id: string; patientId: string; filingId: string; chainOfIdentity: string }[]>(
        'GET',
        '/api/therapies',
      )
    ).find((x) => x.patientId === patient.id && x.filingId === filing.id)!;
    const coi = therapy.chainOfIdentity;

    // 2. The laboratory allocates the released batch to the patient with the unit's DIN, on screen.
    const { context: labContext, page: labPage } = await newPage(browser, baseUrl);
    await signIn(labPage, 'analyst.wu');
    await labPage.goto(`/therapies/${therapy.id}`);
    await labPage.getByTestId('therapy-timeline').waitFor();
    await labPage.getByTestId('step-select').getByText('批次分配').waitFor();
    await choose(labPage, 'step-batch', `MSC-E2E-${RUN}`);
    await labPage.getByTestId('step-din').fill(SCANNED_DIN);
    await labPage.getByTestId('step-record').click();
    await labPage.locator('[data-testid="timeline-entry"][data-step="lot_allocation"]').waitFor();
    await labPage.getByTestId('therapy-lot').getByText(working.lot).waitFor();
    await labPage.getByTestId('therapy-collections').getByText(DIN).waitFor();

    // 3. Release (qualified person) and the return leg to the hospital pharmacy (API).
    const version = async () =>
      (await zhou<{ version: number }>('GET', `/api/therapies/${therapy.id}`)).version;
    await qp('POST', `/api/therapies/${therapy.id}/release`, {
      din: SCANNED_DIN,
      productCode: PRODUCT,
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      expectedVersion: await version(),
      password: DEMO_PASSWORD,
    });
    const scan = (as: typeof zhou, stage: string, direction: string) =>
      as('POST', `/api/therapies/${therapy.id}/custody`, {
        din: SCANNED_DIN,
        stage,
        direction,
        chainOfIdentity: coi,
        productCode: PRODUCT,
      });
    await scan(lab, 'laboratory', 'out');
    await scan(lab, 'courier_to_hospital', 'in');
    await lab('POST', `/api/therapies/${therapy.id}/steps`, {
      step: 'shipment_to_hospital',
      expectedVersion: await version(),
    });
    await scan(zhou, 'courier_to_hospital', 'out');
    await scan(zhou, 'pharmacy', 'in');
    await scan(zhou, 'pharmacy', 'out');

    // 4. The hospital uploads the return-leg logger file on screen: −137 °C is above the −150 °C limit.
    await hospital.goto(`/therapies/${therapy.id}`);
    await hospital.getByTestId('therapy-timeline').waitFor();
    await choose(hospital, 'temperature-din', DIN);
    await choose(hospital, 'temperature-leg', '运回医院');
    await hospital.getByTestId('temperature-file').setInputFiles({
      name: 'return-leg.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(RETURN_EXCURSION),
    });
    await hospital.getByTestId('temperature-upload').click();
    await hospital.getByTestId('therapy-deviations').getByText('temperature_excursion').waitFor();

    // 5. The printable label: Code 128 symbols that a scanner reads back as the DIN and product code structures.
    await hospital.getByTestId('therapy-labels').click();
    const label = hospital.getByTestId('product-label');
    await label.waitFor();
    const dinBars = await label.getByTestId('label-din-barcode').getAttribute('data-widths');
    const productBars = await label.getByTestId('label-product-barcode').getAttribute('data-widths');
    expect(decodeCode128([...(dinBars ?? '')].map(Number))).toMatch(new RegExp(`^=${DIN}\\d{2}$`));
    expect(decodeCode128([...(productBars ?? '')].map(Number))).toBe(`=<${PRODUCT}`);
    expect(await label.getByTestId('label-patient').textContent()).toBe(patient.pseudonym);

    // 6. The bedside check: three keyboard-wedge scans, refused because the return-leg excursion is not assessed.
    await hospital.goto(`/therapies/${therapy.id}`);
    await hospital.getByTestId('bedside-form').waitFor();
    const bedside = async () => {
      await hospital.getByTestId('bedside-wristband').fill('');
      await hospital.getByTestId('bedside-wristband').focus();
      for (const text of [patient.pseudonym, SCANNED_DIN, PRODUCT]) {
        await hospital.keyboard.type(text);
        await hospital.keyboard.press('Enter');
      }
      await hospital.getByTestId('bedside-second-user').fill('coord.lin');
      await hospital.getByTestId('bedside-second-password').fill(DEMO_PASSWORD);
      await hospital.getByTestId('bedside-password').fill(DEMO_PASSWORD);
      await hospital.getByTestId('bedside-verify').click();
    };
    await bedside();
    await hospital
      .getByTestId('bedside-refused')
      .getByText(/return-leg shipment \(laboratory → hospital\).*not yet assessed/)
      .waitFor();
    expect(await hospital.locator('[data-testid="timeline-entry"][data-step="infusion"]').count()).toBe(0);

    // 7. The laboratory's inbox shows the excursion; it is marked read there and assessed (signed) by QC.
    await labPage.getByTestId('nav-notifications').click();
    const row = labPage.getByTestId('notifications-table').getByRole('row').filter({ hasText: DIN });
    await row.getByText('温度超限偏差').waitFor();
    await row.getByTestId('notification-mark-read').click();
    await labPage
      .getByTestId('notifications-table')
      .getByRole('row')
      .filter({ hasText: DIN })
      .waitFor({ state: 'detached' });
    await labContext.close();
    const detail = await qc<{ deviations: { id: string; kind: string; version: number }[] }>(
      'GET',
      `/api/therapies/${therapy.id}`,
    );
    const excursion = detail.deviations.find((d) => d.kind === 'temperature_excursion')!;
    await qc('POST', `/api/deviations/${excursion.id}/assessment`, {
      assessment: 'one reading −137 °C for < 1 h; within the lot stability data; product unaffected',
      version: excursion.version,
      password: DEMO_PASSWORD,
    });

    // 8. Assessed, the same scans pass: the injection is recorded with the bedside custody scan.
    await hospital.reload();
    await hospital.getByTestId('bedside-form').waitFor();
    await bedside();
    await hospital.getByTestId('bedside-ok').waitFor();
    await hospital.locator('[data-testid="timeline-entry"][data-step="infusion"]').waitFor();
    await hospital.getByTestId('therapy-custody').getByText('bedside:in').waitFor();

    // 9. A follow-up visit, then its correction: a new entry that references the old one, shown in the timeline.
    await hospital.getByTestId('step-select').getByText('随访').waitFor();
    await hospital.getByTestId('step-note').fill('WOMAC 40, VAS 4');
    await hospital.getByTestId('step-record').click();
    const followUp = hospital.locator(
      '[data-testid="timeline-entry"][data-step="follow_up"][data-kind="step"]',
    );
    await followUp.waitFor();
    await followUp.getByTestId('entry-correct').click();
    await hospital.getByTestId('entry-correct-data').fill('{"note": "WOMAC 38, VAS 3"}');
    await hospital.getByTestId('entry-correct-reason').fill('transcription error in the WOMAC score');
    await hospital.getByTestId('entry-correct-submit').click();
    const correction = hospital.locator('[data-testid="timeline-entry"][data-kind="correction"]');
    await correction.getByText('WOMAC 38, VAS 3').waitFor();
    await correction.getByTestId('timeline-correction').waitFor();
    await followUp.getByTestId('timeline-corrected').waitFor();
    await hospital.getByTestId('therapy-history').click();
    await hospital
      .getByTestId('history-drawer')
      .getByText('transcription error in the WOMAC score')
      .first()
      .waitFor();

    // 10. The guardian's withdrawal on the patient page: what stops and what is kept, then the consent withdrawn.
    await hospital.goto(`/patients/${patient.id}`);
    const consents = hospital.getByTestId('consents-table');
    const consentRow = consents.getByRole('row').filter({ hasText: '王建国' }).last();
    await consentRow.getByTestId('consent-withdraw').click();
    await hospital
      .getByTestId('withdraw-effects')
      .getByText('不再为该患者收集新数据', { exact: false })
      .waitFor();
    await hospital.getByTestId('withdraw-effects').getByText('保存 30 年', { exact: false }).waitFor();
    await hospital.getByTestId('consent-withdraw-reason').fill('患者本人决定退出');
    await hospital.getByTestId('consent-withdraw-confirm').click();
    await consents.getByText('已撤回').first().waitFor();
    const after = await zhou<{ consentStatus: string; nextSteps: string[] }>(
      'GET',
      `/api/therapies/${therapy.id}`,
    );
    expect(after).toMatchObject({ consentStatus: 'withdrawn', nextSteps: [] });
    await hospitalContext.close();
  });
});
