import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import type { BatchRecord, BatchView, SpecificationView } from '../src/laboratory/contract';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import {
  addInboundCollection,
  type InboundCollection,
  type InboundTherapy,
  seedInboundTherapy,
} from './support/inbound-collection';
import { pdfText } from './support/pdf-text';
import { openTestPlatform, type TestPlatform } from './support/platform';

// A gene-modified autologous CD34+ product with the release criteria of DESIGN.md §3.5.
const LVV_TESTS = [
  { kind: 'quantitative', analyte: 'Viability', method: '7-AAD', unit: '%', comparator: '>=', limit: 70 },
  { kind: 'quantitative', analyte: 'VCN', method: 'ddPCR', unit: 'copies/cell', comparator: '<=', limit: 10 },
  { kind: 'quantitative', analyte: 'Endotoxin', method: 'LAL', unit: 'EU/mL', comparator: '<=', limit: 0.5 },
  { kind: 'qualitative', analyte: 'Sterility', method: '14 days', expected: ['negative'] },
];
// A shipper logger file with one reading above the −150 °C limit of a cryopreserved product (an excursion).
const CRYO_EXCURSION =
  'time,celsius\n2026-11-11T08:00:00Z,-185\n2026-11-11T09:00:00Z,-141\n2026-11-11T10:00:00Z,-182\n';

