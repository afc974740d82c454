import { dinCheckCharacter } from '@cgtlink/domain/isbt128/din';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

/**
 * Allogeneic/haploidentical HSCT with its donor, and MSC with a lot from the cell bank, from enrolment to
 * infusion (DESIGN.md §2); the return-leg temperature excursion refused at the bedside; the notifications inbox.
 */
const din = (n: number) => {
  const d = `G123426${String(n).padStart(6, '0')}`;
  return { din: d, scanned: `${d}${dinCheckCharacter(d)}` };
};
const RETURN_EXCURSION =
  'time,celsius\n2026-11-20T08:00:00Z,-186\n2026-11-20T09:00:00Z,-138\n2026-11-20T10:00:00Z,-181\n';
const CRYO_OK = 'time,celsius\n2026-11-20T08:00:00Z,-185\n2026-11-20T09:00:00Z,-183\n';
const monthly = Array.from({ length: 24 }, (_, i) => ({
  date: `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-10`,
  volumeMl: 450,
}));
const FIT = {
  referenceDate: '2026-01-05',
  weightKg: 40,
  transfusions: monthly,
  cardiacT2StarMs: 28,
  licMgG: 5,
  altUL: 35,
  astUL: 30,
  transaminaseUlnUL: 40,
  egfr: 115,
};
const MSC_CRITERIA = {
  ageMinYears: 18,
  ageMaxYears: 80,
  requireTransfusionDependence: false,
  maxTransaminaseTimesUln: 3,
  minEgfr: 30,
};
const MSC_CODE = 'S5678A00';
const ALLO_CODE = 'S2468A00';

vi.setConfig({ testTimeout: 180_000 });

