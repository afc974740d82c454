import { dinCheckCharacter } from '@cgtlink/domain/isbt128/din';
import { mod37_2Checksum } from '@cgtlink/domain/isbt128/mod37-2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asSystem, withPrincipal } from '../src/db/scoped';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

/** DIN G1234 26 nnnnnn with its ISO/IEC 7064 MOD 37-2 check character (ICCBBA ST-001, data structure 001). */
const din = (n: number) => {
  const d = `G123426${String(n).padStart(6, '0')}`;
  return { din: d, scanned: `${d}${dinCheckCharacter(d)}` };
};
const CRYO_OK = 'time,celsius\n2026-03-01T08:00:00Z,-185\n2026-03-01T09:00:00Z,-182\n';
const CRYO_EXCURSION =
  'time,celsius\n2026-03-01T08:00:00Z,-185\n2026-03-01T09:00:00Z,-140\n2026-03-01T10:00:00Z,-180\n';
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

// Signing re-enters a password (scrypt, N = 2^17) at nearly every act of this walk: generous on a loaded CI box.
vi.setConfig({ testTimeout: 180_000 });

describe.each(ENGINES)('filings, enrolment and the treatment pathway on %s', (engine) => {
  let t: TestPlatform;
  const org: Record<string, string> = {};
  let patientId = '';
  let pseudonym = '';
  let filingId = '';
  let filingVersion = 0;
  let documentId = '';
  let consentId = '';
  let therapyId = '';
  let coi = '';
  let version = 0;

  const call = async (username: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(username),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const therapy = async (username = 'dr.zhou') => {
    const res = await call(username, 'GET', `/api/therapies/${therapyId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    version = body.version;
    return body;
  };
  const step = async (username: string, stepId: string, extra: Record<string, unknown> = {}) =>
    call(username, 'POST', `/api/therapies/${therapyId}/steps`, {
      step: stepId,
      expectedVersion: version,
      ...extra,
    });
  const scan = async (
    username: string,
    stage: string,
    direction: string,
    extra: Record<string, unknown> = {},
  ) =>
    call(username, 'POST', `/api/therapies/${therapyId}/custody`, {
      din: din(1).scanned,
      stage,
      direction,
      chainOfIdentity: coi,
      ...extra,
    });
  const decide = async (username: string, decision: string, comment?: string) => {
    const res = await call(username, 'POST', `/api/filings/${filingId}/decisions`, {
      decision,
      comment,
      version: filingVersion,
      password: DEMO_PASSWORD,
    });
    if (res.statusCode === 200) filingVersion = res.json().version;
    return res;
  };
  const audit = async (entityType: string, entityId: string) =>
    (
      await call('inspector', 'GET', `/api/audit?entityType=${entityType}&entityId=${entityId}&limit=500`)
    ).json<{ action: string; actorName: string }[]>();

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const orgs = (await call('admin', 'GET', '/api/organizations')).json<{ id: string; code: string }[]>();
    for (const o of orgs) org[o.code] = o.id;
    const patients = (await call('dr.zhou', 'GET', '/api/patients')).json<
      { id: string; pseudonym: string; birthDate: string }[]
    >();
    const p = patients.find((x) => x.birthDate === '2011-03-15')!;
    patientId = p.id;
    pseudonym = p.pseudonym;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  describe('filings and regulator review', () => {
    it('the demo world holds one approved autologous gene-therapy filing at NSH', async () => {
      const filings = (await call('dr.zhou', 'GET', '/api/filings')).json<
        { reference: string; status: string }[]
      >();
      expect(filings).toEqual([expect.objectContaining({ reference: 'F-2026-NSGT01', status: 'approved' })]);
    });

    it('refuses a filing whose signature password is wrong, and files with the right one', async () => {
      const body = {
        sponsorId: org['NS-GENE'],
        laboratoryId: org['GBA-SCB'],
        technology: 'autologous_gene_hsc',
        indication: 'Transfusion-dependent β-thalassaemia',
        productName: 'Test autologous CD34+ gene therapy',
        productCode: 'S1234A00',
        specificationVersion: 'SPEC v1',
        protocolVersion: 'PROT v1',
        ethicsApprovalRef: 'EC-TEST-1',
        ethicsDocument: {
          name: 'ethics.pdf',
          contentBase64: Buffer.from('%PDF ethics approval').toString('base64'),
        },
        targetEnrolment: 2,
      };
      const wrong = await call('dr.zhou', 'POST', '/api/filings', { ...body, password: 'wrong-password' });
      // A wrong signature password never files (401 or, keeping the session, 403 with the password field).
      expect([401, 403]).toContain(wrong.statusCode);
      expect((await call('dr.zhou', 'GET', '/api/filings')).json()).toHaveLength(1);
      const res = await call('dr.zhou', 'POST', '/api/filings', { ...body, password: DEMO_PASSWORD });
      expect(res.statusCode).toBe(201);
      const filing = res.json();
      filingId = filing.id;
      filingVersion = filing.version;
      expect(filing).toMatchObject({ status: 'submitted', active: false, ethicsDocumentName: 'ethics.pdf' });
      expect(filing.ethicsDocumentSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(filing.decisions).toEqual([
        expect.objectContaining({ decision: 'submit', toStatus: 'submitted' }),
      ]);
      expect(filing.decisions[0].signatureId).toBeTruthy();
    });

    it('shows the filing to its hospital, sponsor, named laboratory and the regulator only', async () => {
      for (const who of ['dr.zhou', 'sponsor.xu', 'analyst.wu', 'inspector']) {
        expect((await call(who, 'GET', `/api/filings/${filingId}`)).statusCode, who).toBe(200);
      }
      expect((await call('dr.he', 'GET', `/api/filings/${filingId}`)).statusCode).toBe(404);
      expect((await call('guardian.li', 'GET', `/api/filings/${filingId}`)).statusCode).toBe(403);
      expect((await call('foundation.yang', 'GET', `/api/filings/${filingId}`)).statusCode).toBe(403);
      const other = (await call('dr.he', 'GET', '/api/filings')).json<unknown[]>();
      expect(other).toEqual([]);
    });

    it('only the regulator reviews; a return needs a comment; a stale version conflicts', async () => {
      expect((await decide('dr.zhou', 'approve')).statusCode).toBe(403);
      expect((await decide('inspector', 'return')).statusCode).toBe(400);
      const stale = await call('inspector', 'POST', `/api/filings/${filingId}/decisions`, {
        decision: 'approve',
        version: filingVersion + 5,
        password: DEMO_PASSWORD,
      });
      expect(stale.statusCode).toBe(409);
      const returned = await decide('inspector', 'return', '请补充伦理委员会批件的签字页');
      expect(returned.statusCode).toBe(200);
      expect(returned.json().status).toBe('returned');
      expect((await decide('inspector', 'approve')).json()).toMatchObject({ code: 'filing-transition' });
      expect((await decide('dr.zhou', 'resubmit', 'signature page added')).json().status).toBe('submitted');
    });

    it('refuses enrolment-facing acts before approval, then approves with a valid signature and history', async () => {
      const doc = await call('dr.zhou', 'POST', `/api/filings/${filingId}/consent-documents`, {
        title: '知情同意书 v1',
        body: 'consent text v1',
      });
      expect(doc.statusCode).toBe(201);
      documentId = doc.json().id;
      expect(
        (await call('dr.he', 'POST', `/api/filings/${filingId}/consent-documents`, { title: 'x', body: 'y' }))
          .statusCode,
      ).toBe(404);
      const early = await call('dr.zhou', 'POST', `/api/patients/${patientId}/consents`, {
        filingId,
        documentId,
        signedBy: 'guardian',
        signerName: '李建华',
        signedOn: '2026-01-03',
        password: DEMO_PASSWORD,
      });
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('filing-not-active');

      const approved = await decide('inspector', 'approve', '同意');
      expect(approved.json()).toMatchObject({ status: 'approved', active: true });
      const decisions = approved.json().decisions as { decision: string; id: string; signatureId: string }[];
      expect(decisions.map((d) => d.decision)).toEqual(['submit', 'return', 'resubmit', 'approve']);
      const last = decisions.at(-1)!;
      const sigs = (
        await call('inspector', 'GET', `/api/signatures?entityType=filing_decision&entityId=${last.id}`)
      ).json();
      expect(sigs).toEqual([
        expect.objectContaining({ meaning: 'approved', printedName: '黄敏 Huang Min', valid: true }),
      ]);
      const actions = (await audit('filing', filingId)).map((a) => a.action);
      expect(actions).toEqual(
        expect.arrayContaining(['create', 'submit', 'return', 'resubmit', 'approve', 'update']),
      );
    });
  });

  describe('consent, eligibility and enrolment', () => {
    it('records signed consent to a versioned document; the regulator role cannot read the signer name', async () => {
      const res = await call('dr.zhou', 'POST', `/api/patients/${patientId}/consents`, {
        filingId,
        documentId,
        signedBy: 'guardian',
        signerName: '李建华',
        signedOn: '2026-01-03',
        password: DEMO_PASSWORD,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ documentVersion: 1, signerName: '李建华', status: 'active' });
      consentId = res.json().id;
      expect(res.json().signatureId).toBeTruthy();
      expect((await call('dr.he', 'GET', `/api/patients/${patientId}/consents`)).statusCode).toBe(404);
      expect((await call('guardian.li', 'GET', `/api/patients/${patientId}/consents`)).json()).toHaveLength(
        1,
      );
      const inspector = (await t.platform.auth.authenticate(await t.token('inspector'))).principal;
      await expect(
        withPrincipal(t.platform.database.db, inspector, (tx) =>
          tx.selectFrom('consent').select('signer_name_enc').execute(),
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it('evaluates each criterion with its value and verdict; an unmet criterion needs a physician-signed exception', async () => {
      const unfit = await call('dr.zhou', 'POST', `/api/patients/${patientId}/eligibility`, {
        filingId,
        ...FIT,
        cardiacT2StarMs: 8,
      });
      expect(unfit.statusCode).toBe(201);
      expect(unfit.json().allMet).toBe(false);
      expect(unfit.json().result.criteria.find((c: { id: string }) => c.id === 'cardiac_iron')).toMatchObject(
        {
          value: 'T2* 8 ms (severe)',
          verdict: 'not-met',
        },
      );
      const enrol = { filingId, eligibilityId: unfit.json().id, consentId, password: DEMO_PASSWORD };
      const refused = await call('dr.zhou', 'POST', `/api/patients/${patientId}/enrolment`, enrol);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('eligibility-not-met');
      const coordinator = await call('coord.lin', 'POST', `/api/patients/${patientId}/enrolment`, {
        ...enrol,
        exceptionReason: 'cardiology review',
      });
      expect(coordinator.statusCode).toBe(403);
    });

    it('records the HBB genotype, weights and transfusions; eligibility falls back on the stored history', async () => {
      const bad = await call('dr.zhou', 'POST', `/api/patients/${patientId}/genotype`, {
        allele1: { alleleClass: 'β0', hgvs: 'CD41/42' },
        allele2: { alleleClass: 'β0', hgvs: 'c.126_129delCTTT' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('allele1.hgvs');
      const genotype = await call('dr.zhou', 'POST', `/api/patients/${patientId}/genotype`, {
        allele1: { alleleClass: 'β0', hgvs: 'c.126_129delCTTT' },
        allele2: { alleleClass: 'β0', hgvs: 'c.126_129delCTTT' },
        alphaGenotype: 'αα/αα',
      });
      expect(genotype.statusCode).toBe(201);
      expect(genotype.json().genotype.label).toBe('β0/β0');
      await call('dr.zhou', 'POST', `/api/patients/${patientId}/weights`, {
        weights: [
          { measuredOn: '2025-06-01', weightKg: 38 },
          { measuredOn: '2025-12-20', weightKg: 40 },
        ],
      });
      const history = await call('dr.zhou', 'POST', `/api/patients/${patientId}/transfusions`, {
        transfusions: monthly.map((m) => ({ transfusedOn: m.date, volumeMl: m.volumeMl, preHbGdl: 9.2 })),
      });
      expect(history.json().transfusions).toHaveLength(24);
      const { transfusions: _t, weightKg: _w, ...withoutHistory } = FIT;
      const res = await call('dr.zhou', 'POST', `/api/patients/${patientId}/eligibility`, {
        filingId,
        ...withoutHistory,
      });
      // 450 mL monthly at the latest weight 40 kg: 135 mL/kg/year and 12 events/year (≥ 100 or ≥ 8: dependent).
      expect(res.json().result.criteria[1]).toMatchObject({ id: 'transfusion_dependence', verdict: 'met' });
      expect(res.json().result.criteria[1].value).toBe('12 events/year; 135.0 mL/kg/year');
      expect((await call('dr.he', 'GET', `/api/patients/${patientId}/history`)).statusCode).toBe(404);
      expect(
        (await call('guardian.li', 'GET', `/api/patients/${patientId}/history`)).json().genotype.label,
      ).toBe('β0/β0');
      expect((await call('inspector', 'GET', `/api/patients/${patientId}/history`)).statusCode).toBe(200);
      expect((await call('analyst.wu', 'GET', `/api/patients/${patientId}/history`)).statusCode).toBe(403);
      expect((await audit('clinical_history', patientId)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['create', 'read']),
      );
    });

    it('a suspension stops enrolment at once and notifies the hospital; reinstated, the patient is enrolled', async () => {
      const fit = await call('dr.zhou', 'POST', `/api/patients/${patientId}/eligibility`, {
        filingId,
        ...FIT,
      });
      expect(fit.json().allMet).toBe(true);
      expect(fit.json().result.criteria.map((c: { verdict: string }) => c.verdict)).toEqual(
        Array(6).fill('met'),
      );
      expect((await decide('inspector', 'suspend', '严重不良事件调查中')).json().status).toBe('suspended');
      const notes = (await call('coord.lin', 'GET', '/api/notifications')).json<{ kind: string }[]>();
      expect(notes.map((n) => n.kind)).toContain('filing.suspend');
      const enrol = { filingId, eligibilityId: fit.json().id, consentId, password: DEMO_PASSWORD };
      const blocked = await call('dr.zhou', 'POST', `/api/patients/${patientId}/enrolment`, enrol);
      expect(blocked.statusCode).toBe(409);
      expect(blocked.json()).toMatchObject({ code: 'filing-not-active', filingStatus: 'suspended' });
      await decide('inspector', 'reinstate', '调查结束');
      const ok = await call('dr.zhou', 'POST', `/api/patients/${patientId}/enrolment`, enrol);
      expect(ok.statusCode).toBe(201);
      therapyId = ok.json().therapyId;
      coi = ok.json().chainOfIdentity;
      expect(coi).toMatch(/^CI[0-9A-Z]{12}$/);
      const again = await call('dr.zhou', 'POST', `/api/patients/${patientId}/enrolment`, enrol);
      expect(again.statusCode).toBe(409);
      const detail = await therapy();
      expect(detail.entries.map((e: { step: string }) => e.step)).toEqual(['eligibility', 'consent']);
      expect(detail.nextSteps).toEqual(['mobilization']);
      expect((await audit('therapy', therapyId)).map((a) => a.action)).toContain('enrol');
    });
  });

  describe('the autologous gene-therapy pathway', () => {
    it('refuses a step out of order with the reason, and a step by the wrong end', async () => {
      const res = await step('dr.zhou', 'apheresis', { din: din(1).scanned });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'step-out-of-order',
        detail: 'apheresis needs mobilization first',
      });
      expect((await step('analyst.wu', 'mobilization')).json().code).toBe('step-wrong-party');
      expect(
        (
          await step('dr.zhou', 'mobilization', {
            data: { gcsf: '10 µg/kg/day', plerixafor: true },
            attachments: [
              { name: 'gcsf-chart.pdf', contentBase64: Buffer.from('%PDF G-CSF log').toString('base64') },
            ],
          })
        ).statusCode,
      ).toBe(201);
    });

    it("keeps a step's attachments with the entry, retrievable by their SHA-256 (audited)", async () => {
      const detail = await therapy();
      const mobilization = detail.entries.find((e: { step: string }) => e.step === 'mobilization');
      const [attachment] = mobilization.attachments;
      expect(attachment).toMatchObject({ name: 'gcsf-chart.pdf', bytes: 14 });
      const url = `/api/therapies/${therapyId}/attachments/${attachment.sha256}`;
      const file = await call('dr.zhou', 'GET', url);
      expect(Buffer.from(file.json().contentBase64, 'base64').toString()).toBe('%PDF G-CSF log');
      expect((await call('dr.he', 'GET', url)).statusCode).toBe(404);
      expect((await call('inspector', 'GET', url)).statusCode).toBe(403);
    });

    it('assigns DINs at apheresis, verifying the check character', async () => {
      await therapy();
      const bad = din(1).scanned.slice(0, 13) + (din(1).scanned.endsWith('A') ? 'B' : 'A');
      const res = await step('dr.zhou', 'apheresis', { din: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('din');
    });

    it('never loses a step under concurrent updates: one of two parallel writes wins, the other retries', async () => {
      await therapy();
      const [a, b] = await Promise.all([
        step('dr.zhou', 'apheresis', { din: din(1).scanned, data: { cd34PerKg: 4.1e6 } }),
        step('coord.lin', 'apheresis', { din: din(2).scanned, data: { cd34PerKg: 3.2e6 } }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
      const loser = a.statusCode === 409 ? a : b;
      expect(loser.json().detail).toMatch(/changed since you loaded it/);
      await therapy();
      const retry = await step(loser === a ? 'dr.zhou' : 'coord.lin', 'apheresis', {
        din: loser === a ? din(1).scanned : din(2).scanned,
      });
      expect(retry.statusCode).toBe(201);
      const detail = await therapy();
      expect(detail.collections.map((c: { din: string }) => c.din).sort()).toEqual([din(1).din, din(2).din]);
      expect(detail.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('corrections are new entries that reference the old one; the corrected entry cannot be corrected twice', async () => {
      const before = await therapy();
      const mobilization = before.entries.find((e: { step: string }) => e.step === 'mobilization');
      const res = await call('dr.zhou', 'POST', `/api/therapies/${therapyId}/corrections`, {
        correctsId: mobilization.id,
        expectedVersion: version,
        data: { gcsf: '10 µg/kg/day', plerixafor: false },
        reason: 'plerixafor was not given',
      });
      expect(res.statusCode).toBe(201);
      const correction = res.json().entries.at(-1);
      expect(correction).toMatchObject({
        kind: 'correction',
        step: 'mobilization',
        correctsId: mobilization.id,
      });
      expect(res.json().entries.find((e: { id: string }) => e.id === mobilization.id).data.plerixafor).toBe(
        true,
      );
      await therapy();
      const twice = await call('dr.zhou', 'POST', `/api/therapies/${therapyId}/corrections`, {
        correctsId: mobilization.id,
        expectedVersion: version,
        data: {},
        reason: 'again',
      });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('correction-already-recorded');
    });

    it('refuses a hand-off whose identity does not match, records a deviation and notifies both sides', async () => {
      const res = await scan('dr.zhou', 'collection', 'out', { chainOfIdentity: 'CIWRONG000000' });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('identity-mismatch');
      const stranger = await scan('dr.zhou', 'collection', 'out', { din: din(99).scanned });
      expect(stranger.json().code).toBe('identity-mismatch');
      const detail = await therapy();
      expect(detail.deviations.map((d: { kind: string }) => d.kind)).toEqual([
        'identity_mismatch',
        'identity_mismatch',
      ]);
      expect(detail.custody).toEqual([]);
      for (const who of ['dr.zhou', 'analyst.wu']) {
        const kinds = (await call(who, 'GET', '/api/notifications'))
          .json<{ kind: string }[]>()
          .map((n) => n.kind);
        expect(kinds, who).toContain('deviation.identity_mismatch');
      }
    });

    it('scans each hand-off out and in, in order, by the right end', async () => {
      expect((await scan('dr.zhou', 'collection', 'out')).statusCode).toBe(201);
      const skipped = await scan('analyst.wu', 'laboratory', 'in');
      expect(skipped.json()).toMatchObject({ code: 'custody-out-of-order' });
      expect((await scan('dr.zhou', 'courier_to_lab', 'in')).statusCode).toBe(201);
      expect((await scan('dr.zhou', 'courier_to_lab', 'out')).statusCode).toBe(409);
      expect((await scan('analyst.wu', 'courier_to_lab', 'out')).statusCode).toBe(201);
      expect((await scan('analyst.wu', 'laboratory', 'in')).statusCode).toBe(201);
      const unreleased = await scan('analyst.wu', 'laboratory', 'out', { productCode: 'S1234A00' });
      expect(unreleased.json().code).toBe('product-not-released');
    });

    it('moves to the laboratory for manufacturing and QC', async () => {
      await therapy();
      expect(
        (await step('dr.zhou', 'shipment_to_lab', { data: { shipper: 'dry shipper LN2' } })).statusCode,
      ).toBe(201);
      await therapy('analyst.wu');
      expect((await step('analyst.wu', 'manufacturing', { data: { vcn: 2.9 } })).statusCode).toBe(201);
      await therapy('analyst.wu');
      expect(
        (await step('analyst.wu', 'qc_testing', { data: { viability: 92, sterility: 'negative' } }))
          .statusCode,
      ).toBe(201);
    });

    it('a temperature excursion above −150 °C blocks release until it is assessed with a signature', async () => {
      const log = await call('analyst.wu', 'POST', `/api/therapies/${therapyId}/temperature-logs`, {
        din: din(1).scanned,
        leg: 'to_laboratory',
        csv: CRYO_EXCURSION,
      });
      expect(log.statusCode).toBe(201);
      expect(log.json().temperatureLogs[0]).toMatchObject({
        readings: 3,
        maxCelsius: -140,
        limitCelsius: -150,
        excursions: 1,
      });
      const excursion = log
        .json()
        .deviations.find((d: { kind: string }) => d.kind === 'temperature_excursion');
      expect(excursion.status).toBe('open');
      await therapy('qp.tang');
      const release = {
        din: din(1).scanned,
        productCode: 'S1234A00',
        expiresAt: '2027-03-01T00:00:00Z',
        password: DEMO_PASSWORD,
      };
      expect(
        (
          await call('analyst.wu', 'POST', `/api/therapies/${therapyId}/release`, {
            ...release,
            expectedVersion: version,
          })
        ).statusCode,
      ).toBe(403);
      const blocked = await call('qp.tang', 'POST', `/api/therapies/${therapyId}/release`, {
        ...release,
        expectedVersion: version,
      });
      expect(blocked.statusCode).toBe(409);
      expect(blocked.json().code).toBe('temperature-excursion');
      const assessed = await call('qc.liang', 'POST', `/api/deviations/${excursion.id}/assessment`, {
        assessment: 'single reading −140 °C for < 1 h in vapour phase; product unaffected per SOP-TR-07',
        version: excursion.version,
        password: DEMO_PASSWORD,
      });
      expect(assessed.statusCode).toBe(200);
      await therapy('qp.tang');
      const ok = await call('qp.tang', 'POST', `/api/therapies/${therapyId}/release`, {
        ...release,
        expectedVersion: version,
      });
      expect(ok.statusCode).toBe(201);
      const product = ok.json().products[0];
      // The bag label: DIN grouped as printed, boxed MOD 37-2 check character, flag check value 60 + checksum.
      expect(product.label).toMatchObject({
        eyeReadableDin: 'G1234 26 000001',
        checkCharacter: dinCheckCharacter(din(1).din),
        barcodeDin: `=${din(1).din}${60 + mod37_2Checksum(din(1).din)}`,
        chainOfIdentity: coi,
        patient: pseudonym,
      });
      expect(product).toMatchObject({ din: din(1).din, productCode: 'S1234A00', status: 'released' });
      const sigs = (
        await call('qp.tang', 'GET', `/api/signatures?entityType=product&entityId=${product.id}`)
      ).json();
      expect(sigs).toEqual([expect.objectContaining({ meaning: 'released', valid: true })]);
      const clean = await call('analyst.wu', 'POST', `/api/therapies/${therapyId}/temperature-logs`, {
        din: din(1).scanned,
        leg: 'to_hospital',
        csv: CRYO_OK,
      });
      expect(clean.json().temperatureLogs[1].excursions).toBe(0);
    });

    it('ships the released product to the hospital pharmacy with every hand-off scanned', async () => {
      const wrongCode = await scan('analyst.wu', 'laboratory', 'out', { productCode: 'S9999A00' });
      expect(wrongCode.json().code).toBe('identity-mismatch');
      expect((await scan('analyst.wu', 'laboratory', 'out', { productCode: 'S1234A00' })).statusCode).toBe(
        201,
      );
      expect(
        (await scan('analyst.wu', 'courier_to_hospital', 'in', { productCode: 'S1234A00' })).statusCode,
      ).toBe(201);
      await therapy('analyst.wu');
      expect((await step('analyst.wu', 'shipment_to_hospital')).statusCode).toBe(201);
      for (const [stage, direction] of [
        ['courier_to_hospital', 'out'],
        ['pharmacy', 'in'],
        ['pharmacy', 'out'],
      ] as const) {
        expect((await scan('dr.zhou', stage, direction, { productCode: 'S1234A00' })).statusCode).toBe(201);
      }
      await therapy();
      expect((await step('dr.zhou', 'infusion')).json().code).toBe('step-dedicated');
      expect((await step('dr.zhou', 'conditioning', { data: { busulfanAucMgHL: 78 } })).statusCode).toBe(201);
    });

    it('bedside: refuses a wrong wristband, an expired product and a suspended filing; infuses when all match', async () => {
      const bedside = (extra: Record<string, unknown>) =>
        call('dr.zhou', 'POST', `/api/therapies/${therapyId}/bedside-verification`, {
          wristband: pseudonym,
          din: din(1).scanned,
          productCode: 'S1234A00',
          expectedVersion: version,
          password: DEMO_PASSWORD,
          secondVerifier: { username: 'coord.lin', password: DEMO_PASSWORD },
          ...extra,
        });
      await therapy();
      const self = await bedside({ secondVerifier: { username: 'dr.zhou', password: DEMO_PASSWORD } });
      expect(self.statusCode).toBe(400);
      const wrongSecond = await bedside({
        secondVerifier: { username: 'coord.lin', password: 'not-the-password' },
      });
      expect(wrongSecond.json().errors[0].field).toBe('secondVerifier.password');
      const mismatch = await bedside({ wristband: 'P-0000000000' });
      expect(mismatch.statusCode).toBe(409);
      expect(mismatch.json().code).toBe('bedside-mismatch');
      expect(mismatch.json().problems.map((p: { code: string }) => p.code)).toEqual(['patient-mismatch']);
      let detail = await therapy();
      expect(detail.bedside).toEqual([expect.objectContaining({ ok: false })]);
      expect(detail.deviations.at(-1).kind).toBe('bedside_mismatch');

      await t.platform.database.db.transaction().execute((tx) =>
        tx
          .updateTable('product')
          .set({ expires_at: new Date(Date.now() - 3600_000) })
          .where('therapy_id', '=', therapyId)
          .execute(),
      );
      const expired = await bedside({});
      expect(expired.json().code).toBe('product-expired');
      await asSystem(t.platform.database.db, (tx) =>
        tx
          .updateTable('product')
          .set({ expires_at: new Date('2027-03-01T00:00:00Z') })
          .where('therapy_id', '=', therapyId)
          .execute(),
      );

      await decide('inspector', 'suspend', '暂停输注');
      await therapy();
      const suspended = await bedside({});
      expect(suspended.json().code).toBe('filing-not-active');
      await decide('inspector', 'reinstate', '恢复');

      detail = await therapy();
      const ok = await bedside({ expectedVersion: version });
      expect(ok.statusCode).toBe(201);
      detail = ok.json();
      expect(detail.state).toBe('infusion');
      expect(detail.bedside.at(-1)).toMatchObject({ ok: true, problems: [] });
      expect(detail.products[0].status).toBe('infused');
      expect(detail.custody.at(-1)).toMatchObject({ stage: 'bedside', direction: 'in' });
      const verification = detail.entries.at(-1).data.verificationId;
      const sigs = await t.platform.database.db
        .selectFrom('signature')
        .select(['printed_name', 'meaning'])
        .where('entity_id', '=', verification)
        .execute();
      expect(sigs.map((s) => s.printed_name).sort()).toEqual(['周晓峰 Zhou Xiaofeng', '林嘉欣 Lin Jiaxin']);
      const actions = (await audit('therapy', therapyId)).map((a) => a.action);
      expect(actions).toEqual(
        expect.arrayContaining(['enrol', 'record-step', 'correct-step', 'custody', 'read']),
      );
      expect((await audit('bedside_verification', verification)).map((a) => a.action)).toContain('verify');
    });

    it('a withdrawn consent stops new data collection and keeps what was recorded', async () => {
      const consent = (await call('dr.zhou', 'GET', `/api/patients/${patientId}/consents`)).json()[0];
      const res = await call('dr.zhou', 'POST', `/api/consents/${consentId}/withdrawal`, {
        withdrawnOn: '2026-06-01',
        reason: 'family decision',
        version: consent.version,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe('withdrawn');
      const before = await therapy();
      const refused = await step('dr.zhou', 'follow_up', { data: { visit: 'D30' } });
      expect(refused.json().code).toBe('consent-withdrawn');
      const noMore = await call('dr.zhou', 'POST', `/api/patients/${patientId}/eligibility`, {
        filingId,
        ...FIT,
      });
      expect(noMore.json().code).toBe('consent-withdrawn');
      const noWeight = await call('dr.zhou', 'POST', `/api/patients/${patientId}/weights`, {
        weights: [{ measuredOn: '2026-06-02', weightKg: 41 }],
      });
      expect(noWeight.json().code).toBe('consent-withdrawn');
      const after = await therapy();
      expect(after.entries).toEqual(before.entries);
      expect(after.nextSteps).toEqual([]);
      expect(
        (await call('analyst.wu', 'GET', '/api/notifications')).json().map((n: { kind: string }) => n.kind),
      ).toContain('consent.withdrawn');
    });
  });

  describe('closing, other laboratories and the audit of refusals', () => {
    it('a closed filing accepts no further decision; a laboratory not named sees neither filing nor therapy', async () => {
      const body = {
        laboratoryId: org['GBA-SCB'],
        technology: 'msc',
        indication: 'Knee osteoarthritis',
        productName: 'MSC lot product',
        productCode: 'S5678A00',
        specificationVersion: 'SPEC v1',
        protocolVersion: 'PROT v1',
        ethicsApprovalRef: 'EC-TEST-2',
        targetEnrolment: 5,
        password: DEMO_PASSWORD,
      };
      const created = (await call('dr.zhou', 'POST', '/api/filings', body)).json();
      const close = await call('inspector', 'POST', `/api/filings/${created.id}/decisions`, {
        decision: 'close',
        comment: 'withdrawn by the hospital',
        version: created.version,
        password: DEMO_PASSWORD,
      });
      expect(close.json()).toMatchObject({ status: 'closed', active: false });
      const after = await call('inspector', 'POST', `/api/filings/${created.id}/decisions`, {
        decision: 'approve',
        version: close.json().version,
        password: DEMO_PASSWORD,
      });
      expect(after.json()).toMatchObject({ code: 'filing-transition' });

      const lab = await call('admin', 'POST', '/api/organizations', {
        code: 'OTHER-LAB',
        kind: 'laboratory',
        nameZh: '另一实验室',
        nameEn: 'Another laboratory',
      });
      expect(lab.statusCode).toBe(201);
      const user = await call('admin', 'POST', '/api/users', {
        organizationId: lab.json().id,
        username: 'analyst.other',
        displayName: 'Other analyst',
        role: 'lab_analyst',
        password: 'Another-lab-2026!x',
      });
      expect(user.statusCode).toBe(201);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { username: 'analyst.other', password: 'Another-lab-2026!x' },
      });
      const headers = { authorization: `Bearer ${res.json().token}` };
      const get = (url: string) => t.app.inject({ method: 'GET', url, headers });
      expect((await get(`/api/filings/${filingId}`)).statusCode).toBe(404);
      expect((await get('/api/filings')).json()).toEqual([]);
      expect((await get(`/api/therapies/${therapyId}`)).statusCode).toBe(404);
      expect((await get('/api/therapies')).json()).toEqual([]);
    });

    it('a refused step changes nothing and leaves no entry; a refused hand-off leaves its deviation in the audit trail', async () => {
      const actions = (await audit('therapy', therapyId)).filter((a) => a.action === 'record-step').length;
      const detail = await therapy();
      const refused = await step('dr.zhou', 'engraftment');
      expect(refused.statusCode).toBe(409);
      expect((await therapy()).version).toBe(detail.version);
      expect((await audit('therapy', therapyId)).filter((a) => a.action === 'record-step').length).toBe(
        actions,
      );
      const deviations = (await therapy()).deviations as { id: string; kind: string }[];
      expect(deviations.length).toBeGreaterThanOrEqual(3);
      for (const d of deviations) {
        expect(
          (await audit('deviation', d.id)).map((a) => a.action),
          d.kind,
        ).toContain('create');
      }
    });
  });

  describe('who sees a therapy', () => {
    it('the hospital, the named laboratory, the patient account and the regulator; no one else', async () => {
      for (const who of ['dr.zhou', 'analyst.wu', 'guardian.li', 'inspector']) {
        expect((await call(who, 'GET', `/api/therapies/${therapyId}`)).statusCode, who).toBe(200);
      }
      expect((await call('dr.he', 'GET', `/api/therapies/${therapyId}`)).statusCode).toBe(404);
      expect((await call('dr.he', 'GET', '/api/therapies')).json()).toEqual([]);
      expect((await call('sponsor.xu', 'GET', `/api/therapies/${therapyId}`)).statusCode).toBe(403);
      expect((await call('analyst.wu', 'GET', `/api/patients/${patientId}`)).statusCode).toBe(403);
      expect(
        (
          await call('inspector', 'POST', `/api/therapies/${therapyId}/steps`, {
            step: 'follow_up',
            expectedVersion: 1,
          })
        ).statusCode,
      ).toBe(403);
      const nbch = (await call('dr.he', 'GET', '/api/patients')).json<{ id: string }[]>()[0]!;
      expect(
        (
          await call('dr.he', 'POST', `/api/patients/${nbch.id}/enrolment`, {
            filingId,
            eligibilityId: nbch.id,
            consentId: nbch.id,
            password: DEMO_PASSWORD,
          })
        ).statusCode,
      ).toBe(404);
    });
  });
});
