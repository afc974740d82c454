import { can } from '@cgtlink/domain/access/index';
import type { GraftSource } from '@cgtlink/domain/clinical/engraftment';
import { ageBand, shiftDate, smallCellPatients, suppressCount } from '@cgtlink/domain/export/deidentify';
import {
  dueTimePoints,
  type FieldValue,
  fieldsAt,
  type MissingField,
  missingFields,
  periodOf,
  type RegistryFormat,
  registryFields,
  type TimePoint,
} from '@cgtlink/domain/export/registry-forms';
import { RWE_FILES, rweColumns, rweDictionary } from '@cgtlink/domain/export/rwe-dictionary';
import type { LabCode } from '@cgtlink/domain/followup/catalog';
import { computeEndpoints } from '@cgtlink/domain/followup/endpoints';
import { formatIsoDate, parseIsoDate } from '@cgtlink/domain/thalassemia/dates';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, NotFound } from '../errors';
import { type Cell, toCsv } from './csv';
import type { ExportKeys } from './export-keys';

export type ExportFormat = 'rwe' | RegistryFormat;
export const EXPORT_FORMATS: readonly ExportFormat[] = ['rwe', 'cibmtr', 'ebmt'];

export interface ExportFile {
  name: string;
  content: string;
  rows: number;
}

export interface ExportResult {
  filingReference: string;
  format: ExportFormat;
  cutOff: string;
  files: ExportFile[];
}

export interface ExportableFiling {
  id: string;
  reference: string;
  technology: string;
  indication: string;
  productName: string;
  status: string;
  patients: number;
}

/** Everything the exports read about one patient of a filing, as the de-identified role sees it. */
interface PatientData {
  id: string;
  site: string;
  sex: string;
  birthYear: number;
  diagnosis: string;
  technology: string;
  productName: string | null;
  graftSource: string | null;
  day0: string | null;
  followupStatus: string | null;
  betaGenotype: string | null;
  alphaGenotype: string | null;
  donorType: string | null;
  hlaMatch: string | null;
  conditioning: string | null;
  transfusions: { givenOn: string; product: string; volumeMl: number | null; units: number | null }[];
  labs: { observedOn: string; code: string; loinc: string | null; value: number; unit: string }[];
  events: {
    onset: string;
    resolution: string | null;
    term: string;
    ctcaeTerm: string | null;
    grade: number;
    serious: boolean;
    expected: boolean;
    outcome: string;
    causalityProduct: string;
  }[];
  visits: { label: string; due: string; windowEnd: string; attended: string | null }[];
}

const ALLOGENEIC = new Set(['allogeneic_hsct', 'haploidentical_hsct']);
const today = () => new Date().toISOString().slice(0, 10);

/**
 * De-identified exports of a filing's patients (issue 9, item 4): the sponsor's real-world-evidence data set and
 * the CIBMTR-style and EBMT MED-A-style minimum transplant data with a missing-field report. Runs as the
 * principal (a sponsor reaches only its own filings, in the database); every export is audited with what it
 * contained. Identifiers never enter: the de-identified role has no privilege on them, and the files carry only
 * the keyed subject code and per-patient shifted dates.
 */