describe.each(ENGINES)('where the product comes from: donor and cell-bank lot, on %s', (engine) => {
  let t: TestPlatform;
  const org: Record<string, string> = {};
  const patientBy: Record<string, { id: string; pseudonym: string }> = {};
  const versions: Record<string, number> = {};

  const call = async (username: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(username),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const therapy = async (id: string, username = 'dr.zhou') => {
    const res = await call(username, 'GET', `/api/therapies/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    versions[id] = res.json().version;
    return res.json();
  };
  const step = async (id: string, username: string, stepId: string, extra: Record<string, unknown> = {}) => {
    await therapy(id, username);
    return call(username, 'POST', `/api/therapies/${id}/steps`, {
      step: stepId,
      expectedVersion: versions[id],
      ...extra,
    });
  };
  const ok = async (id: string, username: string, stepId: string, extra: Record<string, unknown> = {}) => {
    const res = await step(id, username, stepId, extra);
    expect(res.statusCode, `${stepId}: ${res.body}`).toBe(201);
    return res.json();
  };
  const scan = async (
    id: string,
    coi: string,
    username: string,
    stage: string,
    direction: string,
    unit: string,
    productCode?: string,
  ) =>
    call(username, 'POST', `/api/therapies/${id}/custody`, {
      din: unit,
      stage,
      direction,
      chainOfIdentity: coi,
      ...(productCode ? { productCode } : {}),
    });
  const audit = async (entityType: string, entityId: string) =>
    (
      await call('inspector', 'GET', `/api/audit?entityType=${entityType}&entityId=${entityId}&limit=500`)
    ).json<{ action: string }[]>();

  /** Files, approves (regulator) and enrols one patient; returns the therapy id and chain of identity. */
  const enrol = async (technology: string, productCode: string, birthDate: string, criteria?: object) => {
    const filing = await call('dr.zhou', 'POST', '/api/filings', {
      laboratoryId: org['GBA-SCB'],
      technology,
      indication: `${technology} test indication`,
      productName: `${technology} product`,
      productCode,
      specificationVersion: 'SPEC v1',
      protocolVersion: 'PROT v1',
      ethicsApprovalRef: `EC-${technology}`,
      targetEnrolment: 4,
      ...(criteria ? { criteria } : {}),
      password: DEMO_PASSWORD,
    });
    expect(filing.statusCode, filing.body).toBe(201);
    const filingId = filing.json().id;
    const approved = await call('inspector', 'POST', `/api/filings/${filingId}/decisions`, {
      decision: 'approve',
      version: filing.json().version,
      password: DEMO_PASSWORD,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const doc = await call('dr.zhou', 'POST', `/api/filings/${filingId}/consent-documents`, {
      title: 'consent v1',
      body: 'consent text',
    });
    const patient = patientBy[birthDate]!;
    const consent = await call('dr.zhou', 'POST', `/api/patients/${patient.id}/consents`, {
      filingId,
      documentId: doc.json().id,
      signedBy: 'patient',
      signerName: '测试签署人',
      signedOn: '2026-01-03',
      password: DEMO_PASSWORD,
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const eligibility = await call('dr.zhou', 'POST', `/api/patients/${patient.id}/eligibility`, {
      filingId,
      ...FIT,
    });
    expect(eligibility.json().allMet, eligibility.body).toBe(true);
    const enrolled = await call('dr.zhou', 'POST', `/api/patients/${patient.id}/enrolment`, {
      filingId,
      eligibilityId: eligibility.json().id,
      consentId: consent.json().id,
      password: DEMO_PASSWORD,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    return {
      id: enrolled.json().therapyId as string,
      coi: enrolled.json().chainOfIdentity as string,
      pseudonym: patient.pseudonym,
    };
  };

  /** The bedside check by dr.zhou with coord.lin as the second verifier. */
  const bedside = async (id: string, wristband: string, unit: string, productCode: string) => {
    await therapy(id);
    return call('dr.zhou', 'POST', `/api/therapies/${id}/bedside-verification`, {
      wristband,
      din: unit,
      productCode,
      expectedVersion: versions[id],
      password: DEMO_PASSWORD,
      secondVerifier: { username: 'coord.lin', password: DEMO_PASSWORD },
    });
  };

  /** A released allogeneic batch from the demo working bank, with one vial issued to it (laboratory API). */
  const releasedBatch = async (reference: string, release = true) => {
    const banks = (await call('analyst.wu', 'GET', '/api/cell-banks')).json<{ id: string; kind: string }[]>();
    const working = banks.find((b) => b.kind === 'working')!;
    const batch = await call('analyst.wu', 'POST', '/api/batches', {
      kind: 'allogeneic',
      reference,
      productCode: 'MSC-UC',
      workingBankId: working.id,
    });
    expect(batch.statusCode, batch.body).toBe(201);
    const batchId = batch.json().id as string;
    const issued = await call('analyst.wu', 'POST', `/api/cell-banks/${working.id}/issue`, {
      batchId,
      count: 1,
    });
    expect(issued.statusCode, issued.body).toBe(200);
    if (!release) return batchId;
    for (const [analyte, value, unit] of [
      ['CD73', 99.0, '%'],
      ['CD90', 98.5, '%'],
      ['CD105', 97.7, '%'],
      ['CD34', 0.5, '%'],
      ['CD45', 0.6, '%'],
      ['HLA-DR', 0.8, '%'],
      ['Viability', 92.4, '%'],
      ['Endotoxin', 0.9, 'EU/kg'],
      ['Sterility', 'negative', undefined],
      ['Mycoplasma', 'negative', undefined],
    ] as const) {
      const r = await call('analyst.wu', 'POST', `/api/batches/${batchId}/results`, {
        analyte,
        value,
        ...(unit ? { unit } : {}),
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const record = (await call('qp.tang', 'GET', `/api/batches/${batchId}`)).json();
    const disposed = await call('qp.tang', 'POST', `/api/batches/${batchId}/disposition`, {
      decision: 'release',
      password: DEMO_PASSWORD,
      contentHash: record.contentHash,
    });
    expect(disposed.statusCode, disposed.body).toBe(200);
    return batchId;
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const orgs = (await call('admin', 'GET', '/api/organizations')).json<{ id: string; code: string }[]>();
    for (const o of orgs) org[o.code] = o.id;
    const patients = (await call('dr.zhou', 'GET', '/api/patients')).json<
      { id: string; pseudonym: string; birthDate: string }[]
    >();
    for (const p of patients) patientBy[p.birthDate] = p;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  describe('MSC: a released lot from the working bank, from enrolment to the bedside', () => {
    let msc: { id: string; coi: string; pseudonym: string };
    let batchId = '';
    const unit = din(501);

    it('enrols a knee-osteoarthritis patient on an approved MSC filing', async () => {
      msc = await enrol('msc', MSC_CODE, '1965-05-06', MSC_CRITERIA);
      const detail = await therapy(msc.id);
      expect(detail.technology).toBe('msc');
      expect(detail.nextSteps).toEqual([]);
      expect((await therapy(msc.id, 'analyst.wu')).nextSteps).toEqual(['lot_allocation']);
    });

    it('refuses a lot that is not a released working-bank batch, a lot allocated by the hospital, and an unknown batch', async () => {
      const inProcess = await releasedBatch('MSC-E2E-HOLD', false);
      const before = await therapy(msc.id, 'analyst.wu');
      const refused = await step(msc.id, 'analyst.wu', 'lot_allocation', {
        batchId: inProcess,
        din: unit.scanned,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'lot-not-allocatable' });
      expect(refused.json().detail).toMatch(/MSC-E2E-HOLD is in_process, not released/);
      const after = await therapy(msc.id, 'analyst.wu');
      expect(after.version).toBe(before.version);
      expect(after.entries).toEqual(before.entries);
      expect(after.lot).toBeNull();
      expect(
        (await step(msc.id, 'dr.zhou', 'lot_allocation', { batchId: inProcess, din: unit.scanned })).json()
          .code,
      ).toBe('step-wrong-party');
      const unknown = await step(msc.id, 'analyst.wu', 'lot_allocation', {
        batchId: '00000000-0000-4000-8000-000000000000',
        din: unit.scanned,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].field).toBe('batchId');
      const noBatch = await step(msc.id, 'analyst.wu', 'lot_allocation', { din: unit.scanned });
      expect(noBatch.json().errors[0].field).toBe('batchId');
    });

    it('allocates a released batch with the unit DIN; the lot, its bank and the dispatch are recorded and audited', async () => {
      batchId = await releasedBatch('MSC-E2E-REL');
      const detail = await ok(msc.id, 'analyst.wu', 'lot_allocation', { batchId, din: unit.scanned });
      expect(detail.lot).toMatchObject({
        batchId,
        batchReference: 'MSC-E2E-REL',
        batchProductCode: 'MSC-UC',
        bankLot: 'WCB-UC07-2026A',
        din: unit.din,
      });
      expect(detail.collections.map((c: { din: string }) => c.din)).toEqual([unit.din]);
      expect(detail.nextCustody).toEqual({ [unit.din]: 'laboratory:out' });
      // The hospital now reads the batch record (certificate of analysis) through the dispatch.
      expect((await call('dr.zhou', 'GET', `/api/batches/${batchId}`)).statusCode).toBe(200);
      expect((await call('dr.he', 'GET', `/api/batches/${batchId}`)).statusCode).toBe(404);
      const lotAudit = await t.platform.database.db
        .selectFrom('therapy_lot')
        .select('id')
        .where('therapy_id', '=', msc.id)
        .executeTakeFirstOrThrow();
      expect((await audit('therapy_lot', lotAudit.id)).map((a) => a.action)).toContain('allocate');
      expect((await audit('batch', batchId)).map((a) => a.action)).toContain('dispatch');
      const again = await step(msc.id, 'analyst.wu', 'lot_allocation', { batchId, din: din(502).scanned });
      expect(again.json().code).toBe('step-already-recorded');
    });

    it('releases the unit without an inbound leg; custody starts at the laboratory', async () => {
      await therapy(msc.id, 'qp.tang');
      const released = await call('qp.tang', 'POST', `/api/therapies/${msc.id}/release`, {
        din: unit.scanned,
        productCode: MSC_CODE,
        expiresAt: '2027-06-01T00:00:00Z',
        expectedVersion: versions[msc.id],
        password: DEMO_PASSWORD,
      });
      expect(released.statusCode, released.body).toBe(201);
      expect(released.json().products[0]).toMatchObject({ din: unit.din, status: 'released' });
      const early = await scan(msc.id, msc.coi, 'dr.zhou', 'collection', 'out', unit.scanned);
      expect(early.json()).toMatchObject({
        code: 'custody-out-of-order',
        detail: 'hand-off out of order: expected laboratory:out, got collection:out',
      });
      expect(
        (await scan(msc.id, msc.coi, 'analyst.wu', 'laboratory', 'out', unit.scanned, MSC_CODE)).statusCode,
      ).toBe(201);
      expect(
        (await scan(msc.id, msc.coi, 'analyst.wu', 'courier_to_hospital', 'in', unit.scanned, MSC_CODE))
          .statusCode,
      ).toBe(201);
      await ok(msc.id, 'analyst.wu', 'shipment_to_hospital', { data: { shipper: 'LN2 dry shipper' } });
      for (const [stage, direction] of [
        ['courier_to_hospital', 'out'],
        ['pharmacy', 'in'],
        ['pharmacy', 'out'],
      ] as const) {
        expect(
          (await scan(msc.id, msc.coi, 'dr.zhou', stage, direction, unit.scanned, MSC_CODE)).statusCode,
        ).toBe(201);
      }
    });

    it('a return-leg excursion refuses the bedside check with the reason, and nothing is recorded; assessed, the patient is injected', async () => {
      const log = await call('dr.zhou', 'POST', `/api/therapies/${msc.id}/temperature-logs`, {
        din: unit.scanned,
        leg: 'to_hospital',
        csv: RETURN_EXCURSION,
      });
      expect(log.statusCode, log.body).toBe(201);
      const excursion = log
        .json()
        .deviations.find((d: { kind: string }) => d.kind === 'temperature_excursion');
      expect(excursion).toMatchObject({ status: 'open', din: unit.din });
      expect(excursion.detail).toMatchObject({ leg: 'to_hospital', maxCelsius: -138, limitCelsius: -150 });
      const before = await therapy(msc.id);
      const refused = await bedside(msc.id, msc.pseudonym, unit.scanned, MSC_CODE);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'temperature-excursion',
        deviations: [excursion.id],
        legs: ['to_hospital'],
      });
      expect(refused.json().detail).toBe(
        `do not infuse: the return-leg shipment (laboratory → hospital) of DIN ${unit.din} had a temperature excursion (max -138 °C above the -150 °C limit) that is not yet assessed; the laboratory must assess deviation ${excursion.id} first`,
      );
      const after = await therapy(msc.id);
      expect(after.version).toBe(before.version);
      expect(after.bedside).toEqual([]);
      expect(after.products[0].status).toBe('released');
      expect(after.custody).toHaveLength(5);

      // Both sides were told of the excursion; the laboratory reads and marks its notice.
      for (const who of ['dr.zhou', 'analyst.wu']) {
        const notes = (await call(who, 'GET', '/api/notifications?unread=true')).json<
          { id: string; kind: string; entityId: string }[]
        >();
        expect(
          notes.filter((n) => n.entityId === msc.id).map((n) => n.kind),
          who,
        ).toContain('deviation.temperature_excursion');
      }
      const labNote = (await call('analyst.wu', 'GET', '/api/notifications?unread=true'))
        .json<{ id: string; kind: string; entityId: string }[]>()
        .find((n) => n.entityId === msc.id && n.kind === 'deviation.temperature_excursion')!;
      expect((await call('dr.he', 'POST', `/api/notifications/${labNote.id}/read`)).statusCode).toBe(404);
      const read = await call('analyst.wu', 'POST', `/api/notifications/${labNote.id}/read`);
      expect(read.statusCode).toBe(200);
      expect(read.json().readAt).toMatch(/^\d{4}-/);
      const unread = (await call('analyst.wu', 'GET', '/api/notifications?unread=true')).json<
        { id: string }[]
      >();
      expect(unread.map((n) => n.id)).not.toContain(labNote.id);
      const all = (await call('analyst.wu', 'GET', '/api/notifications')).json<{ id: string }[]>();
      expect(all.map((n) => n.id)).toContain(labNote.id);
      expect((await audit('notification', labNote.id)).map((a) => a.action)).toEqual(['read-notification']);

      expect(
        (
          await call('qc.liang', 'POST', `/api/deviations/${excursion.id}/assessment`, {
            assessment:
              'one reading −138 °C for < 1 h in the dry shipper; within the stability data, product unaffected',
            version: excursion.version,
            password: DEMO_PASSWORD,
          })
        ).statusCode,
      ).toBe(200);
      const infused = await bedside(msc.id, msc.pseudonym, unit.scanned, MSC_CODE);
      expect(infused.statusCode, infused.body).toBe(201);
      expect(infused.json()).toMatchObject({ state: 'infusion' });
      expect(infused.json().products[0].status).toBe('infused');
      expect(infused.json().custody.at(-1)).toMatchObject({ stage: 'bedside', direction: 'in' });
      const followed = await ok(msc.id, 'dr.zhou', 'follow_up', { data: { womac: 38, vasPain: 3 } });
      expect(followed.state).toBe('follow_up');
    });
  });

  describe('allogeneic HSCT: the donor, the donor collection with its own DIN, from enrolment to infusion', () => {
    let allo: { id: string; coi: string; pseudonym: string };
    const graft = din(601);

    it('records HLA typing and the donor search, and refuses a donor selection without the donor', async () => {
      allo = await enrol('allogeneic_hsct', ALLO_CODE, '2011-03-15');
      await ok(allo.id, 'dr.zhou', 'hla_typing', { data: { patient: 'A*02:01 A*11:01 B*46:01 B*58:01' } });
      await ok(allo.id, 'dr.zhou', 'donor_search', {
        data: { family: 2, registry: 'CMDP preliminary search' },
      });
      const none = await step(allo.id, 'dr.zhou', 'donor_selection');
      expect(none.statusCode).toBe(400);
      expect(none.json().errors[0].field).toBe('donor');
      const badMatch = await step(allo.id, 'dr.zhou', 'donor_selection', {
        donor: { code: 'FAM-SIB-01', relation: 'sibling', hlaMatch: '11/10' },
      });
      expect(badMatch.json().errors[0].field).toBe('donor.hlaMatch');
    });

    it("selects the sibling's donor record; the collection is refused out of order until the donor's consent and eligibility", async () => {
      const patientId = patientBy['2011-03-15']!.id;
      const donors = (await call('dr.zhou', 'GET', `/api/patients/${patientId}/donors`)).json<
        { id: string; donorNo: number; relation: string }[]
      >();
      const sibling = donors.find((d) => d.relation === 'sibling')!;
      const wrongRelation = await step(allo.id, 'dr.zhou', 'donor_selection', {
        donor: { donorId: sibling.id, relation: 'parent', hlaMatch: '10/10' },
      });
      expect(wrongRelation.statusCode).toBe(400);
      expect(wrongRelation.json().errors[0]).toMatchObject({
        field: 'donor.relation',
        message: 'the donor record gives the relation sibling',
      });
      const selected = await ok(allo.id, 'dr.zhou', 'donor_selection', {
        donor: { donorId: sibling.id, hlaMatch: '10/10' },
      });
      expect(selected.donor).toMatchObject({
        code: `FAM-${sibling.donorNo}`,
        donorId: sibling.id,
        relation: 'sibling',
        hlaMatch: '10/10',
        eligibility: 'pending',
        consentedOn: null,
        collectionDin: null,
      });
      await ok(allo.id, 'dr.zhou', 'donor_workup', { data: { fitness: 'fit for G-CSF mobilisation' } });
      const early = await step(allo.id, 'dr.zhou', 'collection', { din: graft.scanned });
      expect(early.json()).toMatchObject({ code: 'step-out-of-order' });
      const noConsent = await step(allo.id, 'dr.zhou', 'donor_consent');
      expect(noConsent.json().errors[0].field).toBe('donorConsent');
      await ok(allo.id, 'dr.zhou', 'donor_consent', {
        donorConsent: { signedBy: 'donor', signedOn: '2026-04-02' },
      });
      const eligible = await ok(allo.id, 'dr.zhou', 'donor_eligibility', {
        donorEligibility: {
          verdict: 'eligible',
          markers: [
            { test: 'HBsAg', result: 'negative' },
            { test: 'Anti-HIV-1/2', result: 'negative' },
          ],
        },
      });
      expect(eligible.donor).toMatchObject({
        consentedOn: '2026-04-02',
        consentSignedBy: 'donor',
        eligibility: 'eligible',
      });
      expect(eligible.donor.markers).toHaveLength(2);
    });

    it('collects the donor graft with its DIN, processes and releases it at the laboratory, and infuses it', async () => {
      const collected = await ok(allo.id, 'dr.zhou', 'collection', {
        din: graft.scanned,
        data: { cd34PerKg: 6.2e6 },
      });
      expect(collected.donor.collectionDin).toBe(graft.din);
      expect(collected.collections.map((c: { din: string }) => c.din)).toEqual([graft.din]);
      await ok(allo.id, 'dr.zhou', 'conditioning', { data: { regimen: 'Bu/Cy/ATG' } });
      await ok(allo.id, 'dr.zhou', 'shipment_to_lab');
      expect((await scan(allo.id, allo.coi, 'dr.zhou', 'collection', 'out', graft.scanned)).statusCode).toBe(
        201,
      );
      expect(
        (await scan(allo.id, allo.coi, 'dr.zhou', 'courier_to_lab', 'in', graft.scanned)).statusCode,
      ).toBe(201);
      expect(
        (await scan(allo.id, allo.coi, 'analyst.wu', 'courier_to_lab', 'out', graft.scanned)).statusCode,
      ).toBe(201);
      expect(
        (await scan(allo.id, allo.coi, 'analyst.wu', 'laboratory', 'in', graft.scanned)).statusCode,
      ).toBe(201);
      await ok(allo.id, 'analyst.wu', 'processing', {
        data: { method: 'RBC depletion (ABO major mismatch)' },
      });
      await ok(allo.id, 'analyst.wu', 'qc_testing', { data: { viability: 96, sterility: 'negative' } });
      await therapy(allo.id, 'qp.tang');
      const released = await call('qp.tang', 'POST', `/api/therapies/${allo.id}/release`, {
        din: graft.scanned,
        productCode: ALLO_CODE,
        expiresAt: '2027-01-01T00:00:00Z',
        expectedVersion: versions[allo.id],
        password: DEMO_PASSWORD,
      });
      expect(released.statusCode, released.body).toBe(201);
      expect(
        (await scan(allo.id, allo.coi, 'analyst.wu', 'laboratory', 'out', graft.scanned, ALLO_CODE))
          .statusCode,
      ).toBe(201);
      expect(
        (await scan(allo.id, allo.coi, 'analyst.wu', 'courier_to_hospital', 'in', graft.scanned, ALLO_CODE))
          .statusCode,
      ).toBe(201);
      const clean = await call('analyst.wu', 'POST', `/api/therapies/${allo.id}/temperature-logs`, {
        din: graft.scanned,
        leg: 'to_hospital',
        csv: CRYO_OK,
      });
      expect(clean.json().deviations).toEqual([]);
      await ok(allo.id, 'analyst.wu', 'shipment_to_hospital');
      for (const [stage, direction] of [
        ['courier_to_hospital', 'out'],
        ['pharmacy', 'in'],
        ['pharmacy', 'out'],
      ] as const) {
        expect(
          (await scan(allo.id, allo.coi, 'dr.zhou', stage, direction, graft.scanned, ALLO_CODE)).statusCode,
        ).toBe(201);
      }
      const infused = await bedside(allo.id, allo.pseudonym, graft.scanned, ALLO_CODE);
      expect(infused.statusCode, infused.body).toBe(201);
      expect(infused.json().state).toBe('infusion');
      const gvhd = await ok(allo.id, 'dr.zhou', 'gvhd_surveillance', { data: { day: 14, acuteGrade: 0 } });
      expect(gvhd.entries.map((e: { step: string }) => e.step)).toEqual([
        'eligibility',
        'consent',
        'hla_typing',
        'donor_search',
        'donor_selection',
        'donor_workup',
        'donor_consent',
        'donor_eligibility',
        'collection',
        'conditioning',
        'shipment_to_lab',
        'processing',
        'qc_testing',
        'release',
        'shipment_to_hospital',
        'infusion',
        'gvhd_surveillance',
      ]);
      const donorRow = await t.platform.database.db
        .selectFrom('therapy_donor')
        .select('id')
        .where('therapy_id', '=', allo.id)
        .executeTakeFirstOrThrow();
      expect((await audit('therapy_donor', donorRow.id)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['create', 'update']),
      );
    });
  });

  describe('haploidentical HSCT: a family donor, and no collection from an ineligible donor', () => {
    it('refuses an unrelated haploidentical donor and the collection from a donor found ineligible', async () => {
      const haplo = await enrol('haploidentical_hsct', 'S1357A00', '2014-07-22');
      await ok(haplo.id, 'dr.zhou', 'hla_typing');
      await ok(haplo.id, 'dr.zhou', 'donor_search');
      const unrelated = await step(haplo.id, 'dr.zhou', 'donor_selection', {
        donor: { code: 'CMDP-0042', relation: 'unrelated', hlaMatch: '5/10' },
      });
      expect(unrelated.statusCode).toBe(400);
      expect(unrelated.json().errors[0]).toMatchObject({
        field: 'donor.relation',
        message: 'a haploidentical donor is a family member sharing one haplotype',
      });
      // A donor record of another patient (李小明's father) is not this patient's donor.
      const father = (await call('dr.zhou', 'GET', `/api/patients/${patientBy['2011-03-15']!.id}/donors`))
        .json<{ id: string; relation: string }[]>()
        .find((d) => d.relation === 'father')!;
      const foreign = await step(haplo.id, 'dr.zhou', 'donor_selection', {
        donor: { donorId: father.id, hlaMatch: '5/10' },
      });
      expect(foreign.json().errors[0]).toMatchObject({
        field: 'donor.donorId',
        message: 'this related donor is recorded for another patient',
      });
      const noCode = await step(haplo.id, 'dr.zhou', 'donor_selection', {
        donor: { relation: 'parent', hlaMatch: '5/10' },
      });
      expect(noCode.json().errors[0].field).toBe('donor.code');
      await ok(haplo.id, 'dr.zhou', 'donor_selection', {
        donor: { code: 'FAM-FATHER-01', relation: 'parent', hlaMatch: '5/10' },
      });
      await ok(haplo.id, 'dr.zhou', 'donor_workup');
      await ok(haplo.id, 'dr.zhou', 'donor_consent', {
        donorConsent: { signedBy: 'donor', signedOn: '2026-05-02' },
      });
      await ok(haplo.id, 'dr.zhou', 'donor_eligibility', {
        donorEligibility: { verdict: 'ineligible', markers: [{ test: 'HBsAg', result: 'positive' }] },
      });
      const before = await therapy(haplo.id);
      const refused = await step(haplo.id, 'dr.zhou', 'collection', { din: din(701).scanned });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'donor-not-cleared',
        problems: ['the donor was found ineligible: no collection from this donor'],
      });
      const after = await therapy(haplo.id);
      expect(after.version).toBe(before.version);
      expect(after.collections).toEqual([]);
      expect(after.donor.collectionDin).toBeNull();
    });
  });

  describe('haploidentical HSCT: a parent donor from work-up to infusion', () => {
    it('walks every step in order, the family donor cleared before the collection, the graft released and infused', async () => {
      const haplo = await enrol('haploidentical_hsct', 'S1357A01', '1978-09-11');
      const graft = din(801);
      await ok(haplo.id, 'dr.zhou', 'hla_typing');
      await ok(haplo.id, 'dr.zhou', 'donor_search', { data: { family: 3 } });
      const selected = await ok(haplo.id, 'dr.zhou', 'donor_selection', {
        donor: { code: 'FAM-MOTHER-02', relation: 'parent', hlaMatch: '6/10' },
      });
      expect(selected.donor).toMatchObject({ relation: 'parent', hlaMatch: '6/10', donorId: null });
      await ok(haplo.id, 'dr.zhou', 'donor_workup');
      await ok(haplo.id, 'dr.zhou', 'donor_eligibility', {
        donorEligibility: { verdict: 'eligible', markers: [{ test: 'HBsAg', result: 'negative' }] },
      });
      const noConsent = await step(haplo.id, 'dr.zhou', 'collection', { din: graft.scanned });
      expect(noConsent.json()).toMatchObject({ code: 'step-out-of-order' });
      await ok(haplo.id, 'dr.zhou', 'donor_consent', {
        donorConsent: { signedBy: 'donor', signedOn: '2026-06-01' },
      });
      await ok(haplo.id, 'dr.zhou', 'collection', { din: graft.scanned });
      await ok(haplo.id, 'dr.zhou', 'conditioning', { data: { regimen: 'Flu/Bu/ATG + PTCy' } });
      await ok(haplo.id, 'dr.zhou', 'shipment_to_lab');
      for (const [who, stage, direction] of [
        ['dr.zhou', 'collection', 'out'],
        ['dr.zhou', 'courier_to_lab', 'in'],
        ['analyst.wu', 'courier_to_lab', 'out'],
        ['analyst.wu', 'laboratory', 'in'],
      ] as const) {
        expect((await scan(haplo.id, haplo.coi, who, stage, direction, graft.scanned)).statusCode).toBe(201);
      }
      await ok(haplo.id, 'analyst.wu', 'processing', { data: { method: 'none (fresh PBSC)' } });
      await ok(haplo.id, 'analyst.wu', 'qc_testing');
      await therapy(haplo.id, 'qp.tang');
      const released = await call('qp.tang', 'POST', `/api/therapies/${haplo.id}/release`, {
        din: graft.scanned,
        productCode: 'S1357A01',
        expiresAt: '2027-01-01T00:00:00Z',
        expectedVersion: versions[haplo.id],
        password: DEMO_PASSWORD,
      });
      expect(released.statusCode, released.body).toBe(201);
      for (const [who, stage, direction] of [
        ['analyst.wu', 'laboratory', 'out'],
        ['analyst.wu', 'courier_to_hospital', 'in'],
        ['dr.zhou', 'courier_to_hospital', 'out'],
        ['dr.zhou', 'pharmacy', 'in'],
        ['dr.zhou', 'pharmacy', 'out'],
      ] as const) {
        expect(
          (await scan(haplo.id, haplo.coi, who, stage, direction, graft.scanned, 'S1357A01')).statusCode,
        ).toBe(201);
      }
      const early = await bedside(haplo.id, haplo.pseudonym, graft.scanned, 'S1357A01');
      expect(early.json()).toMatchObject({
        code: 'step-out-of-order',
        detail: 'infusion needs shipment_to_hospital first',
      });
      await ok(haplo.id, 'analyst.wu', 'shipment_to_hospital');
      const infused = await bedside(haplo.id, haplo.pseudonym, graft.scanned, 'S1357A01');
      expect(infused.statusCode, infused.body).toBe(201);
      const engrafted = await ok(haplo.id, 'dr.zhou', 'engraftment', {
        data: { ancDay: 16, plateletDay: 21 },
      });
      expect(engrafted.state).toBe('engraftment');
      expect(engrafted.donor.collectionDin).toBe(graft.din);
    });
  });

  describe('the history of a therapy record', () => {
    it('lists who changed the therapy and the records on it; the laboratory does not see the consent; others nothing', async () => {
      const therapies = (await call('dr.zhou', 'GET', '/api/therapies')).json<
        { id: string; technology: string }[]
      >();
      const alloId = therapies.find((x) => x.technology === 'allogeneic_hsct')!.id;
      type Line = {
        action: string;
        entityType: string;
        field: string | null;
        from: unknown;
        to: unknown;
        who: string;
      };
      const res = await call('dr.zhou', 'GET', `/api/therapies/${alloId}/history`);
      expect(res.statusCode).toBe(200);
      const lines = res.json<Line[]>();
      expect(lines.find((l) => l.entityType === 'therapy_donor' && l.field === 'eligibility')).toMatchObject({
        action: 'update',
        from: 'pending',
        to: 'eligible',
        who: '周晓峰 Zhou Xiaofeng (dr.zhou)',
      });
      expect(lines.some((l) => l.entityType === 'product' && l.action === 'release')).toBe(true);
      expect(lines.some((l) => l.entityType === 'consent')).toBe(true);
      expect(lines.some((l) => l.action === 'read')).toBe(false);
      const lab = (await call('analyst.wu', 'GET', `/api/therapies/${alloId}/history`)).json<Line[]>();
      expect(lab.length).toBeGreaterThan(10);
      expect(lab.some((l) => l.entityType === 'consent')).toBe(false);
      expect((await call('dr.he', 'GET', `/api/therapies/${alloId}/history`)).statusCode).toBe(404);
      expect((await call('sponsor.xu', 'GET', `/api/therapies/${alloId}/history`)).statusCode).toBe(403);
      expect((await audit('therapy_history', alloId)).map((a) => a.action)).toContain('read');
    });
  });

  describe('who sees the donor and the lot', () => {
    it('the treating hospital, the named laboratory and the regulator; another hospital and the sponsor do not', async () => {
      const principal = async (username: string) =>
        (await t.platform.auth.authenticate(await t.token(username))).principal;
      const rows = async (username: string, table: 'therapy_donor' | 'therapy_lot') =>
        withPrincipal(t.platform.database.db, await principal(username), (tx) =>
          tx.selectFrom(table).select('therapy_id').execute(),
        );
      expect(await rows('dr.zhou', 'therapy_donor')).toHaveLength(3);
      expect(await rows('analyst.wu', 'therapy_donor')).toHaveLength(3);
      expect(await rows('inspector', 'therapy_donor')).toHaveLength(3);
      expect(await rows('dr.he', 'therapy_donor')).toEqual([]);
      expect(await rows('dr.zhou', 'therapy_lot')).toHaveLength(1);
      expect(await rows('dr.he', 'therapy_lot')).toEqual([]);
      // The hospital never allocates a lot, and the laboratory never writes the donor, even around the service.
      const lot = await t.platform.database.db
        .selectFrom('therapy_lot')
        .selectAll()
        .executeTakeFirstOrThrow();
      await expect(
        withPrincipal(t.platform.database.db, await principal('dr.zhou'), (tx) =>
          tx
            .insertInto('therapy_lot')
            .values({ ...lot, id: undefined, therapy_id: lot.therapy_id, din: din(999).din })
            .execute(),
        ),
      ).rejects.toThrow(/row-level security|violates/);
      await expect(
        withPrincipal(t.platform.database.db, await principal('analyst.wu'), (tx) =>
          tx.updateTable('therapy_donor').set({ eligibility: 'eligible' }).returning('id').execute(),
        ),
      ).resolves.toEqual([]);
      const therapies = (await call('dr.zhou', 'GET', '/api/therapies')).json<
        { id: string; technology: string }[]
      >();
      const mscId = therapies.find((x) => x.technology === 'msc')!.id;
      expect((await call('dr.he', 'GET', `/api/therapies/${mscId}`)).statusCode).toBe(404);
      expect((await call('sponsor.xu', 'GET', `/api/therapies/${mscId}`)).statusCode).toBe(403);
      const regulator = (await call('inspector', 'GET', `/api/therapies/${mscId}`)).json();
      expect(regulator.lot.bankLot).toBe('WCB-UC07-2026A');
    });
  });
});