describe.each(ENGINES)('laboratory: specifications, batches, QC and release on %s', (engine) => {
  let t: TestPlatform;
  let otherLab: string;
  let inbound: InboundTherapy;
  let serial = 100;
  const collections = new Map<string, InboundCollection>();
  const call = async (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const record = async (id: string, user = 'qp.tang') =>
    (await call(user, 'GET', `/api/batches/${id}`)).json<BatchRecord>();
  const createSpec = async (productCode: string, tests: unknown[]) => {
    const res = await call('qc.liang', 'POST', '/api/specifications', {
      productCode,
      productName: `${productCode} product`,
      tests,
    });
    expect(res.statusCode).toBe(201);
    return res.json<SpecificationView>();
  };
  const approve = (id: string, user = 'qp.tang', password = DEMO_PASSWORD) =>
    call(user, 'POST', `/api/specifications/${id}/approve`, { password });
  /** Receives a fresh collection of the fixture therapy (handed to the laboratory) as a new batch. */
  const startAutologous = async (reference: string) => {
    const collection = await addInboundCollection(t, inbound, { dinSerial: serial++ });
    collections.set(reference, collection);
    const res = await call('analyst.wu', 'POST', '/api/batches', {
      kind: 'autologous',
      reference,
      productCode: 'LVV-HSC',
      patientPseudonym: collection.pseudonym,
      chainOfIdentity: collection.chainOfIdentity,
      dinWithCheck: collection.scanned,
      patientWeightKg: 32,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<BatchView>();
  };
  const enter = (
    batchId: string,
    analyte: string,
    value: number | string,
    unit?: string,
    user = 'analyst.wu',
  ) => call(user, 'POST', `/api/batches/${batchId}/results`, { analyte, value, ...(unit && { unit }) });
  const passAll = async (batchId: string) => {
    for (const [analyte, value, unit] of [
      ['Viability', 91, '%'],
      ['VCN', 2.3, 'copies/cell'],
      ['Endotoxin', 0.1, 'EU/mL'],
      ['Sterility', 'negative', undefined],
    ] as const) {
      expect((await enter(batchId, analyte, value, unit)).statusCode).toBe(201);
    }
  };
  const dispose = async (
    batchId: string,
    user: string,
    hash: string,
    decision = 'release',
    reason?: string,
  ) =>
    call(user, 'POST', `/api/batches/${batchId}/disposition`, {
      decision,
      password: DEMO_PASSWORD,
      contentHash: hash,
      ...(reason && { reason }),
    });

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    inbound = await seedInboundTherapy(t, { patientIndex: 0, chainOfIdentity: 'COI2026NSH0001' });
    const spec = await createSpec('LVV-HSC', LVV_TESTS);
    expect((await approve(spec.id)).statusCode).toBe(200);
    const org = await call('admin', 'POST', '/api/organizations', {
      code: 'LAB-B',
      kind: 'laboratory',
      nameZh: '另一实验室',
      nameEn: 'Another laboratory',
    });
    otherLab = org.json<{ id: string }>().id;
    const user = await call('admin', 'POST', '/api/users', {
      organizationId: otherLab,
      username: 'analyst.b',
      displayName: 'Analyst B',
      role: 'lab_analyst',
      password: DEMO_PASSWORD,
    });
    expect(user.statusCode).toBe(201);
    // Seeding the demo world signs with scrypt several times: generous on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  describe('specifications', () => {
    it('versions a product: a draft needs a signed approval by QC or the QP; batches keep the version they started with', async () => {
      const before = await startAutologous('LVV-V1');
      expect(before.specificationVersion).toBe(1);
      const v2 = await createSpec('LVV-HSC', [{ ...LVV_TESTS[0], limit: 80 }, ...LVV_TESTS.slice(1)]);
      expect(v2).toMatchObject({ version: 2, status: 'draft' });
      expect((await approve(v2.id, 'analyst.wu')).statusCode).toBe(403);
      // A mistyped signature password is refused (403, naming the field), never a sign-out.
      expect((await approve(v2.id, 'qp.tang', 'wrong-password')).statusCode).toBe(403);
      // Still drafted: new batches use version 1 until version 2 is approved.
      expect((await startAutologous('LVV-V1B')).specificationVersion).toBe(1);
      const approved = await approve(v2.id, 'qc.liang');
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', version: 2 });
      const all = (await call('qc.liang', 'GET', '/api/specifications')).json<SpecificationView[]>();
      expect(all.filter((s) => s.productCode === 'LVV-HSC').map((s) => [s.version, s.status])).toEqual([
        [1, 'superseded'],
        [2, 'approved'],
      ]);
      expect((await approve(v2.id, 'qc.liang')).statusCode).toBe(409);
      // The old batch is judged against version 1 (≥ 70 %): 75 % passes there, would fail version 2 (≥ 80 %).
      const later = await startAutologous('LVV-V2');
      expect(later.specificationVersion).toBe(2);
      const r1 = await enter(before.id, 'Viability', 75, '%');
      const r2 = await enter(later.id, 'Viability', 75, '%');
      expect(r1.json().result.outcome).toBe('pass');
      expect(r2.json().result.outcome).toBe('fail');
      const signatures = (
        await call('qc.liang', 'GET', `/api/signatures?entityType=specification&entityId=${v2.id}`)
      ).json<{ meaning: string; valid: boolean }[]>();
      expect(signatures).toMatchObject([{ meaning: 'approved', valid: true }]);
    });

    it('refuses a specification whose test lacks a limit, naming the field, and a non-QC author', async () => {
      const res = await call('qc.liang', 'POST', '/api/specifications', {
        productCode: 'BAD-SPEC',
        productName: 'bad',
        tests: [{ kind: 'quantitative', analyte: 'X', method: 'm', unit: '%', comparator: '>=' }],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('tests[0].limit');
      const analyst = await call('analyst.wu', 'POST', '/api/specifications', {
        productCode: 'OTHER',
        productName: 'x',
        tests: LVV_TESTS,
      });
      expect(analyst.statusCode).toBe(403);
    });
  });

  describe('batches and QC', () => {
    it('verifies the scanned DIN on receipt against the pathway collection and records the laboratory:in hand-off', async () => {
      const collection = await addInboundCollection(t, inbound, { dinSerial: serial++ });
      const body = {
        kind: 'autologous',
        reference: 'LVV-RCV',
        productCode: 'LVV-HSC',
        patientPseudonym: collection.pseudonym,
        chainOfIdentity: collection.chainOfIdentity,
        dinWithCheck: collection.scanned,
        patientWeightKg: 32,
      };
      // A misread check character (ISO/IEC 7064 MOD 37-2) is a 400 on the field; nothing is recorded.
      const wrong = collection.scanned.slice(0, 13) + (collection.scanned.endsWith('A') ? 'B' : 'A');
      const misread = await call('analyst.wu', 'POST', '/api/batches', { ...body, dinWithCheck: wrong });
      expect(misread.statusCode).toBe(400);
      expect(misread.json().errors[0].field).toBe('dinWithCheck');
      // A batch-local excursion flag is no longer accepted for an autologous batch.
      const flagged = await call('analyst.wu', 'POST', '/api/batches', { ...body, excursion: 'unassessed' });
      expect(flagged.statusCode).toBe(400);

      const res = await call('analyst.wu', 'POST', '/api/batches', body);
      expect(res.statusCode, res.body).toBe(201);
      const batch = res.json<BatchView>();
      expect(batch).toMatchObject({
        therapyId: inbound.therapyId,
        patientPseudonym: inbound.pseudonym,
        chainOfIdentity: 'COI2026NSH0001',
        din: collection.din,
        excursion: 'none',
      });
      const r = await record(batch.id);
      expect(r.inbound?.custody.map((c) => `${c.stage}:${c.direction}`)).toEqual([
        'collection:out',
        'courier_to_lab:in',
        'courier_to_lab:out',
        'laboratory:in',
      ]);
      expect(r.inbound?.custody.at(-1)?.actorName).toBe('吴志强 Wu Zhiqiang');
      // The pathway shows the same hand-off to the hospital.
      const therapy = (await call('dr.zhou', 'GET', `/api/therapies/${inbound.therapyId}`)).json();
      expect(
        therapy.custody
          .filter((c: { din: string }) => c.din === collection.din)
          .map((c: { stage: string; direction: string }) => `${c.stage}:${c.direction}`),
      ).toContain('laboratory:in');
      // The same bag cannot start a second batch.
      const again = await call('analyst.wu', 'POST', '/api/batches', { ...body, reference: 'LVV-RCV2' });
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toMatch(/already has a batch/);
    });

    it('refuses a receipt whose DIN, chain of identity or patient does not match, and records a deviation on each chain involved', async () => {
      const other = await seedInboundTherapy(t, { patientIndex: 1, chainOfIdentity: 'COI2026NSH0002' });
      const theirs = await addInboundCollection(t, other, { dinSerial: serial++ });
      const ours = await addInboundCollection(t, inbound, { dinSerial: serial++ });
      const deviations = async (therapyId: string) =>
        (await call('dr.zhou', 'GET', `/api/therapies/${therapyId}`))
          .json<{ deviations: { kind: string; din: string | null; detail: { stage?: string } }[] }>()
          .deviations.filter((d) => d.detail.stage === 'laboratory_receipt');
      const receive = (user: string, extra: Record<string, unknown>) =>
        call(user, 'POST', '/api/batches', {
          kind: 'autologous',
          reference: 'LVV-MIX',
          productCode: 'LVV-HSC',
          patientPseudonym: inbound.pseudonym,
          chainOfIdentity: inbound.chainOfIdentity,
          dinWithCheck: ours.scanned,
          patientWeightKg: 32,
          ...extra,
        });
      // Another patient's bag labelled with this chain of identity: refused, a deviation on both chains.
      const swapped = await receive('analyst.wu', { dinWithCheck: theirs.scanned });
      expect(swapped.statusCode).toBe(409);
      expect(swapped.json().code).toBe('identity-mismatch');
      expect(swapped.json().mismatches).toEqual([
        `DIN ${theirs.din} is not on chain of identity COI2026NSH0001`,
      ]);
      expect((await deviations(inbound.therapyId)).map((d) => [d.kind, d.din])).toEqual([
        ['identity_mismatch', theirs.din],
      ]);
      expect((await deviations(other.therapyId)).map((d) => [d.kind, d.din])).toEqual([
        ['identity_mismatch', theirs.din],
      ]);
      // The right bag with another patient's pseudonym on the label.
      const patient = await receive('analyst.wu', { patientPseudonym: other.pseudonym });
      expect(patient.statusCode).toBe(409);
      expect(patient.json().mismatches[0]).toMatch(/does not match/);
      expect(await deviations(inbound.therapyId)).toHaveLength(2);
      // Both sides are notified.
      for (const who of ['dr.zhou', 'analyst.wu']) {
        const kinds = (await call(who, 'GET', '/api/notifications'))
          .json<{ kind: string }[]>()
          .map((n) => n.kind);
        expect(kinds, who).toContain('deviation.identity_mismatch');
      }
      // Nothing was started, and no custody scan was written for either bag.
      expect(
        (await call('analyst.wu', 'GET', '/api/batches')).json<BatchView[]>().map((b) => b.reference),
      ).not.toContain('LVV-MIX');
      const therapy = (await call('dr.zhou', 'GET', `/api/therapies/${inbound.therapyId}`)).json();
      expect(therapy.custody.filter((c: { din: string }) => c.din === ours.din)).toHaveLength(3);
      // A bag not yet handed over to the laboratory is refused without a deviation.
      const early = await addInboundCollection(t, inbound, { dinSerial: serial++, handedOver: false });
      const notYet = await receive('analyst.wu', { dinWithCheck: early.scanned });
      expect(notYet.statusCode).toBe(409);
      expect(notYet.json().code).toBe('custody-out-of-order');
      expect(await deviations(inbound.therapyId)).toHaveLength(2);
    });

    it('a laboratory the filing does not name cannot receive the collection and leaves no deviation on it', async () => {
      const ours = await addInboundCollection(t, inbound, { dinSerial: serial++ });
      const before = (await call('dr.zhou', 'GET', `/api/therapies/${inbound.therapyId}`)).json().deviations
        .length;
      const res = await call('analyst.b', 'POST', '/api/batches', {
        kind: 'autologous',
        reference: 'LVV-STRANGER',
        productCode: 'LVV-HSC',
        patientPseudonym: inbound.pseudonym,
        chainOfIdentity: inbound.chainOfIdentity,
        dinWithCheck: ours.scanned,
        patientWeightKg: 32,
      });
      // Row-level security hides the therapy and the collection from laboratory B: both are unknown there.
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('identity-unknown');
      expect(
        (await call('dr.zhou', 'GET', `/api/therapies/${inbound.therapyId}`)).json().deviations,
      ).toHaveLength(before);
      // Hospital staff and the regulator do not receive batches at all.
      for (const user of ['dr.zhou', 'inspector']) {
        expect(
          (
            await call(user, 'POST', '/api/batches', {
              kind: 'autologous',
              reference: 'X1',
              productCode: 'LVV-HSC',
              patientPseudonym: inbound.pseudonym,
              chainOfIdentity: inbound.chainOfIdentity,
              dinWithCheck: ours.scanned,
              patientWeightKg: 32,
            })
          ).statusCode,
          user,
        ).toBe(403);
      }
    });

    it('judges each result at once, refuses a wrong unit or an unlisted analyte, and opens an investigation on OOS', async () => {
      const batch = await startAutologous('LVV-QC');
      const unit = await enter(batch.id, 'Endotoxin', 0.2, 'EU/kg');
      expect(unit.statusCode).toBe(400);
      expect(unit.json().errors[0].field).toBe('unit');
      expect((await enter(batch.id, 'CD3', 5, '%')).json().errors[0].field).toBe('analyte');
      const oos = await enter(batch.id, 'Endotoxin', 0.8, 'EU/mL');
      expect(oos.json()).toMatchObject({
        result: { outcome: 'fail', criterion: '≤ 0.5 EU/mL' },
        investigation: { status: 'open', analyte: 'Endotoxin', phase: 'phase_1' },
      });
      const r = await record(batch.id);
      expect(r.evaluation.status).toBe('fail');
      expect(r.evaluation.missing).toEqual(['Viability', 'VCN', 'Sterility']);
    });
    it('records manufacturing steps with their parameters and trends the dose per kg (total cells / weight)', async () => {
      const batch = await startAutologous('LVV-DOSE');
      const step = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/steps`, {
        step: 'Final formulation',
        parameters: { totalCells: 1.6e8, viabilityPercent: 92, volumeMl: 20 },
        startedAt: '2026-11-20T01:00:00Z',
        endedAt: '2026-11-20T02:00:00Z',
      });
      expect(step.statusCode).toBe(201);
      const backwards = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/steps`, {
        step: 'Backwards',
        parameters: {},
        startedAt: '2026-11-20T02:00:00Z',
        endedAt: '2026-11-20T01:00:00Z',
      });
      expect(backwards.json().errors[0].field).toBe('endedAt');
      expect((await record(batch.id)).steps).toMatchObject([
        { step: 'Final formulation', operatorName: '吴志强 Wu Zhiqiang', parameters: { totalCells: 1.6e8 } },
      ]);
      const trend = (
        await call('qc.liang', 'GET', '/api/trends?productCode=LVV-HSC&parameter=dosePerKg')
      ).json();
      // 1.6 × 10⁸ cells / 32 kg = 5.0 × 10⁶ cells/kg (the beti-cel minimum, DESIGN.md §3.5).
      expect(trend.points.find((p: { reference: string }) => p.reference === 'LVV-DOSE').value).toBeCloseTo(
        5,
        10,
      );
    });
  });

  describe('release', () => {
    it('refuses release while a test is missing, an OOS investigation is open, or an excursion is unassessed; then releases with the QP signature', async () => {
      const batch = await startAutologous('LVV-REL');
      // The inbound shipper's logger file, uploaded to the pathway: one reading above −150 °C opens a deviation.
      const collection = collections.get('LVV-REL')!;
      const log = await call('analyst.wu', 'POST', `/api/therapies/${inbound.therapyId}/temperature-logs`, {
        din: collection.scanned,
        leg: 'to_laboratory',
        csv: CRYO_EXCURSION,
      });
      expect(log.statusCode, log.body).toBe(201);
      let r = await record(batch.id);
      expect(r.batch.excursion).toBe('unassessed');
      expect(r.inbound?.excursions).toMatchObject([{ status: 'open', maxCelsius: -141, limitCelsius: -150 }]);
      // An excursion on another collection's leg, or on the leg to the hospital, is not this batch's inbound one.
      const sibling = await startAutologous('LVV-REL-SIB');
      expect((await record(sibling.id)).batch.excursion).toBe('none');
      let res = await dispose(batch.id, 'qp.tang', r.contentHash);
      expect(res.statusCode).toBe(409);
      expect(res.json().reasons).toEqual(
        expect.arrayContaining([
          'Viability: result missing',
          'the shipment to the laboratory had a temperature excursion that is not assessed',
        ]),
      );

      await passAll(batch.id);
      const oos = (await enter(batch.id, 'Endotoxin', 0.9, 'EU/mL')).json();
      r = await record(batch.id);
      res = await dispose(batch.id, 'qp.tang', r.contentHash);
      expect(res.statusCode).toBe(409);
      expect(res.json().reasons).toEqual(
        expect.arrayContaining(['Endotoxin: out of specification', 'investigation of Endotoxin is open']),
      );
      expect(res.json().reasons.some((x: string) => x.includes('missing'))).toBe(false);
      // A rejection too must wait for the investigation to close.
      expect((await dispose(batch.id, 'qp.tang', r.contentHash, 'reject', 'OOS')).statusCode).toBe(409);

      // The investigation: an analyst may not conduct it; closing needs root cause, CAPA and conclusion.
      const inv = oos.investigation;
      expect(
        (await call('analyst.wu', 'PATCH', `/api/investigations/${inv.id}`, { close: true, version: 1 }))
          .statusCode,
      ).toBe(403);
      const incomplete = await call('qc.liang', 'PATCH', `/api/investigations/${inv.id}`, {
        rootCause: 'Glassware contaminated with endotoxin',
        close: true,
        version: 1,
      });
      expect(incomplete.statusCode).toBe(400);
      expect(incomplete.json().errors[0].field).toBe('capa');
      const closed = await call('qc.liang', 'PATCH', `/api/investigations/${inv.id}`, {
        phase: 'phase_1',
        rootCause: 'Glassware contaminated with endotoxin',
        capa: 'Depyrogenated glassware only; retrain analyst',
        conclusion: 'laboratory_error',
        close: true,
        version: 1,
      });
      expect(closed.statusCode).toBe(200);
      expect(closed.json().status).toBe('closed');
      // Laboratory error: the retest replaces the invalid result.
      expect((await enter(batch.id, 'Endotoxin', 0.1, 'EU/mL')).json().result.outcome).toBe('pass');

      r = await record(batch.id);
      expect(r.releaseBlockers).toEqual([
        'the shipment to the laboratory had a temperature excursion that is not assessed',
      ]);
      expect((await dispose(batch.id, 'qp.tang', r.contentHash)).statusCode).toBe(409);
      // No batch-local shortcut: the laboratory's own flag endpoint refuses a pathway-linked batch.
      const local = await call('qc.liang', 'POST', `/api/batches/${batch.id}/excursion-assessment`, {
        assessment: 'no impact',
        version: r.batch.version,
      });
      expect(local.statusCode).toBe(409);
      expect((await record(batch.id)).releaseBlockers).toHaveLength(1);
      // The deviation is assessed on the pathway with a signature; the batch reads that assessment.
      const deviation = r.inbound!.excursions[0]!;
      const assessed = await call('qc.liang', 'POST', `/api/deviations/${deviation.deviationId}/assessment`, {
        assessment: 'Logger peak −141 °C for under 1 h in vapour phase; within stability data; no impact',
        version: deviation.version,
        password: DEMO_PASSWORD,
      });
      expect(assessed.statusCode, assessed.body).toBe(200);
      r = await record(batch.id);
      expect(r.releaseBlockers).toEqual([]);
      expect(r.batch).toMatchObject({
        excursion: 'assessed',
        excursionAssessment: expect.stringContaining('no impact'),
      });

      // Wrong signer role: the QC manager may not release.
      expect((await dispose(batch.id, 'qc.liang', r.contentHash)).statusCode).toBe(403);
      // A wrong password applies no signature.
      const wrongPassword = await call('qp.tang', 'POST', `/api/batches/${batch.id}/disposition`, {
        decision: 'release',
        password: 'not-it',
        contentHash: r.contentHash,
      });
      expect(wrongPassword.statusCode).toBe(403);

      const released = await dispose(batch.id, 'qp.tang', r.contentHash);
      expect(released.statusCode, released.body).toBe(200);
      const after = released.json<BatchRecord>();
      expect(after.batch.status).toBe('released');
      expect(after.signatures).toMatchObject([
        { meaning: 'released', printedName: '唐振华 Tang Zhenhua', role: 'qualified_person', valid: true },
      ]);
      // The treating hospital reads the certificate data with the same signed content: the signature is valid.
      const hospitalView = await record(batch.id, 'dr.zhou');
      expect(hospitalView.investigations).toHaveLength(1);
      expect(hospitalView.signatures[0]?.valid).toBe(true);
      expect((await record(batch.id, 'inspector')).signatures[0]?.valid).toBe(true);
      // The released record is closed: no more results, no second disposition.
      expect((await enter(batch.id, 'VCN', 3, 'copies/cell')).statusCode).toBe(409);
      expect((await dispose(batch.id, 'qp.tang', after.contentHash)).statusCode).toBe(409);
    });

    it('prints the certificate of analysis as a PDF with Chinese text: each result against its limit, the signature and the chain of identity', async () => {
      const batch = (await call('qp.tang', 'GET', '/api/batches'))
        .json<BatchView[]>()
        .find((b) => b.reference === 'LVV-REL')!;
      const collection = collections.get('LVV-REL')!;
      const res = await call('dr.zhou', 'GET', `/api/batches/${batch.id}/certificate.pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-cgtlink-pdf-font']).toBe('cjk');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const { pages } = await pdfText(res.rawPayload);
      const text = pages.join(' ');
      for (const expected of [
        '检验报告书 Certificate of analysis',
        '大湾区',
        'LVV-REL',
        '已放行 Released',
        // Each current result against its limit, with the verdict.
        // Version 2 of the specification was in force when LVV-REL started (≥ 80 %).
        'Viability 7-AAD ≥ 80 % 91 % 符合 Pass',
        'VCN ddPCR ≤ 10 copies/cell 2.3 copies/cell 符合 Pass',
        'Endotoxin LAL ≤ 0.5 EU/mL 0.1 EU/mL 符合 Pass',
        'Sterility 14 days negative negative 符合 Pass',
        // The signature with its meaning and validity.
        '放行 Released 唐振华 Tang Zhenhua (qualified_person)',
        '有效 Valid',
        // The chain of identity and the custody hand-offs from the pathway.
        `身份链编号 Chain of identity COI2026NSH0001`,
        collection.din,
        inbound.pseudonym,
        '实验室 Laboratory 接收 in 吴志强 Wu Zhiqiang',
        '已评估 assessed: Logger peak −141 °C',
        // The closed investigation.
        'Glassware contaminated with endotoxin',
      ]) {
        expect(text).toContain(expected);
      }
      const audit = (
        await call('inspector', 'GET', `/api/audit?entityType=batch&entityId=${batch.id}&limit=200`)
      ).json<{ action: string }[]>();
      expect(audit.map((a) => a.action)).toContain('print');
      // Those who may not read the batch get no certificate either.
      expect((await call('dr.he', 'GET', `/api/batches/${batch.id}/certificate.pdf`)).statusCode).toBe(404);
      expect((await call('analyst.b', 'GET', `/api/batches/${batch.id}/certificate.pdf`)).statusCode).toBe(
        404,
      );
      for (const user of ['guardian.li', 'sponsor.xu']) {
        expect((await call(user, 'GET', `/api/batches/${batch.id}/certificate.pdf`)).statusCode).toBe(403);
      }
    });

    it('refuses a disposition when the record changed after the QP reviewed it, and shows a changed record’s signature invalid', async () => {
      const batch = await startAutologous('LVV-CHG');
      await passAll(batch.id);
      const reviewed = await record(batch.id);
      expect(reviewed.releaseBlockers).toEqual([]);
      // Someone retests viability after the QP opened the record.
      await enter(batch.id, 'Viability', 90, '%');
      const res = await dispose(batch.id, 'qp.tang', reviewed.contentHash);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toMatch(/changed since you reviewed it/);
      const fresh = await record(batch.id);
      expect((await dispose(batch.id, 'qp.tang', fresh.contentHash)).statusCode).toBe(200);
      // A change behind the application's back (direct SQL as the owner) breaks the release signature.
      await sql`update qc_result set value_number = 50 where batch_id = ${batch.id} and analyte = 'Viability' and is_current`.execute(
        t.platform.database.db,
      );
      const tampered = await record(batch.id);
      expect(tampered.signatures[0]?.valid).toBe(false);
    });

    it('rejects with a reason and the QP signature once investigations are closed', async () => {
      const batch = await startAutologous('LVV-REJ');
      const oos = (await enter(batch.id, 'VCN', 14, 'copies/cell')).json();
      await call('qc.liang', 'PATCH', `/api/investigations/${oos.investigation.id}`, {
        phase: 'phase_2',
        rootCause: 'Over-transduction confirmed by re-assay',
        capa: 'MOI review',
        conclusion: 'confirmed_oos',
        close: true,
        version: 1,
      });
      const r = await record(batch.id);
      expect((await dispose(batch.id, 'qp.tang', r.contentHash, 'reject')).statusCode).toBe(400);
      const res = await dispose(
        batch.id,
        'qp.tang',
        r.contentHash,
        'reject',
        'VCN 14 copies/cell > 10 (confirmed OOS)',
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().batch).toMatchObject({ status: 'rejected' });
      expect(res.json().signatures[0]).toMatchObject({ meaning: 'reviewed', valid: true });
    });
  });

  describe('instrument import', () => {
    it('previews without writing, reports the rows it could not read, commits the rest and saves the mapping', async () => {
      const batch = await startAutologous('LVV-IMP');
      const csv = [
        'Sample ID,Assay,Result,Units',
        'LVV-IMP,VIA,88.5,%',
        'LVV-IMP,VCN,1.9,copies/cell',
        'LVV-IMP,ENDO,0.05,EU/kg',
        'LVV-OTHER,STER,negative,',
        'LVV-IMP,XYZ,1,%',
        'LVV-IMP,STER,Negative,',
      ].join('\r\n');
      const mapping = {
        sampleColumn: 'Sample ID',
        analyteColumn: 'Assay',
        valueColumn: 'Result',
        unitColumn: 'Units',
        analytes: { VIA: 'Viability', VCN: 'VCN', ENDO: 'Endotoxin', STER: 'Sterility' },
      };
      const preview = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/import`, {
        instrument: 'BD-FACSLyric-01',
        csv,
        mapping,
      });
      expect(preview.statusCode).toBe(200);
      const report = preview.json();
      expect(report.committed).toBe(false);
      expect(report.rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 7]);
      expect(report.rejected).toEqual([
        { line: 4, reason: expect.stringContaining('unit') },
        { line: 5, reason: expect.stringContaining('not batch LVV-IMP') },
        { line: 6, reason: expect.stringContaining('"XYZ" is not in the instrument mapping') },
      ]);
      expect((await record(batch.id)).results).toHaveLength(0);

      const commit = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/import`, {
        instrument: 'BD-FACSLyric-01',
        csv,
        mapping,
        commit: true,
      });
      expect(commit.json()).toMatchObject({ committed: true, investigationsOpened: 0 });
      const r = await record(batch.id);
      expect(r.results.map((x) => [x.analyte, x.source, x.instrument])).toEqual([
        ['Viability', 'instrument', 'BD-FACSLyric-01'],
        ['VCN', 'instrument', 'BD-FACSLyric-01'],
        ['Sterility', 'instrument', 'BD-FACSLyric-01'],
      ]);
      expect(r.evaluation.missing).toEqual(['Endotoxin']);
      // The saved mapping serves the next file from the same instrument.
      const again = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/import`, {
        instrument: 'BD-FACSLyric-01',
        csv: 'Sample ID,Assay,Result,Units\nLVV-IMP,ENDO,0.7,EU/mL\n',
        commit: true,
      });
      expect(again.json()).toMatchObject({ committed: true, investigationsOpened: 1 });
      const unknown = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/import`, {
        instrument: 'never-seen',
        csv,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].field).toBe('mapping');
    });
  });

  describe('who sees what', () => {
    it('keeps a laboratory to its own batches, a hospital to its own patients’ batches (read-only), the regulator read-only, others out', async () => {
      const batch = await startAutologous('LVV-SCOPE');
      const list = async (user: string) => (await call(user, 'GET', '/api/batches')).json<BatchView[]>();
      expect((await list('analyst.b')).map((b) => b.reference)).toEqual([]);
      expect((await call('analyst.b', 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(404);
      expect((await enter(batch.id, 'Viability', 90, '%', 'analyst.b')).statusCode).toBe(404);
      expect((await call('analyst.b', 'GET', '/api/cell-banks')).json()).toEqual([]);

      expect((await list('dr.zhou')).map((b) => b.reference)).toContain('LVV-SCOPE');
      expect((await list('dr.zhou')).map((b) => b.reference)).not.toContain('MSC-2026-001');
      expect((await call('dr.zhou', 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(200);
      expect((await enter(batch.id, 'Viability', 90, '%', 'dr.zhou')).statusCode).toBe(403);
      expect((await call('dr.zhou', 'GET', '/api/cell-banks')).statusCode).toBe(403);
      expect((await call('dr.he', 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(404);

      expect((await call('inspector', 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(200);
      expect((await list('inspector')).length).toBeGreaterThan(1);
      const r = await record(batch.id);
      expect((await dispose(batch.id, 'inspector', r.contentHash)).statusCode).toBe(403);

      for (const user of ['guardian.li', 'sponsor.xu', 'foundation.yang']) {
        expect((await call(user, 'GET', '/api/batches')).statusCode).toBe(403);
        expect((await call(user, 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(403);
      }
    });

    it('scopes the laboratory tables in the database itself: raw queries without WHERE, and a cross-laboratory insert', async () => {
      const principalOf = async (username: string) =>
        (await call(username, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;
      const count = async (username: string, table: string) =>
        withPrincipal(t.platform.database.db, await principalOf(username), async (tx) =>
          Number(
            (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx))
              .rows[0]!.n,
          ),
        );
      expect(await count('analyst.b', 'investigation')).toBe(0);
      for (const table of ['batch', 'qc_result', 'specification', 'cell_bank', 'vial', 'control_run']) {
        expect(await count('analyst.b', table), table).toBe(0);
        expect(await count('qc.liang', table), table).toBeGreaterThan(0);
        expect(await count('inspector', table), table).toBeGreaterThan(0);
      }
      // Hospitals never read the cell bank, nor another hospital's batches; patient accounts read no batch.
      expect(await count('dr.zhou', 'cell_bank')).toBe(0);
      expect(await count('dr.he', 'batch')).toBe(0);
      expect(await count('guardian.li', 'batch')).toBe(0);
      const spec = (await call('qc.liang', 'GET', '/api/specifications')).json<SpecificationView[]>()[0]!;
      const b = await principalOf('analyst.b');
      await expect(
        withPrincipal(t.platform.database.db, b, async (tx) =>
          sql`insert into batch (laboratory_id, reference, kind, specification_id, product_code, working_bank_id, created_by)
              values (${spec.laboratoryId}, 'EVIL-1', 'allogeneic', ${spec.id}, 'X', null, ${b.userId})`.execute(
            tx,
          ),
        ),
      ).rejects.toThrow();
    });
  });
});