export class ExportService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly keys: ExportKeys,
    private readonly clock: () => string = today,
  ) {}

  async filings(ctx: RequestContext): Promise<ExportableFiling[]> {
    this.#require(ctx);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx
        .selectFrom('filing as f')
        .leftJoin('filing_patient as fp', 'fp.filing_id', 'f.id')
        .select((eb) => [
          'f.id',
          'f.reference',
          'f.technology',
          'f.indication',
          'f.product_name',
          'f.status',
          eb.fn.count<string>('fp.patient_id').as('patients'),
        ])
        .groupBy('f.id')
        .orderBy('f.reference')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        technology: r.technology,
        indication: r.indication,
        productName: r.product_name,
        status: r.status,
        patients: Number(r.patients),
      }));
    });
  }

  async export(ctx: RequestContext, filingId: string, format: ExportFormat): Promise<ExportResult> {
    this.#require(ctx);
    const cutOff = this.clock();
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const filing = await tx
        .selectFrom('filing')
        .select(['id', 'reference', 'technology', 'product_name'])
        .where('id', '=', filingId)
        .executeTakeFirst();
      if (!filing) throw new NotFound('filing');
      const patients = await this.#load(tx, filing.id);
      const result =
        format === 'rwe'
          ? this.#rwe(filing.reference, patients, cutOff)
          : this.#registry(format, filing.reference, patients, cutOff);
      await appendAudit(tx, ctx, {
        action: `export.${format}`,
        entityType: 'filing',
        entityId: filing.id,
        newValues: {
          reference: filing.reference,
          format,
          cutOff,
          files: Object.fromEntries(result.files.map((f) => [f.name, f.rows])),
        },
      });
      return result;
    });
  }

  #require(ctx: RequestContext) {
    if (!can(ctx.principal, 'export.deidentified'))
      throw new Forbidden('you may not export de-identified patient data');
  }

  async #load(tx: Tx, filingId: string): Promise<PatientData[]> {
    const base = await tx
      .selectFrom('filing_patient as fp')
      .innerJoin('patient as p', 'p.id', 'fp.patient_id')
      .innerJoin('organization as o', 'o.id', 'p.hospital_id')
      .leftJoin('followup_enrolment as e', 'e.patient_id', 'p.id')
      .select([
        'p.id',
        'o.code as site',
        'p.sex',
        'p.birth_year',
        'p.diagnosis',
        'fp.technology',
        'e.product_name',
        'e.graft_source',
        'e.infusion_date',
        'e.status as followup_status',
      ])
      .where('fp.filing_id', '=', filingId)
      .orderBy('p.id')
      .execute();
    const ids = base.map((b) => b.id);
    if (ids.length === 0) return [];
    const [genotypes, pathway, transfusions, labs, events, visits] = await Promise.all([
      tx
        .selectFrom('patient_genotype')
        .select(['patient_id', 'label', 'alpha_genotype', 'recorded_at'])
        .where('patient_id', 'in', ids)
        .orderBy('recorded_at')
        .execute(),
      tx
        .selectFrom('pathway_event')
        .select(['patient_id', 'step', 'occurred_at', 'data'])
        .where('patient_id', 'in', ids)
        .where('step', 'in', ['donor_selection', 'conditioning', 'infusion'])
        .orderBy('seq')
        .execute(),
      tx
        .selectFrom('transfusion')
        .select(['patient_id', 'given_on', 'product', 'volume_ml', 'units'])
        .where('patient_id', 'in', ids)
        .where('status', '=', 'final')
        .orderBy('given_on')
        .execute(),
      tx
        .selectFrom('observation')
        .select(['patient_id', 'observed_on', 'code', 'loinc', 'value_canonical', 'canonical_unit'])
        .where('patient_id', 'in', ids)
        .where('status', '=', 'final')
        .orderBy('observed_on')
        .orderBy('code')
        .execute(),
      tx
        .selectFrom('adverse_event')
        .select([
          'patient_id',
          'onset_date',
          'resolution_date',
          'term',
          'ctcae_term',
          'grade',
          'serious',
          'expected',
          'outcome',
          'causality_product',
        ])
        .where('patient_id', 'in', ids)
        .orderBy('onset_date')
        .execute(),
      tx
        .selectFrom('followup_visit')
        .select(['patient_id', 'label', 'due_date', 'window_end', 'attended_on'])
        .where('patient_id', 'in', ids)
        .orderBy('due_date')
        .execute(),
    ]);
    const byPatient = new Map<string, PatientData>();
    for (const b of base) {
      byPatient.set(b.id, {
        id: b.id,
        site: b.site,
        sex: b.sex,
        birthYear: b.birth_year,
        diagnosis: b.diagnosis,
        technology: b.technology,
        productName: b.product_name,
        graftSource: b.graft_source,
        day0: b.infusion_date,
        followupStatus: b.followup_status,
        betaGenotype: null,
        alphaGenotype: null,
        donorType: b.technology === 'autologous_gene_hsc' ? 'autologous' : null,
        hlaMatch: null,
        conditioning: null,
        transfusions: [],
        labs: [],
        events: [],
        visits: [],
      });
    }
    const of = (id: string) => byPatient.get(id) as PatientData;
    for (const g of genotypes) {
      of(g.patient_id).betaGenotype = g.label;
      of(g.patient_id).alphaGenotype = g.alpha_genotype;
    }
    for (const e of pathway) {
      const p = of(e.patient_id);
      const data = (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as Record<string, unknown>;
      const text = (key: string) =>
        typeof data[key] === 'string' && data[key] !== '' ? String(data[key]) : null;
      if (e.step === 'donor_selection') {
        p.donorType = text('donorType') ?? p.donorType;
        p.hlaMatch = text('hlaMatch') ?? p.hlaMatch;
      } else if (e.step === 'conditioning') {
        p.conditioning = text('regimen') ?? text('conditioning') ?? p.conditioning;
      } else if (e.step === 'infusion' && !p.day0) {
        p.day0 = new Date(e.occurred_at).toISOString().slice(0, 10);
      }
    }
    for (const t of transfusions)
      of(t.patient_id).transfusions.push({
        givenOn: t.given_on,
        product: t.product,
        volumeMl: t.volume_ml,
        units: t.units,
      });
    for (const l of labs)
      of(l.patient_id).labs.push({
        observedOn: l.observed_on,
        code: l.code,
        loinc: l.loinc,
        value: l.value_canonical,
        unit: l.canonical_unit,
      });
    for (const e of events)
      of(e.patient_id).events.push({
        onset: e.onset_date,
        resolution: e.resolution_date,
        term: e.term,
        ctcaeTerm: e.ctcae_term,
        grade: e.grade,
        serious: e.serious,
        expected: e.expected,
        outcome: e.outcome,
        causalityProduct: e.causality_product,
      });
    for (const v of visits)
      of(v.patient_id).visits.push({
        label: v.label,
        due: v.due_date,
        windowEnd: v.window_end,
        attended: v.attended_on,
      });
    return [...byPatient.values()];
  }

  // ---------- the real-world-evidence data set ----------

  #rwe(reference: string, all: PatientData[], cutOff: string): ExportResult {
    const ageOf = (p: PatientData) => (p.day0 ? Number(p.day0.slice(0, 4)) - p.birthYear : null);
    const withheld = smallCellPatients(
      all,
      (p) => p.id,
      (p) => `${p.sex}|${ageBand(ageOf(p))}|${p.diagnosis}`,
    );
    const kept = all.filter((p) => !withheld.has(p.id));
    const file = (name: string, rows: Cell[][]): ExportFile => ({
      name,
      content: toCsv(rweColumns(name), rows),
      rows: rows.length,
    });
    const patients: Cell[][] = [];
    const transfusions: Cell[][] = [];
    const labs: Cell[][] = [];
    const events: Cell[][] = [];
    const visits: Cell[][] = [];
    const patientCells = new Map<string, number>();
    const aeCells = new Map<string, Set<string>>();
    for (const p of kept) {
      const shift = this.keys.shiftDays(p.id);
      const subject = this.keys.subject(p.id);
      const d = (date: string | null) => shiftDate(date, shift);
      const rel = (date: string) =>
        p.day0 ? parseIsoDate(date, 'date') - parseIsoDate(p.day0, 'day0') : null;
      const death = deathOf(p);
      const age = ageOf(p);
      patients.push([
        subject,
        p.site,
        p.sex,
        p.birthYear,
        age,
        ageBand(age),
        p.diagnosis,
        p.betaGenotype,
        p.alphaGenotype,
        p.technology,
        p.productName,
        p.graftSource,
        d(p.day0),
        p.followupStatus,
        d(death?.date ?? null),
        death?.cause ?? null,
        d(lastContact(p, cutOff)),
      ]);
      const stratum = `${p.sex}/${ageBand(age)}`;
      patientCells.set(stratum, (patientCells.get(stratum) ?? 0) + 1);
      for (const t of p.transfusions)
        transfusions.push([subject, d(t.givenOn), rel(t.givenOn), t.product, t.volumeMl, t.units]);
      for (const l of p.labs)
        labs.push([subject, d(l.observedOn), rel(l.observedOn), l.code, l.loinc, l.value, l.unit]);
      for (const e of p.events) {
        events.push([
          subject,
          d(e.onset),
          rel(e.onset),
          d(e.resolution),
          e.term,
          e.ctcaeTerm,
          e.grade,
          e.serious,
          e.expected,
          e.outcome,
          e.causalityProduct,
        ]);
        const key = `${e.ctcaeTerm ?? e.term}/grade ${e.grade}`;
        const set = aeCells.get(key) ?? new Set<string>();
        set.add(p.id);
        aeCells.set(key, set);
      }
      for (const v of p.visits)
        visits.push([subject, v.label, d(v.due), d(v.attended), v.attended === null && v.windowEnd < cutOff]);
    }
    const summary: Cell[][] = [
      ...[...patientCells].sort().map(([s, n]): Cell[] => ['patients', s, suppressCount(n)]),
      ...[...aeCells].sort().map(([s, set]): Cell[] => ['ae_patients', s, suppressCount(set.size)]),
    ];
    const dictionary = rweDictionary().map((e): Cell[] => [
      e.file,
      e.field,
      e.type,
      e.unit,
      e.codeSystem,
      e.zh,
      e.en,
    ]);
    const files = [
      file('patients.csv', patients),
      file('transfusions.csv', transfusions),
      file('labs.csv', labs),
      file('adverse_events.csv', events),
      file('visits.csv', visits),
      file('summary.csv', summary),
      {
        name: 'dictionary.csv',
        content: toCsv(
          ['file', 'field', 'type', 'unit', 'code_system', 'description_zh', 'description_en'],
          dictionary,
        ),
        rows: dictionary.length,
      },
      manifest(reference, 'rwe', cutOff, all.length, kept.length, withheld.size),
    ];
    if (
      files.some(
        (f) => f.name !== 'dictionary.csv' && f.name !== 'manifest.csv' && !RWE_FILES.includes(f.name),
      )
    )
      throw new Error('an export file lacks its dictionary');
    return { filingReference: reference, format: 'rwe', cutOff, files };
  }

  // ---------- registry minimum data ----------

  #registry(format: RegistryFormat, reference: string, all: PatientData[], cutOff: string): ExportResult {
    const reports: Cell[][] = [];
    const missing: Cell[][] = [];
    const day0Columns = fieldsAt(format, 'day0');
    const postColumns = [
      ...new Set(['day100', 'month6', 'year'].flatMap((k) => fieldsAt(format, k as 'year'))),
    ];
    const day0Rows: Cell[][] = [];
    for (const p of all) {
      const subject = this.keys.subject(p.id);
      const shift = this.keys.shiftDays(p.id);
      if (!p.day0) {
        missing.push([subject, 'day0', 'day0_date', true]);
        continue;
      }
      const allogeneic = ALLOGENEIC.has(p.technology);
      const values = registryValues(p, cutOff);
      const day0 = parseIsoDate(p.day0, 'day0');
      const death = deathOf(p);
      const points = dueTimePoints(
        format,
        parseIsoDate(cutOff, 'cutOff') - day0,
        death ? parseIsoDate(death.date, 'death') - day0 : null,
      );
      points.forEach((point, index) => {
        const v = values(point, periodOf(points, index));
        const shown = (name: string): Cell => {
          const value = v[name];
          const isDate = registryFields(format).find((f) => f.name === name)?.type === 'date';
          return isDate && typeof value === 'string' ? shiftDate(value, shift) : (value as Cell);
        };
        if (point.kind === 'day0')
          day0Rows.push([
            subject,
            ...day0Columns.map((c) => (allogeneic || !isAlloOnly(format, c) ? shown(c) : 'n/a')),
          ]);
        else
          reports.push([
            subject,
            point.label,
            shiftDate(formatIsoDate(day0 + point.day), shift),
            ...postColumns.map((c) =>
              !fieldsAt(format, point.kind).includes(c) || (!allogeneic && isAlloOnly(format, c))
                ? 'n/a'
                : shown(c),
            ),
          ]);
        for (const m of missingFields(format, point, v, allogeneic))
          missing.push([subject, m.timePoint, m.field, m.critical]);
      });
    }
    const dictionary = registryFields(format).map((f): Cell[] => [
      f.name,
      f.type,
      f.unit ?? '',
      f.codeSystem ?? '',
      f.at.join('|'),
      f.allogeneicOnly === true,
      f.critical === true,
      f.zh,
      f.en,
    ]);
    const files: ExportFile[] = [
      {
        name: `${format}_day0.csv`,
        content: toCsv(['subject_id', ...day0Columns], day0Rows),
        rows: day0Rows.length,
      },
      {
        name: `${format}_followup.csv`,
        content: toCsv(['subject_id', 'time_point', 'report_date', ...postColumns], reports),
        rows: reports.length,
      },
      {
        name: `${format}_missing.csv`,
        content: toCsv(['subject_id', 'time_point', 'field', 'critical'], missing),
        rows: missing.length,
      },
      {
        name: 'dictionary.csv',
        content: toCsv(
          [
            'field',
            'type',
            'unit',
            'code_system',
            'time_points',
            'allogeneic_only',
            'critical',
            'description_zh',
            'description_en',
          ],
          dictionary,
        ),
        rows: dictionary.length,
      },
      manifest(reference, format, cutOff, all.length, all.length, 0),
    ];
    return { filingReference: reference, format, cutOff, files };
  }
}

