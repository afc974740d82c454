import { can, type Principal } from '@cgtlink/domain/access/index';
import {
  evaluateFamily,
  type FamilyEvaluation,
  type FamilyInput,
  type FamilyRelative,
} from '@cgtlink/domain/hla/family/evaluate';
import { FAMILY_LOCI, type FamilyTyping } from '@cgtlink/domain/hla/family/haplotypes';
import type { RankingPolicy } from '@cgtlink/domain/hla/family/ranking';
import { MATCH_LOCI, type MatchLocus, type MatchResult, matchGlStrings } from '@cgtlink/domain/hla/match';
import {
  DEFAULT_SEARCH_LOCI,
  type DonorFilters,
  type DonorRecord,
  type SearchHit,
  type SearchQuery,
} from '@cgtlink/domain/hla/registry/donor';
import { RegistryIndex } from '@cgtlink/domain/hla/registry/index';
import { tceGroup } from '@cgtlink/domain/hla/tce';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { asSystem, type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';
import { type Antibody, ageOn, type DonorService, type DonorView, type TypingView } from './donor.service';
import type { HlaReference, ReducedTyping } from './reference';

/** Where the patient's typing for a search or an explanation comes from: a patient record or a GL String. */
export type PatientTypingSource = { patientId: string } | { glString: string };

export interface RegistrySearchInput {
  patient: PatientTypingSource;
  maxMismatches: number;
  loci?: MatchLocus[] | undefined;
  patientCmv?: 'pos' | 'neg' | 'unknown' | undefined;
  filters?: DonorFilters | undefined;
  limit?: number | undefined;
}

export interface RegistryHit extends SearchHit {
  position: number;
  donorId: string;
  registryDonorId: string | null;
}

export interface RegistrySearchResult {
  releaseVersion: string;
  indexedDonors: number;
  patientTyping: Partial<Record<MatchLocus, [string, string]>>;
  loci: MatchLocus[];
  hits: RegistryHit[];
}

export interface MatchExplanation extends MatchResult {
  releaseVersion: string;
  donor: DonorView;
  patientGlString: string;
  donorGlString: string;
}

export interface WorkupInput {
  patientAbo?: 'O' | 'A' | 'B' | 'AB' | undefined;
  patientCmv?: 'pos' | 'neg' | undefined;
  policy?: RankingPolicy | undefined;
}

export interface FamilyWorkup extends FamilyEvaluation {
  releaseVersion: string;
  patientTyping: TypingView;
  donors: DonorView[];
  /** Relatives left out of the evaluation, with the reason (no typing, ambiguous typing). */
  excluded: { donorId: string; reason: string }[];
  /** The patient's antibodies used for the DSA criterion: the donors' DSA entries, strongest MFI per specificity. */
  antibodies: Antibody[];
}

const SEX_OF_PATIENT: Record<string, 'M' | 'F' | undefined> = { male: 'M', female: 'F' };

/**
 * The registry search index the server holds (domain RegistryIndex), built from the unrelated donor records at
 * start and kept up to date donor by donor as the DonorService reports changes; the registry search and the
 * per-locus explanation over it; and the family work-up of a patient with the related donors on record.
 */
export class RegistryService {
  private index: RegistryIndex | undefined;
  private building: Promise<RegistryIndex> | undefined;
  private generation = 0;
  private readonly pending = new Set<string>();
  /** donor_no → donor id, for the indexed donors. */
  private idByNo = new Map<number, string>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly reference: HlaReference,
    private readonly donors: DonorService,
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
  ) {
    donors.onRegistryDonorChanged((donorId) => this.refreshDonor(donorId));
  }

  /** Builds the index now (at server start); an unreadable release leaves it unbuilt, reported on use. */
  async warm(): Promise<number> {
    if (!this.reference.status().loaded) return 0;
    return (await this.ensureIndex()).donorCount;
  }

  /** Waits for an index build in progress, if any (before the database closes); never throws. */
  async settled(): Promise<void> {
    await this.building?.catch(() => undefined);
  }

  /** Number of indexed donors, or null while the index is not built. */
  get indexedDonors(): number | null {
    return this.index?.donorCount ?? null;
  }

  /** Drops the index (after a bulk load that bypassed the services); the next use rebuilds it. */
  reset(): void {
    this.generation++;
    this.index = undefined;
    this.building = undefined;
    this.idByNo = new Map();
    this.pending.clear();
  }

  private ensureIndex(): Promise<RegistryIndex> {
    if (this.index) return Promise.resolve(this.index);
    if (!this.building) {
      const release = this.reference.get();
      const generation = this.generation;
      const building = this.build(release).then(
        async (index) => {
          if (generation !== this.generation) return this.ensureIndex();
          this.index = index.index;
          this.idByNo = index.ids;
          // Changes committed while the build was reading may have been missed: apply them now.
          const pending = [...this.pending];
          this.pending.clear();
          for (const donorId of pending) await this.refreshDonor(donorId);
          return index.index;
        },
        (error) => {
          if (this.building === building) this.building = undefined;
          throw error;
        },
      );
      this.building = building;
    }
    return this.building;
  }

  private async build(
    release: ReturnType<HlaReference['get']>,
  ): Promise<{ index: RegistryIndex; ids: Map<number, string> }> {
    const index = new RegistryIndex((name) => tceGroup(release, name));
    const ids = new Map<number, string>();
    const today = this.today();
    let after = -1;
    for (;;) {
      const rows = await asSystem(this.db, (tx) =>
        registryRows(tx).where('d.donor_no', '>', after).limit(20_000).execute(),
      );
      if (rows.length === 0) break;
      const last = rows[rows.length - 1];
      index.reserve((last?.donor_no ?? 0) + 1);
      for (const row of rows) apply(index, ids, row, today);
      after = last?.donor_no ?? after;
    }
    return { index, ids };
  }

  private applyOne(row: RegistryRow): void {
    if (this.index) apply(this.index, this.idByNo, row, this.today());
  }

  /** Applies one registry donor's current state to the index (called after the change is committed). */
  async refreshDonor(donorId: string): Promise<void> {
    if (!this.index) {
      // Not built yet: the build reads the committed state; one in progress applies the change when done.
      if (this.building) this.pending.add(donorId);
      return;
    }
    const row = await asSystem(this.db, (tx) =>
      registryRows(tx).where('d.id', '=', donorId).executeTakeFirst(),
    );
    if (row) this.applyOne(row);
  }

  private require(principal: Principal, action: 'hla.read' | 'donor.search', what: string): void {
    if (!can(principal, action)) throw new Forbidden(`you may not ${what}`);
  }

  /** The patient's typing (lgx pair per locus and GL String) from a record or a GL String given for the search. */
  private async patientTyping(
    tx: Tx,
    source: PatientTypingSource,
  ): Promise<{
    loci: ReducedTyping['loci'];
    glString: string;
    ambiguous: MatchLocus[];
    typing?: TypingView;
  }> {
    if ('glString' in source) {
      const { glString, reduced } = this.reference.analyse('patient.glString', source.glString);
      return { loci: reduced.loci, glString, ambiguous: reduced.ambiguous };
    }
    const patient = await tx
      .selectFrom('patient')
      .select('id')
      .where('id', '=', source.patientId)
      .executeTakeFirst();
    if (!patient) throw new NotFound('patient');
    const typing = await this.donors.currentPatientTyping(tx, source.patientId);
    if (!typing) throw new InvalidInput('patient.patientId', 'the patient has no HLA typing on record');
    return {
      loci: typing.reduced.loci,
      glString: typing.glString,
      ambiguous: typing.reduced.ambiguous,
      typing,
    };
  }

  /** Searches the registry index: donors with at most `maxMismatches` mismatches at the chosen loci, ranked. */
  async search(ctx: RequestContext, input: RegistrySearchInput): Promise<RegistrySearchResult> {
    this.require(ctx.principal, 'donor.search', 'search the donor registry');
    const release = this.reference.get();
    const loci = input.loci && input.loci.length > 0 ? [...new Set(input.loci)] : [...DEFAULT_SEARCH_LOCI];
    const index = await this.ensureIndex();
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.patientTyping(tx, input.patient);
      for (const locus of loci) {
        if (!patient.loci[locus]) {
          const why = patient.ambiguous.includes(locus) ? 'is ambiguous or serologic' : 'is not typed';
          throw new InvalidInput(
            'patient',
            `${locus} ${why}: the registry search needs one allele per chromosome at each searched locus`,
          );
        }
      }
      const query: SearchQuery = {
        patient: Object.fromEntries(
          Object.entries(patient.loci).filter(([l]) => (MATCH_LOCI as readonly string[]).includes(l)),
        ),
        maxMismatches: input.maxMismatches,
        loci,
        limit: input.limit ?? 50,
        ...(input.patientCmv ? { patientCmv: input.patientCmv } : {}),
        ...(input.filters ? { filters: input.filters } : {}),
      };
      let hits: SearchHit[];
      try {
        hits = index.search(query);
      } catch (error) {
        if (error instanceof RangeError) throw new InvalidInput('query', error.message);
        throw error;
      }
      const ids = hits.map((h) => this.idByNo.get(h.donorNo)).filter((id): id is string => id !== undefined);
      const donors = new Map(
        (await this.donors.readByIds(tx, ctx.principal, ids)).map((d) => [d.id, d] as const),
      );
      const rows: RegistryHit[] = hits.map((hit, i) => {
        const donorId = this.idByNo.get(hit.donorNo) ?? '';
        return {
          position: i + 1,
          donorId,
          registryDonorId: donors.get(donorId)?.registryDonorId ?? null,
          ...hit,
        };
      });
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'registry_search',
        entityId: null,
        newValues: {
          patientId: 'patientId' in input.patient ? input.patient.patientId : null,
          maxMismatches: input.maxMismatches,
          loci,
          filters: input.filters ?? {},
          hits: rows.map((r) => r.donorId),
        },
      });
      return {
        releaseVersion: release.version,
        indexedDonors: index.donorCount,
        patientTyping: patient.loci,
        loci,
        hits: rows,
      };
    });
  }

  /** The per-locus comparison of a patient and one donor (domain matchGlStrings): levels, direction, TCE, grade. */
  async explain(
    ctx: RequestContext,
    input: { patient: PatientTypingSource; donorId: string },
  ): Promise<MatchExplanation> {
    this.require(ctx.principal, 'donor.search', 'compare donors');
    const release = this.reference.get();
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.patientTyping(tx, input.patient);
      const donor = await this.donors.read(tx, ctx.principal, input.donorId);
      if (!donor.typing) throw new InvalidInput('donorId', 'the donor has no HLA typing on record');
      const result = matchGlStrings(release, patient.glString, donor.typing.glString);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'donor_match',
        entityId: donor.id,
        newValues: { patientId: 'patientId' in input.patient ? input.patient.patientId : null },
      });
      return {
        ...result,
        releaseVersion: release.version,
        donor,
        patientGlString: patient.glString,
        donorGlString: donor.typing.glString,
      };
    });
  }

  /**
   * Family work-up: the patient's haplotypes inferred from the typed relatives, each relative classified
   * (HLA-identical, haploidentical, mismatched, undetermined) and the relatives ranked (DSA with MFI, ABO, age,
   * sex, CMV …; domain evaluateFamily). Relatives without a usable typing are listed as excluded.
   */
  async familyWorkup(ctx: RequestContext, patientId: string, input: WorkupInput = {}): Promise<FamilyWorkup> {
    this.require(ctx.principal, 'donor.search', 'work up families');
    const release = this.reference.get();
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select(['id', 'sex'])
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      const typing = await this.donors.currentPatientTyping(tx, patientId);
      if (!typing) throw new InvalidInput('patientId', 'the patient has no HLA typing on record');
      const patientTyping = familyTyping(typing.reduced);
      if (Object.keys(patientTyping).length === 0) {
        throw new InvalidInput('patientId', "the patient's typing has no locus at allele level");
      }
      const related = (
        await this.donors.readByIds(
          tx,
          ctx.principal,
          (
            await tx
              .selectFrom('donor')
              .select('id')
              .where('patient_id', '=', patientId)
              .where('status', '=', 'active')
              .orderBy('created_at')
              .execute()
          ).map((r) => r.id),
        )
      ).sort((a, b) => a.donorNo - b.donorNo);
      const excluded: FamilyWorkup['excluded'] = [];
      const relatives: FamilyRelative[] = [];
      const strongest = new Map<string, number>();
      for (const donor of related) {
        for (const ab of donor.dsa)
          strongest.set(ab.specificity, Math.max(strongest.get(ab.specificity) ?? 0, ab.mfi));
        if (!donor.typing) {
          excluded.push({ donorId: donor.id, reason: 'no HLA typing on record' });
          continue;
        }
        const t = familyTyping(donor.typing.reduced);
        if (Object.keys(t).length === 0) {
          excluded.push({ donorId: donor.id, reason: 'typing not at allele level at any locus' });
          continue;
        }
        relatives.push({
          id: donor.id,
          relation: donor.relation ?? 'other',
          typing: t,
          age: donor.age,
          ...(donor.sex === 'M' || donor.sex === 'F' ? { sex: donor.sex } : {}),
          ...(donor.parity !== null ? { parity: donor.parity } : {}),
          ...(donor.abo !== 'unknown' ? { abo: donor.abo as 'O' | 'A' | 'B' | 'AB' } : {}),
          ...(donor.cmv !== 'unknown' ? { cmv: donor.cmv as 'pos' | 'neg' } : {}),
        });
      }
      const antibodies = [...strongest].map(([specificity, mfi]) => ({ specificity, mfi }));
      const sex = SEX_OF_PATIENT[patient.sex];
      const family: FamilyInput = {
        patient: {
          typing: patientTyping,
          antibodies,
          ...(sex ? { sex } : {}),
          ...(input.patientAbo ? { abo: input.patientAbo } : {}),
          ...(input.patientCmv ? { cmv: input.patientCmv } : {}),
        },
        relatives,
      };
      let evaluation: FamilyEvaluation;
      try {
        evaluation = evaluateFamily(family, {
          policy: input.policy ?? 'ebmt',
          antigensOf: (lgx) => this.reference.antigensOf(lgx),
        });
      } catch (error) {
        if (error instanceof RangeError) throw new InvalidInput('family', error.message);
        throw error;
      }
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'family_workup',
        entityId: patientId,
        newValues: {
          relatives: relatives.map((r) => r.id),
          ranking: evaluation.ranking.map((r) => r.id),
        },
      });
      return {
        ...evaluation,
        releaseVersion: release.version,
        patientTyping: typing,
        donors: related,
        excluded,
        antibodies,
      };
    });
  }
}

