import type { Principal } from '@cgtlink/domain/access/index';
import type { GraftSource } from '@cgtlink/domain/clinical/engraftment';
import { laboratoryWarnings } from '@cgtlink/domain/followup/endpoints';
import { expeditedClock, type SeriousnessCriterion } from '@cgtlink/domain/followup/expedited';
import { followUpSchedule, type Protocol } from '@cgtlink/domain/followup/schedule';
import { scoreKoos } from '@cgtlink/domain/scores/koos';
import { sql } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import { asSystem, type Tx } from '../db/scoped';
import { normalizeObservation } from '../followup/followup.service';
import type { Platform } from '../platform';

/**
 * A follow-up cohort for the demonstration: a few hundred invented thalassemia patients treated with one of
 * three products between 2021 and 2026, with blood counts around engraftment, Hb and transfusions, ferritin,
 * ALT, adverse events (some serious and unexpected, some reported late), visits and the alerts the rules raise.
 * Deterministic (seeded PRNG). Records are inserted in bulk as the seed, with one audit entry per patient.
 */
interface Product {
  name: string;
  graft: GraftSource;
  protocol: Protocol;
  /** Probability of reaching transfusion independence. */
  ti: number;
  /** Serious events per patient-year beyond the first months (the VOD rate differs to show a signal). */
  vod: number;
  referenceTerms: string[];
}

const PRODUCTS: Product[] = [
  {
    name: 'NS-β-globin LVV CD34+',
    graft: 'gene-therapy',
    protocol: 'gene-therapy',
    ti: 0.9,
    vod: 0.03,
    referenceTerms: [
      'Febrile neutropenia',
      'Stomatitis',
      'Neutrophil count decreased',
      'Platelet count decreased',
    ],
  },
  {
    name: 'NS-β-globin LVV CD34+ v2',
    graft: 'gene-therapy',
    protocol: 'gene-therapy',
    ti: 0.92,
    vod: 0.2,
    referenceTerms: [
      'Febrile neutropenia',
      'Stomatitis',
      'Neutrophil count decreased',
      'Platelet count decreased',
    ],
  },
  {
    name: 'Haploidentical HSCT (PBSC)',
    graft: 'peripheral-blood',
    protocol: 'allogeneic-hsct',
    ti: 0.85,
    vod: 0.05,
    referenceTerms: ['Febrile neutropenia', 'Stomatitis', 'Acute GVHD', 'Neutrophil count decreased'],
  },
];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MS_DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => iso(Date.parse(`${date}T00:00:00Z`) + n * MS_DAY);

const SURNAMES = '陈林黄张李王吴刘蔡杨许郑谢郭洪曾邱廖赖周徐苏叶庄吕';
const GIVEN = [
  '子轩',
  '欣怡',
  '浩然',
  '梓涵',
  '宇航',
  '诗琪',
  '俊杰',
  '雨萱',
  '嘉豪',
  '思彤',
  '晨阳',
  '若曦',
];