function isAlloOnly(format: RegistryFormat, name: string): boolean {
  return registryFields(format).find((f) => f.name === name)?.allogeneicOnly === true;
}

function manifest(
  reference: string,
  format: ExportFormat,
  cutOff: string,
  inFiling: number,
  exported: number,
  withheld: number,
): ExportFile {
  const rows: Cell[][] = [
    ['filing', reference],
    ['format', format],
    ['data_cut_off', cutOff],
    ['patients_in_filing', suppressCount(inFiling)],
    ['patients_exported', exported === 0 ? 0 : suppressCount(exported)],
    ['patients_withheld_small_cells', withheld === 0 ? 0 : suppressCount(withheld)],
    [
      'date_shift',
      'every date of a patient moved by the same whole number of days (±1..180) from a keyed hash of the patient',
    ],
    [
      'small_cells',
      'aggregate counts below 5 are blank; patients whose sex × age band × diagnosis cell holds fewer than 5 are withheld',
    ],
  ];
  return { name: 'manifest.csv', content: toCsv(['key', 'value'], rows), rows: rows.length };
}

/** Death: a fatal adverse event (its onset the date, its term the cause), else a deceased follow-up status. */
function deathOf(p: PatientData): { date: string; cause: string | null } | null {
  const fatal = p.events.find((e) => e.outcome === 'fatal' || e.grade === 5);
  if (fatal) return { date: fatal.onset, cause: fatal.ctcaeTerm ?? fatal.term };
  return null;
}