/** The loci of a reduced typing that the family inference uses (one allele per chromosome). */
function familyTyping(reduced: ReducedTyping): FamilyTyping {
  const out: FamilyTyping = {};
  for (const locus of FAMILY_LOCI) {
    const pair = reduced.loci[locus];
    if (pair) out[locus] = [pair[0], pair[1]];
  }
  return out;
}

/** Puts one registry donor row into an index (or takes it out when inactive or untyped). */
function apply(index: RegistryIndex, ids: Map<number, string>, row: RegistryRow, today: string): void {
  const reduced = (
    typeof row.reduced === 'string' ? JSON.parse(row.reduced) : row.reduced
  ) as ReducedTyping | null;
  if (row.status !== 'active' || !reduced) {
    index.remove(row.donor_no);
    ids.delete(row.donor_no);
    return;
  }
  index.upsert({
    donorNo: row.donor_no,
    typing: reduced.loci,
    age: Math.min(255, Math.max(0, ageOn(row.birth_date, today))),
    sex: row.sex as DonorRecord['sex'],
    cmv: row.cmv as DonorRecord['cmv'],
    abo: row.abo as DonorRecord['abo'],
    registry: row.registry ?? '',
  });
  ids.set(row.donor_no, row.id);
}

interface RegistryRow {
  id: string;
  donor_no: number;
  status: string;
  sex: string;
  birth_date: string;
  abo: string;
  cmv: string;
  registry: string | null;
  reduced: unknown;
}

function registryRows(tx: Tx) {
  return tx
    .selectFrom('donor as d')
    .leftJoin('hla_typing as t', (join) =>
      join.onRef('t.donor_id', '=', 'd.id').on('t.status', '=', 'current'),
    )
    .select([
      'd.id',
      'd.donor_no',
      'd.status',
      'd.sex',
      'd.birth_date',
      'd.abo',
      'd.cmv',
      'd.registry',
      't.reduced',
    ])
    .where('d.kind', '=', 'unrelated')
    .orderBy('d.donor_no');
}