async function staffPrincipal(platform: Platform, username: string): Promise<Principal> {
  const row = await platform.database.db
    .selectFrom('app_user as u')
    .innerJoin('organization as o', 'o.id', 'u.organization_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'o.id as org_id'])
    .where('u.username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Principal['role'],
    organizationId: row.org_id,
    organizationKind: 'hospital',
    patientId: null,
  };
}

/**
 * Seeds `size` patients with years of follow-up; `existingPatientId` (the guardian's child) is enrolled too; a few
 * knee-osteoarthritis patients with KOOS follow (`kneePatients`, by default 1 in 25 for cohorts of 100 or more), and
 * liver-failure patients treated with MSC (`liverPatients`, 1 in 20).
 */
export async function seedFollowupCohort(
  platform: Platform,
  size: number,
  existingPatientId?: string,
  options: { kneePatients?: number; liverPatients?: number } = {},
): Promise<void> {
  const random = prng(20260501);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const today = new Date().toISOString().slice(0, 10);
  const staff = [await staffPrincipal(platform, 'dr.zhou'), await staffPrincipal(platform, 'dr.he')];
  const patients: { id: string; hospitalId: string }[] = [];
  if (existingPatientId) {
    const p = await platform.database.db
      .selectFrom('patient')
      .select(['id', 'hospital_id'])
      .where('id', '=', existingPatientId)
      .executeTakeFirstOrThrow();
    patients.push({ id: p.id, hospitalId: p.hospital_id });
  }
  for (let i = 0; i < size; i++) {
    const principal = staff[i % 2]!;
    const birthYear = 2004 + Math.floor(random() * 18);
    const created = await platform.patients.create(
      { principal, requestId: 'demo-seed-cohort' },
      {
        name: `${pick([...SURNAMES])}${pick(GIVEN)}`,
        sex: random() < 0.5 ? 'female' : 'male',
        birthDate: `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
        diagnosis: pick([
          'β-thalassemia major (β0/β0)',
          'β-thalassemia major (β0/β+)',
          'β-thalassemia major (βE/β0)',
        ]),
      },
    );
    patients.push({ id: created.id, hospitalId: principal.organizationId });
  }

  const start = Date.parse('2021-01-01T00:00:00Z');
  const end = Date.parse(`${addDays(today, -45)}T00:00:00Z`);
  // The measures (vitals, imaging, MELD labs, GVHD course) draw from their own generator, so that the records
  // seeded before them stay the same.
  const measuresRandom = prng(20261123);
  for (let from = 0; from < patients.length; from += 25) {
    await asSystem(platform.database.db, async (tx) => {
      for (const patient of patients.slice(from, from + 25)) {
        const product =
          from === 0 && patient === patients[0] && existingPatientId ? PRODUCTS[0]! : pick(PRODUCTS);
        const infusion = iso(start + Math.floor(random() * ((end - start) / MS_DAY)) * MS_DAY);
        await seedPatient(tx, patient, product, infusion, today, random, measuresRandom);
      }
    });
  }
  // Knee-osteoarthritis patients (KOOS) join demonstration-sized cohorts; small test cohorts stay thalassemia-only
  // unless asked.
  const knee = options.kneePatients ?? (size >= 100 ? Math.round(size / 25) : 0);
  if (knee > 0) await seedKneeCohort(platform, knee, today, staff);
  // Liver-failure (ACLF) patients treated with MSC, for the evaluation's MELD and 90-day survival.
  const liver = options.liverPatients ?? (size >= 100 ? Math.round(size / 20) : 0);
  if (liver > 0) await seedLiverCohort(platform, liver, today, staff);
  await seedCohortFilings(platform);
}

// ---------- measures (0013): filings with expected rates, knee patients with KOOS ----------

/** The serious-event rate each cohort product's filing declares (per patient-year), which monitoring uses. */
const EXPECTED_SERIOUS_PER_PATIENT_YEAR = 0.5;

/**
 * One approved filing per cohort product (copied from the demo filing, renamed), declaring the expected
 * serious-event rate the regulator's CUSUM / MaxSPRT compare the product against.
 */
async function seedCohortFilings(platform: Platform): Promise<void> {
  await asSystem(platform.database.db, async (tx) => {
    const products = [...PRODUCTS.map((p) => p.name), KNEE_PRODUCT, LIVER_PRODUCT];
    for (const [i, name] of products.entries()) {
      await sql`
        INSERT INTO filing (reference, hospital_id, sponsor_id, laboratory_id, technology, indication, product_name,
          product_code, specification_version, protocol_version, ethics_approval_ref, target_enrolment, criteria,
          created_by, status, expected_serious_per_patient_year)
        SELECT ${`F-COHORT-${i + 1}`}, hospital_id, sponsor_id, laboratory_id,
          ${name === KNEE_PRODUCT || name === LIVER_PRODUCT ? 'msc' : 'autologous_gene_hsc'}, ${`Demo cohort: ${name}`}, ${name},
          product_code, specification_version, protocol_version, ethics_approval_ref, 300, criteria, created_by,
          'approved', ${name === KNEE_PRODUCT ? 0.05 : name === LIVER_PRODUCT ? 1 : EXPECTED_SERIOUS_PER_PATIENT_YEAR}
        FROM filing WHERE reference = 'F-2026-NSGT01'
        ON CONFLICT (reference) DO NOTHING`.execute(tx);
    }
    // The MSC patients belong to their product's filing, so that a filing's evaluation shows them (the
    // thalassemia products are filed by the evaluation seed).
    await sql`
      UPDATE followup_enrolment e SET filing_id = f.id FROM filing f
      WHERE f.reference LIKE 'F-COHORT-%' AND f.product_name = e.product_name AND e.filing_id IS NULL
        AND e.product_name IN (${KNEE_PRODUCT}, ${LIVER_PRODUCT})`.execute(tx);
  });
}

const KNEE_PRODUCT = 'MSC intra-articular (knee osteoarthritis)';

/** Answers giving a KOOS subscale score near `target` (0–100): each item 0–4, 100 − mean × 25. */
function koosAnswers(target: number, random: () => number) {
  const item = () => Math.max(0, Math.min(4, Math.round((100 - target) / 25 + (random() - 0.5))));
  return {
    pain: Array.from({ length: 9 }, item),
    symptoms: Array.from({ length: 7 }, item),
    adl: Array.from({ length: 17 }, item),
    sport: Array.from({ length: 5 }, item),
    qol: Array.from({ length: 4 }, item),
  };
}

/**
 * Enrols an MSC patient for follow-up: the enrolment, the protocol visits (attended while the window has closed
 * and the patient was alive on the due day) and the audit entry. The caller writes the patient's measures in the
 * same transaction (`tx`).
 */
async function enrolMscPatient(
  tx: Tx,
  patient: { id: string; hospitalId: string },
  enrolment: {
    product: string;
    infusion: string;
    today: string;
    referenceTerms: string[];
    diedOn?: string | null;
  },
): Promise<void> {
  const { product, infusion, today, diedOn = null } = enrolment;
  await tx
    .insertInto('followup_enrolment')
    .values({
      patient_id: patient.id,
      hospital_id: patient.hospitalId,
      product_name: product,
      graft_source: 'bone-marrow',
      protocol: 'msc',
      infusion_date: infusion,
      status: diedOn === null ? 'active' : 'deceased',
      reference_terms: JSON.stringify(enrolment.referenceTerms),
    })
    .execute();
  await tx
    .insertInto('followup_visit')
    .values(
      followUpSchedule('msc', infusion).map((v) => ({
        patient_id: patient.id,
        hospital_id: patient.hospitalId,
        label: v.label,
        due_date: v.dueDate,
        window_start: v.windowStart,
        window_end: v.windowEnd,
        attended_on: v.windowEnd < today && (diedOn === null || v.dueDate < diedOn) ? v.dueDate : null,
      })),
    )
    .execute();
  await appendAudit(
    tx,
    { system: 'demo seed' },
    { action: 'create', entityType: 'followup', entityId: patient.id, newValues: { product } },
  );
}

/**
 * A few knee-osteoarthritis patients treated with mesenchymal stromal cells: KOOS at baseline and 3, 6, 12 and
 * 24 months (most improving beyond the minimal important change), and yearly vital signs.
 */
async function seedKneeCohort(
  platform: Platform,
  size: number,
  today: string,
  staff: Principal[],
): Promise<void> {
  const random = prng(20261124);
  const principal = staff[0]!;
  for (let i = 0; i < size; i++) {
    const created = await platform.patients.create(
      { principal, requestId: 'demo-seed-cohort' },
      {
        name: `${SURNAMES[Math.floor(random() * SURNAMES.length)]}${GIVEN[Math.floor(random() * GIVEN.length)]}`,
        sex: random() < 0.6 ? 'female' : 'male',
        birthDate: `${1950 + Math.floor(random() * 20)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
        diagnosis: 'Knee osteoarthritis (Kellgren–Lawrence grade 2–3)',
      },
    );
    const patient = { id: created.id, hospitalId: principal.organizationId };
    const infusion = addDays(today, -(200 + Math.floor(random() * 700)));
    await asSystem(platform.database.db, async (tx) => {
      await enrolMscPatient(tx, patient, {
        product: KNEE_PRODUCT,
        infusion,
        today,
        referenceTerms: ['Arthralgia', 'Joint effusion'],
      });
      const responder = random() < 0.7;
      const baseline = 35 + random() * 20;
      for (const day of [-14, 90, 180, 365, 730]) {
        const on = addDays(infusion, day);
        if (on > today) break;
        const gain = day < 0 ? 0 : responder ? Math.min(30, day / 12) : random() * 6 - 3;
        const items = koosAnswers(baseline + gain, random);
        const scored = scoreKoos(items);
        const scores = Object.fromEntries(Object.entries(scored).map(([k, v]) => [k, v.score]));
        const response = await tx
          .insertInto('koos_response')
          .values({
            patient_id: patient.id,
            hospital_id: patient.hospitalId,
            answered_on: on,
            items: JSON.stringify(items),
            scores: JSON.stringify(scores),
            source: 'seed',
            reported_by: principal.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('observation')
          .values(
            Object.entries(scores)
              .filter(([, v]) => v !== null)
              .map(([k, v]) => ({
                ...normalizeObservation({
                  code: `koos-${k}`,
                  value: v as number,
                  unit: 'score',
                  observedOn: on,
                }),
                patient_id: patient.id,
                hospital_id: patient.hospitalId,
                source: 'seed',
                koos_response_id: response.id,
              })),
          )
          .execute();
      }
      const vitals = vitalSigns(infusion, today, random, 70 + random() * 20);
      if (vitals.length) {
        await tx
          .insertInto('observation')
          .values(
            vitals.map((l) => ({
              ...normalizeObservation(l),
              patient_id: patient.id,
              hospital_id: patient.hospitalId,
              source: 'seed',
            })),
          )
          .execute();
      }
    });
  }
}

const LIVER_PRODUCT = 'MSC intravenous (acute-on-chronic liver failure)';

/**
 * Patients with HBV-related acute-on-chronic liver failure given umbilical-cord MSC intravenously: bilirubin,
 * creatinine and INR the day before and on days 7, 28, 90 and 180 (MELD falling in most), protocol visits, and
 * the deaths of ACLF — about a quarter within 90 days, as the seed's untreated comparison suggests (survival
 * 55.6% without, 73.2% with MSC).
 */
async function seedLiverCohort(
  platform: Platform,
  size: number,
  today: string,
  staff: Principal[],
): Promise<void> {
  const random = prng(20261125);
  const principal = staff[0]!;
  for (let i = 0; i < size; i++) {
    const created = await platform.patients.create(
      { principal, requestId: 'demo-seed-cohort' },
      {
        name: `${SURNAMES[Math.floor(random() * SURNAMES.length)]}${GIVEN[Math.floor(random() * GIVEN.length)]}`,
        sex: random() < 0.7 ? 'male' : 'female',
        birthDate: `${1960 + Math.floor(random() * 25)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
        diagnosis: 'HBV-related acute-on-chronic liver failure (ACLF)',
      },
    );
    const patient = { id: created.id, hospitalId: principal.organizationId };
    const infusion = addDays(today, -(120 + Math.floor(random() * 600)));
    const dies = random() < 0.27;
    const deathDay = dies ? 10 + Math.floor(random() * 100) : null;
    const lastDay = deathDay ?? 180;
    await asSystem(platform.database.db, async (tx) => {
      await enrolMscPatient(tx, patient, {
        product: LIVER_PRODUCT,
        infusion,
        today,
        referenceTerms: ['Pyrexia', 'Hepatic failure'],
        diedOn: deathDay === null ? null : addDays(infusion, deathDay),
      });
      // Baseline bilirubin 8–20 mg/dL, INR 1.6–2.6, creatinine 0.8–1.8 (MELD about 22–32); responders improve.
      const responder = !dies && random() < 0.8;
      const bili0 = 8 + random() * 12;
      const inr0 = 1.6 + random();
      const cr0 = 0.8 + random();
      const labs: SeedLab[] = [];
      for (const day of [-1, 7, 28, 90, 180]) {
        if (day > lastDay || addDays(infusion, day) > today) break;
        const f = day <= 0 ? 1 : responder ? Math.max(0.25, 1 - day / 120) : 1 + random() * 0.3;
        const on = addDays(infusion, day);
        labs.push(
          { code: 'bilirubin', value: Number((bili0 * f).toFixed(1)), unit: 'mg/dL', observedOn: on },
          {
            code: 'inr',
            value: Number(Math.max(1, inr0 * (0.6 + 0.4 * f)).toFixed(2)),
            unit: 'INR',
            observedOn: on,
          },
          { code: 'creatinine', value: Number(cr0.toFixed(2)), unit: 'mg/dL', observedOn: on },
        );
      }
      await tx
        .insertInto('observation')
        .values(
          labs.map((l) => ({
            ...normalizeObservation(l),
            patient_id: patient.id,
            hospital_id: patient.hospitalId,
            source: 'seed',
          })),
        )
        .execute();
      if (deathDay !== null && addDays(infusion, deathDay) <= today) {
        const on = addDays(infusion, deathDay);
        await tx
          .insertInto('adverse_event')
          .values({
            patient_id: patient.id,
            hospital_id: patient.hospitalId,
            product_name: LIVER_PRODUCT,
            term: 'Hepatic failure',
            ctcae_term: 'Hepatic failure',
            grade: 5,
            onset_date: on,
            resolution_date: on,
            seriousness: JSON.stringify(['death']),
            serious: true,
            causality_product: 'unlikely',
            causality_procedure: 'unrelated',
            expected: true,
            outcome: 'fatal',
            awareness_date: on,
            expedited_required: false,
          })
          .execute();
      }
    });
  }
}

type SeedLab = { code: string; value: number; unit: string; observedOn: string; method?: string };

/** Yearly vital signs from the infusion day to `until`. */
function vitalSigns(infusion: string, until: string, random: () => number, weightKg: number): SeedLab[] {
  const out: SeedLab[] = [];
  for (let d = 0; addDays(infusion, d) <= until; d += 365) {
    const on = addDays(infusion, d);
    out.push(
      { code: 'temperature', value: Number((36.3 + random() * 0.9).toFixed(1)), unit: '°C', observedOn: on },
      { code: 'heart-rate', value: Math.round(64 + random() * 30), unit: '/min', observedOn: on },
      { code: 'bp-systolic', value: Math.round(105 + random() * 30), unit: 'mmHg', observedOn: on },
      { code: 'bp-diastolic', value: Math.round(62 + random() * 20), unit: 'mmHg', observedOn: on },
      { code: 'spo2', value: Math.round(95 + random() * 4), unit: '%', observedOn: on },
      {
        code: 'weight',
        value: Number((weightKg + (d / 365) * (random() * 2)).toFixed(1)),
        unit: 'kg',
        observedOn: on,
      },
    );
  }
  return out;
}

/**
 * Yearly measures of a thalassemia patient: vitals, liver iron by MRI R2* and cardiac T2* (falling iron in
 * responders), and bilirubin, creatinine and INR on the same day (so MELD is computed).
 */
function thalassemiaMeasures(
  infusion: string,
  lastDay: number,
  responder: boolean,
  random: () => number,
): SeedLab[] {
  const at = (d: number) => addDays(infusion, d);
  const out = vitalSigns(infusion, at(lastDay), random, 35 + random() * 25);
  let lic = 4 + random() * 14;
  let t2 = 8 + random() * 25;
  for (let d = 180; d <= lastDay; d += 365) {
    lic = Math.max(0.8, lic * (responder ? 0.6 + random() * 0.2 : 0.95 + random() * 0.15));
    t2 = Math.min(45, t2 * (responder ? 1.1 + random() * 0.2 : 0.95 + random() * 0.1));
    out.push(
      { code: 'lic-mri', value: Number(lic.toFixed(1)), unit: 'mg/g', method: 'R2*', observedOn: at(d) },
      { code: 'cardiac-t2star', value: Number(t2.toFixed(1)), unit: 'ms', observedOn: at(d) },
      {
        code: 'bilirubin',
        value: Number((0.6 + random() * 2.4).toFixed(1)),
        unit: 'mg/dL',
        observedOn: at(d),
      },
      {
        code: 'creatinine',
        value: Number((0.4 + random() * 0.8).toFixed(2)),
        unit: 'mg/dL',
        observedOn: at(d),
      },
      { code: 'inr', value: Number((0.9 + random() * 0.5).toFixed(2)), unit: 'INR', observedOn: at(d) },
    );
  }
  return out;
}

async function seedPatient(
  tx: Tx,
  patient: { id: string; hospitalId: string },
  product: Product,
  infusion: string,
  today: string,
  random: () => number,
  measuresRandom: () => number = random,
): Promise<void> {
  const followDays = Math.floor((Date.parse(today) - Date.parse(infusion)) / MS_DAY);
  const lost = followDays > 900 && random() < 0.04;
  const lastDay = lost ? Math.floor(followDays * (0.3 + random() * 0.4)) : followDays;
  const labs: {
    code: string;
    value: number;
    unit: string;
    observedOn: string;
    uln?: number;
    lln?: number;
  }[] = [];
  const transfusions: { given_on: string; product: string; volume_ml: number }[] = [];
  const at = (d: number) => addDays(infusion, d);
  // Engraftment: ANC recovers around day 14–35 (gene therapy later than PBSC); 2% never engraft.
  const failure = random() < 0.02;
  const ancDay =
    product.graft === 'gene-therapy' ? 18 + Math.floor(random() * 16) : 12 + Math.floor(random() * 8);
  const pltDay = ancDay + 5 + Math.floor(random() * 20);
  for (let d = 0; d <= Math.min(60, lastDay); d += 2 + Math.floor(random() * 2)) {
    const anc = failure ? 0.05 + random() * 0.2 : d < ancDay ? 0.02 + random() * 0.3 : 0.6 + random() * 2.5;
    const plt = d < pltDay ? 5 + random() * 14 : 25 + random() * 120;
    labs.push({ code: 'anc', value: Number(anc.toFixed(2)), unit: '10^9/L', observedOn: at(d), lln: 1.8 });
    labs.push({ code: 'platelets', value: Math.round(plt), unit: '10^9/L', observedOn: at(d), lln: 150 });
    if (d < pltDay && d % 6 === 0)
      transfusions.push({ given_on: at(d), product: 'platelets', volume_ml: 250 });
  }
  // Hb and red-cell transfusions: responders stop transfusing after ~2 months, the others keep a monthly need.
  const responder = !failure && random() < product.ti;
  const plateau = 9.8 + random() * 3.5;
  for (let d = 14; d <= lastDay; d += d < 365 ? 30 : 90) {
    const hb = responder ? (d < 60 ? 8.5 + random() : plateau + (random() - 0.5)) : 8.2 + random() * 1.6;
    labs.push({
      code: 'hb',
      value: Number(hb.toFixed(1)),
      unit: random() < 0.3 ? 'g/L' : 'g/dL',
      observedOn: at(d),
    });
    if (labs[labs.length - 1]!.unit === 'g/L') labs[labs.length - 1]!.value = Math.round(hb * 10);
    if ((!responder || d < 60) && hb < 9.5)
      transfusions.push({ given_on: at(d), product: 'red-cells', volume_ml: 300 });
  }
  // Ferritin falls with chelation and phlebotomy in responders; ALT with an occasional rise.
  let ferritin = 1500 + random() * 2500;
  for (let d = 30; d <= lastDay; d += 90) {
    ferritin *= responder ? 0.85 + random() * 0.1 : 0.97 + random() * 0.12;
    labs.push({ code: 'ferritin', value: Math.round(ferritin), unit: 'ng/mL', observedOn: at(d) });
    const alt = random() < 0.03 ? 130 + random() * 80 : 15 + random() * 30;
    labs.push({ code: 'alt', value: Math.round(alt), unit: 'U/L', observedOn: at(d), uln: 40 });
  }
  const measures = thalassemiaMeasures(infusion, lastDay, responder, measuresRandom);
  if (labs.length || measures.length) {
    await tx
      .insertInto('observation')
      .values(
        [...labs, ...measures].map((l) => ({
          ...normalizeObservation(l),
          patient_id: patient.id,
          hospital_id: patient.hospitalId,
          source: 'seed',
        })),
      )
      .execute();
  }
  if (transfusions.length) {
    await tx
      .insertInto('transfusion')
      .values(
        transfusions.map((t) => ({
          ...t,
          patient_id: patient.id,
          hospital_id: patient.hospitalId,
          source: 'seed',
        })),
      )
      .execute();
  }
  await tx
    .insertInto('followup_enrolment')
    .values({
      patient_id: patient.id,
      hospital_id: patient.hospitalId,
      product_name: product.name,
      graft_source: product.graft,
      protocol: product.protocol,
      infusion_date: infusion,
      reference_terms: JSON.stringify(product.referenceTerms),
      status: lost ? 'lost-to-follow-up' : 'active',
    })
    .execute();
  const visits = followUpSchedule(product.protocol, infusion);
  await tx
    .insertInto('followup_visit')
    .values(
      visits.map((v) => ({
        patient_id: patient.id,
        hospital_id: patient.hospitalId,
        label: v.label,
        due_date: v.dueDate,
        window_start: v.windowStart,
        window_end: v.windowEnd,
        attended_on: v.windowEnd < today && v.dueDate <= at(lastDay) && random() < 0.93 ? v.dueDate : null,
      })),
    )
    .execute();

  // Adverse events: the expected early toxicities, and rarer serious unexpected ones (veno-occlusive disease).
  const events: {
    term: string;
    grade: number;
    onset: number;
    seriousness: SeriousnessCriterion[];
    product: 'probable' | 'possible' | 'unlikely';
  }[] = [];
  if (random() < 0.6)
    events.push({
      term: 'Febrile neutropenia',
      grade: 3,
      onset: 5 + Math.floor(random() * 10),
      seriousness: ['hospitalization'],
      product: 'probable',
    });
  if (random() < 0.5)
    events.push({
      term: 'Stomatitis',
      grade: 2 + Math.floor(random() * 2),
      onset: 7 + Math.floor(random() * 7),
      seriousness: [],
      product: 'probable',
    });
  if (random() < (product.vod * Math.min(lastDay, 730)) / 365) {
    const lifeThreatening = random() < 0.4;
    events.push({
      term: 'Veno-occlusive disease',
      grade: lifeThreatening ? 4 : 3,
      onset: 10 + Math.floor(random() * Math.max(1, Math.min(lastDay, 700) - 10)),
      seriousness: lifeThreatening ? ['life-threatening', 'hospitalization'] : ['hospitalization'],
      product: 'possible',
    });
  }
  if (product.protocol === 'allogeneic-hsct' && random() < 0.3) {
    events.push({
      term: 'Acute GVHD',
      grade: 2 + Math.floor(random() * 2),
      onset: 20 + Math.floor(random() * 60),
      seriousness: [],
      product: 'probable',
    });
  }
  for (const e of events.filter((x) => x.onset <= lastDay)) {
    const onset = at(e.onset);
    const awareness = addDays(onset, Math.floor(random() * 3));
    const expected = product.referenceTerms.includes(e.term);
    const clock = expeditedClock({
      seriousness: e.seriousness,
      causalityProduct: e.product,
      causalityProcedure: 'unrelated',
      expected,
      awarenessDate: awareness,
    });
    const submitted =
      clock.required && clock.dueDate && awareness < addDays(today, -20)
        ? addDays(
            awareness,
            (clock.days ?? 15) +
              (random() < 0.15 ? 3 + Math.floor(random() * 10) : -Math.floor(random() * 5)),
          )
        : null;
    const inserted = await tx
      .insertInto('adverse_event')
      .values({
        patient_id: patient.id,
        hospital_id: patient.hospitalId,
        product_name: product.name,
        term: e.term,
        grade: e.grade,
        onset_date: onset,
        resolution_date: e.grade < 4 ? addDays(onset, 7 + Math.floor(random() * 30)) : null,
        seriousness: JSON.stringify(e.seriousness),
        serious: e.seriousness.length > 0,
        causality_product: e.product,
        causality_procedure: 'unrelated',
        expected,
        outcome: e.grade < 4 ? 'recovered' : 'recovering',
        awareness_date: awareness,
        expedited_required: clock.required,
        expedited_days: clock.days,
        expedited_due: clock.dueDate,
        expedited_submitted_on: submitted,
      })
      .returning(['id', 'grade'])
      .executeTakeFirstOrThrow();
    // Half the GVHD events worsen by a grade a week after onset (a follow-up report), for the grade history.
    if (e.term === 'Acute GVHD' && e.grade < 4 && measuresRandom() < 0.5 && e.onset + 7 <= lastDay) {
      await tx
        .insertInto('adverse_event_followup')
        .values({
          adverse_event_id: inserted.id,
          patient_id: patient.id,
          hospital_id: patient.hospitalId,
          reported_on: addDays(onset, 7),
          changes: JSON.stringify({ grade: e.grade + 1, fromGrade: e.grade }),
        })
        .execute();
      await tx
        .updateTable('adverse_event')
        .set({ grade: e.grade + 1, version: 2 })
        .where('id', '=', inserted.id)
        .execute();
    }
  }
  // The alerts the early-warning rules raise on these records.
  const warnings = laboratoryWarnings({
    infusionDate: infusion,
    graftSource: product.graft,
    labs: labs.map((l) => {
      const n = normalizeObservation(l);
      return { code: n.code, date: n.observed_on, value: n.value_canonical, uln: n.uln_canonical };
    }),
    transfusions: transfusions.map((t) => ({
      date: t.given_on,
      product: t.product as 'red-cells' | 'platelets',
    })),
    asOf: at(lastDay),
  });
  for (const w of warnings) {
    await tx
      .insertInto('alert')
      .values({
        scope: 'patient',
        patient_id: patient.id,
        hospital_id: patient.hospitalId,
        rule: w.rule,
        dedup_key: `${patient.id}:${w.key}`,
        message: w.message,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .execute();
  }
  await appendAudit(
    tx,
    { system: 'demo seed' },
    {
      action: 'create',
      entityType: 'followup',
      entityId: patient.id,
      newValues: {
        product: product.name,
        infusionDate: infusion,
        observations: labs.length,
        transfusions: transfusions.length,
        adverseEvents: events.length,
        alerts: warnings.length,
      },
    },
  );
}
