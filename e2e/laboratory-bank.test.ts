import { dinCheckCharacter } from '@cgtlink/domain/isbt128/din';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs } from './support/api';
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

  it('receives an autologous collection by its DIN, refuses a mismatched label, and releases only after the inbound excursion is assessed', async () => {
    // The pathway up to the courier's hand-over to the laboratory, by the API: enrolment on the demo filing,
    // apheresis with the DIN, custody scans, and the shipper's logger file with a reading above −150 °C.
    const zhou = await apiAs('dr.zhou');
    const lab = await apiAs('analyst.wu');
    const qc = await apiAs('qc.liang');
    const filing = (await zhou<{ id: string; reference: string }[]>('GET', '/api/filings')).find(
      (f) => f.reference === 'F-2026-NSGT01',
    )!;
    const detail = await zhou<{ consentDocuments: { id: string }[] }>('GET', `/api/filings/${filing.id}`);
    const patient = (
      await zhou<{ id: string; pseudonym: string; birthDate: string }[]>('GET', '/api/patients')
    ).find((p) => p.birthDate === '2011-03-15')!;
    const consent = await zhou<{ id: string }>('POST', `/api/patients/${patient.id}/consents`, {
      filingId: filing.id,
      documentId: detail.consentDocuments[0]!.id,
      signedBy: 'guardian',
      signerName: '李建华',
      signedOn: '2026-01-03',
      password: DEMO_PASSWORD,
    });
    const eligibility = await zhou<{ id: string; allMet: boolean }>(
      'POST',
      `/api/patients/${patient.id}/eligibility`,
      {
        filingId: filing.id,
        referenceDate: '2026-01-05',
        weightKg: 40,
        transfusions: Array.from({ length: 24 }, (_, i) => ({
          date: `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-10`,
          volumeMl: 450,
        })),
        cardiacT2StarMs: 28,
        licMgG: 5,
        altUL: 35,
        astUL: 30,
        transaminaseUlnUL: 40,
        egfr: 115,
      },
    );
    expect(eligibility.allMet).toBe(true);
    const enrolled = await zhou<{ therapyId: string; chainOfIdentity: string }>(
      'POST',
      `/api/patients/${patient.id}/enrolment`,
      { filingId: filing.id, eligibilityId: eligibility.id, consentId: consent.id, password: DEMO_PASSWORD },
    );
    const therapyId = enrolled.therapyId;
    const coi = enrolled.chainOfIdentity;
    const version = async () =>
      (await zhou<{ version: number }>('GET', `/api/therapies/${therapyId}`)).version;
    const din = `G123426${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
    const scanned = `${din}${dinCheckCharacter(din)}`;
    await zhou('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'mobilization',
      expectedVersion: await version(),
    });
    await zhou('POST', `/api/therapies/${therapyId}/steps`, {
      step: 'apheresis',
      din: scanned,
      expectedVersion: await version(),
    });
    for (const [as, stage, direction] of [
      [zhou, 'collection', 'out'],
      [zhou, 'courier_to_lab', 'in'],
      [lab, 'courier_to_lab', 'out'],
    ] as const) {
      await as('POST', `/api/therapies/${therapyId}/custody`, {
        din: scanned,
        stage,
        direction,
        chainOfIdentity: coi,
      });
    }
    await lab('POST', `/api/therapies/${therapyId}/temperature-logs`, {
      din: scanned,
      leg: 'to_laboratory',
      csv: 'time,celsius\n2026-11-11T08:00:00Z,-185\n2026-11-11T09:00:00Z,-139\n2026-11-11T10:00:00Z,-182\n',
    });
    // The product's release specification at the laboratory (API), approved by the QP's signature.
    const spec = await qc<{ id: string }>('POST', '/api/specifications', {
      productCode: 'NSG-101',
      productName: 'NSG-101 自体 CD34+ 基因修饰造血干细胞',
      tests: [
        {
          kind: 'quantitative',
          analyte: 'Viability',
          method: '7-AAD',
          unit: '%',
          comparator: '>=',
          limit: 70,
        },
      ],
    });
    await (await apiAs('qp.tang'))('POST', `/api/specifications/${spec.id}/approve`, {
      password: DEMO_PASSWORD,
    });

    // Receipt in the browser: a label naming the wrong chain of identity is refused; the right one is received.
    let { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'analyst.wu');
    await page.getByTestId('nav-batches').click();
    await page.getByTestId('batch-receive').click();
    await choose(page, 'batch-kind', '自体');
    await page.getByTestId('batch-reference').fill('NSG-E2E-01');
    await page.getByTestId('batch-product').fill('NSG-101');
    await page.getByTestId('batch-patient').fill(patient.pseudonym);
    await page.getByTestId('batch-coi').fill('CIWRONG000000');
    await page.getByTestId('batch-din').fill(scanned);
    await numberInput(page, 'batch-weight').fill('40');
    await page.getByTestId('batch-submit').click();
    await page.getByText('is not known to this laboratory', { exact: false }).first().waitFor();
    await page.getByTestId('batch-coi').fill(coi);
    await page.getByTestId('batch-submit').click();
    await page.getByTestId('batch-row-NSG-E2E-01').waitFor();
    await page.getByTestId('batch-row-NSG-E2E-01').getByTestId('batch-open').click();
    const inbound = page.getByTestId('batch-inbound');
    await inbound.getByText('实验室 接收', { exact: false }).waitFor();
    expect(await page.getByTestId('inbound-excursion').getAttribute('data-status')).toBe('open');
    await context.close();
    // Release is refused while the inbound excursion is unassessed.
    const qp = await apiAs('qp.tang');
    const batchId = (await lab<{ id: string; reference: string }[]>('GET', '/api/batches')).find(
      (b) => b.reference === 'NSG-E2E-01',
    )!.id;
    expect(
      (await qp<{ releaseBlockers: string[] }>('GET', `/api/batches/${batchId}`)).releaseBlockers,
    ).toContain('the shipment to the laboratory had a temperature excursion that is not assessed');
    // The refused label left an identity deviation on the patient's chain.
    const therapy = await zhou<{ deviations: { kind: string }[] }>('GET', `/api/therapies/${therapyId}`);
    expect(therapy.deviations.map((d) => d.kind)).toEqual(['temperature_excursion', 'identity_mismatch']);

    // The QC manager assesses the excursion with a signature; the batch reads the assessment.
    ({ context, page } = await newPage(browser, baseUrl));
    await signIn(page, 'qc.liang');
    await page.getByTestId('nav-batches').click();
    await page.getByTestId('batch-row-NSG-E2E-01').getByTestId('batch-open').click();
    await page.getByTestId('batch-inbound').getByTestId('deviation-assess').click();
    await page
      .locator('.ant-modal textarea')
      .fill('Peak −139 °C for < 1 h in vapour phase; no impact per SOP-TR-07');
    await page.locator('.ant-modal input[type="password"]').fill(DEMO_PASSWORD);
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.locator('[data-testid="inbound-excursion"][data-status="assessed"]').waitFor();
    expect(await page.getByTestId('batch-excursion-state').textContent()).toBe('已评估');
    await choose(page, 'result-analyte', 'Viability');
    await page.getByTestId('result-value').fill('91');
    await page.getByTestId('result-submit').click();
    await page.getByTestId('outcome-Viability').getByText('符合').waitFor();
    await context.close();

    // The qualified person releases with the signature; the certificate links its PDF, drawn with the CJK font.
    ({ context, page } = await newPage(browser, baseUrl));
    await signIn(page, 'qp.tang');
    await page.getByTestId('nav-batches').click();
    await page.getByTestId('batch-row-NSG-E2E-01').getByTestId('batch-open').click();
    await page.getByTestId('disposition').getByText('全部项目符合标准，可以放行。').waitFor();
    await page.getByTestId('disposition-password').fill(DEMO_PASSWORD);
    await page.getByTestId('disposition-sign').click();
    await page.getByTestId('batch-status').getByText('已放行').waitFor();
    await page.getByTestId('certificate-link').click();
    await page
      .getByTestId('coa-custody')
      .locator('li', { hasText: /^实验室 接收/ })
      .waitFor();
    const href = await page.getByTestId('coa-pdf').getAttribute('href');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['x-cgtlink-pdf-font']).toBe('cjk');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
    // Several acts re-enter a password (scrypt): generous on a loaded machine.
  }, 180_000);
});