function lastContact(p: PatientData, cutOff: string): string | null {
  let last: string | null = p.day0;
  const see = (d: string | null) => {
    if (d && d <= cutOff && (last === null || d > last)) last = d;
  };
  for (const t of p.transfusions) see(t.givenOn);
  for (const l of p.labs) see(l.observedOn);
  for (const v of p.visits) see(v.attended);
  for (const e of p.events) see(e.onset);
  return last;
}

/** The registry field values of a patient for one time point and its reporting period (days after day 0). */
function registryValues(p: PatientData, cutOff: string) {
  const day0 = parseIsoDate(p.day0 as string, 'day0');
  const dayOf = (d: string) => parseIsoDate(d, 'date') - day0;
  const endpoints = computeEndpoints({
    infusionDate: p.day0 as string,
    graftSource: (p.graftSource ?? graftOf(p.technology)) as GraftSource,
    labs: p.labs
      .filter((l) => dayOf(l.observedOn) >= 0)
      .map((l) => ({ code: l.code as LabCode, date: l.observedOn, value: l.value })),
    transfusions: p.transfusions
      .filter((t) => dayOf(t.givenOn) >= 0)
      .map((t) => ({ date: t.givenOn, product: t.product as 'red-cells' })),
    asOf: cutOff,
  });
  const engraftDate = (day: number | undefined) => (day === undefined ? null : formatIsoDate(day0 + day));
  const death = deathOf(p);
  const hctType =
    p.technology === 'autologous_gene_hsc'
      ? 'autologous-gene-modified'
      : p.technology === 'haploidentical_hsct'
        ? 'haploidentical'
        : p.technology === 'allogeneic_hsct'
          ? 'allogeneic'
          : null;
  return (point: TimePoint, period: { from: number; to: number }): Record<string, FieldValue> => {
    const inPeriod = (d: string) => dayOf(d) >= period.from && dayOf(d) <= period.to;
    const periodLabs = (code: string) => p.labs.filter((l) => l.code === code && inPeriod(l.observedOn));
    const contacts = [
      ...p.labs.map((l) => l.observedOn),
      ...p.transfusions.map((t) => t.givenOn),
      ...p.visits.flatMap((v) => (v.attended ? [v.attended] : [])),
    ].filter((d) => inPeriod(d) && d <= cutOff);
    const dead = death !== null && dayOf(death.date) <= period.to;
    // Without any contact in the period (and not dead), the period's clinical status is unknown: missing.
    const known = contacts.length > 0 || dead;
    const gvhd = p.events.filter(
      (e) => /acute gvhd/i.test(e.ctcaeTerm ?? e.term) && dayOf(e.onset) >= 0 && dayOf(e.onset) <= period.to,
    );
    const chronic = p.events.filter((e) => /chronic gvhd/i.test(e.ctcaeTerm ?? e.term) && inPeriod(e.onset));
    const lastHb = periodLabs('hb').at(-1);
    const lastFerritin = periodLabs('ferritin').at(-1);
    const preFerritin = p.labs.filter((l) => l.code === 'ferritin' && dayOf(l.observedOn) <= 0).at(-1);
    const contactDates = contacts.sort();
    const base: Record<string, FieldValue> = {
      sex: p.sex,
      birth_year: p.birthYear,
      disease: p.diagnosis || null,
      hct_type: hctType,
      donor_type: p.donorType,
      hla_match: p.hlaMatch,
      graft_source: p.graftSource,
      conditioning: p.conditioning,
      day0_date: p.day0,
      beta_genotype: p.betaGenotype,
      alpha_genotype: p.alphaGenotype,
      pre_ferritin: preFerritin?.value ?? null,
    };
    if (point.kind === 'day0') return base;
    const chronicSeverity =
      chronic.length === 0
        ? 'none'
        : chronic.some((e) => e.grade >= 3)
          ? 'severe'
          : chronic.some((e) => e.grade === 2)
            ? 'moderate'
            : 'mild';
    return {
      ...base,
      survival_status: dead ? 'dead' : known ? 'alive' : null,
      last_contact_date: dead ? (death?.date ?? null) : (contactDates.at(-1) ?? null),
      cause_of_death: dead ? (death?.cause ?? null) : null,
      neutrophil_engraftment_date: engraftDate(endpoints.engraftment.neutrophil.engraftmentDay),
      platelet_engraftment_date: engraftDate(endpoints.engraftment.platelet.engraftmentDay),
      acute_gvhd_max_grade: known ? Math.max(0, ...gvhd.map((e) => e.grade)) : null,
      chronic_gvhd: known ? chronicSeverity : null,
      red_cell_transfusions: known
        ? p.transfusions.filter((t) => t.product === 'red-cells' && inPeriod(t.givenOn)).length
        : null,
      latest_hb: lastHb?.value ?? null,
      latest_ferritin: lastFerritin?.value ?? null,
    };
  };
}

function graftOf(technology: string): GraftSource {
  return technology === 'autologous_gene_hsc' ? 'gene-therapy' : 'peripheral-blood';
}

export type { MissingField };
