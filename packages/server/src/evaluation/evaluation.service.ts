import { createHash } from 'node:crypto';
import { can, type Principal } from '@cgtlink/domain/access/index';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { EvaluationReportTable, Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';
import type { Signable, SignatureService } from '../signatures/signature.service';
import { type Cutoff, resolveCutoff } from './cohort';
import {
  type CohortPatient,
  checkScope,
  cohortPatients,
  type Evaluation,
  evaluateFiling,
  evaluateWithin,
  type Metric,
  type PatientRef,
  patientsBehind,
  survivalOf,
  tiSummary,
} from './evaluate';
import { AGE_BANDS, type ComparisonRequest, type EvaluationFilters, GENOTYPES } from './filters';
import {
  compareSurvival,
  num,
  type RateDifference,
  rateDifference,
  subgroupHazardRatio,
  survivalSummary,
  survivalVersusExternal,
  type TwoGroupSurvival,
} from './statistics';

export interface Comparison {
  labelA: string;
  labelB: string | null;
  cutoff: Cutoff;
  nA: number;
  nB: number | null;
  os: (TwoGroupSurvival & { medianA: number | null; medianB: number | null }) | null;
  efs: (TwoGroupSurvival & { medianA: number | null; medianB: number | null }) | null;
  ti: RateDifference | null;
  forest: {
    endpoint: 'efs';
    method: string;
    rows: {
      subgroup: string;
      level: string;
      nA: number;
      nB: number;
      events: number;
      hr: number | null;
      lower: number | null;
      upper: number | null;
    }[];
  } | null;
  external: {
    label: string;
    survival:
      | (ReturnType<typeof survivalVersusExternal> & { endpoint: string; years: number; rate: number })
      | null;
    proportion: RateDifference | null;
  } | null;
}

export interface ReportSummary {
  id: string;
  filingId: string;
  version: number;
  title: string;
  cutoff: string;
  status: string;
  snapshotSha256: string;
  createdAt: string;
  createdByName: string;
  signedAt: string | null;
}

export interface ReportSignature {
  meaning: string;
  printedName: string;
  role: string;
  signedAt: string;
  contentHash: string;
}

export type ReportSnapshot = {
  filing: {
    id: string;
    reference: string;
    technology: string;
    indication: string;
    productName: string;
    status: string;
  };
  cutoff: Cutoff;
  evaluation: Evaluation;
};

export interface Report extends ReportSummary {
  snapshot: ReportSnapshot;
  signatures: ReportSignature[];
  /** Whether the stored snapshot still hashes to the stored hash. */
  intact: boolean;
}

export function snapshotHash(snapshot: unknown): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function summary(row: Selectable<EvaluationReportTable>): ReportSummary {
  return {
    id: row.id,
    filingId: row.filing_id,
    version: row.version,
    title: row.title,
    cutoff: new Date(row.cutoff).toISOString(),
    status: row.status,
    snapshotSha256: row.snapshot_sha256,
    createdAt: new Date(row.created_at).toISOString(),
    createdByName: row.created_by_name,
    signedAt: row.signed_at ? new Date(row.signed_at).toISOString() : null,
  };
}

/** What an evaluator's or reviewer's signature binds to: the report's identity, cut-off and snapshot hash. */
async function reportContent(tx: Tx, id: string): Promise<Record<string, unknown> | undefined> {
  const row = await tx
    .selectFrom('evaluation_report')
    .select(['id', 'filing_id', 'version', 'title', 'cutoff', 'snapshot_sha256'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    filingId: row.filing_id,
    version: row.version,
    title: row.title,
    cutoff: new Date(row.cutoff).toISOString(),
    snapshotSha256: row.snapshot_sha256,
  };
}

export const evaluationReportSignable: Signable = {
  entityType: 'evaluation_report',
  load: reportContent,
  mayApply: (ctx, meaning) =>
    ctx.principal.role === 'evaluator' && (meaning === 'authored' || meaning === 'reviewed'),
};

/**
 * The evaluation centre's service: views, patients behind a figure, comparisons and signed reports. Every
 * query runs inside the principal's row-level scope; the heavy lifting (cohort, aggregates, TI) is SQL.
 */
export class EvaluationService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
    private readonly signatures: SignatureService,
  ) {}

  evaluate(ctx: RequestContext, filters: EvaluationFilters): Promise<Evaluation> {
    return evaluateFiling(this.db, ctx.principal, filters);
  }

  patients(
    ctx: RequestContext,
    filters: EvaluationFilters,
    metric: Metric,
    term?: string,
  ): Promise<PatientRef[]> {
    return patientsBehind(this.db, ctx.principal, filters, metric, term);
  }

  /** The filings the principal may evaluate (a sponsor its own; a hospital its own; the regulator all). */
  async filings(ctx: RequestContext): Promise<
    {
      id: string;
      reference: string;
      technology: string;
      indication: string;
      productName: string;
      status: string;
      patients: number;
    }[]
  > {
    if (!can(ctx.principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx
        .selectFrom('filing as f')
        .leftJoin('followup_enrolment as e', 'e.filing_id', 'f.id')
        .select(['f.id', 'f.reference', 'f.technology', 'f.indication', 'f.product_name', 'f.status'])
        .select((eb) => eb.fn.count<number>('e.id').as('patients'))
        .groupBy(['f.id', 'f.reference', 'f.technology', 'f.indication', 'f.product_name', 'f.status'])
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

  /** Two cohorts, or a cohort against an external control given as summary data; and a subgroup forest plot. */
  async compare(ctx: RequestContext, request: ComparisonRequest, now = new Date()): Promise<Comparison> {
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await checkScope(tx, ctx.principal, request.a);
      if (request.b) await checkScope(tx, ctx.principal, request.b);
      const cutoff = resolveCutoff(request.a, now);
      const a = await cohortPatients(tx, request.a, cutoff);
      const b = request.b ? await cohortPatients(tx, { ...request.b, cutoff: cutoff.at }, cutoff) : null;
      const two = (endpoint: 'os' | 'efs') => {
        if (!b) return null;
        const sa = survivalOf(a, endpoint);
        const sb = survivalOf(b, endpoint);
        return {
          ...compareSurvival(sa, sb),
          medianA: survivalSummary(sa).median,
          medianB: survivalSummary(sb).median,
        };
      };
      const tiA = tiSummary(a);
      let ti: RateDifference | null = null;
      if (b) {
        const tiB = tiSummary(b);
        ti = rateDifference(tiA.achieved, tiA.achieved + tiA.notMet, tiB.achieved, tiB.achieved + tiB.notMet);
      }
      const forest = b ? forestRows(a, b) : null;
      let external: Comparison['external'] = null;
      if (request.control) {
        const c = request.control;
        external = {
          label: c.label,
          survival: c.survival
            ? {
                endpoint: c.survival.endpoint,
                years: c.survival.years,
                rate: c.survival.rate,
                ...survivalVersusExternal(
                  survivalOf(a, c.survival.endpoint),
                  c.survival.years,
                  c.survival.rate,
                  c.survival.n,
                ),
              }
            : null,
          proportion: c.proportion
            ? rateDifference(tiA.achieved, tiA.achieved + tiA.notMet, c.proportion.x, c.proportion.n)
            : null,
        };
      }
      return {
        labelA: request.labelA ?? 'A',
        labelB: b ? (request.labelB ?? 'B') : null,
        cutoff,
        nA: a.length,
        nB: b ? b.length : null,
        os: two('os'),
        efs: two('efs'),
        ti,
        forest,
        external,
      };
    });
  }

  // ---- reports ----

  async createReport(
    ctx: RequestContext,
    input: { filingId: string; cutoff?: string; title?: string },
    now = new Date(),
  ): Promise<Report> {
    if (!can(ctx.principal, 'evaluation.report'))
      throw new Forbidden('you may not compute evaluation reports');
    const cutoffAt = input.cutoff ? new Date(input.cutoff) : now;
    if (cutoffAt.getTime() > now.getTime())
      throw new InvalidInput('cutoff', 'the data cut-off cannot be in the future');
    const filters: EvaluationFilters = { filingId: input.filingId, cutoff: cutoffAt.toISOString() };
    const id = await withPrincipal(this.db, ctx.principal, async (tx) => {
      await checkScope(tx, ctx.principal, filters);
      const snapshot = await computeSnapshot(tx, ctx.principal, filters);
      const hash = snapshotHash(snapshot);
      const last = await tx
        .selectFrom('evaluation_report')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('filing_id', '=', input.filingId)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      const title = input.title ?? `${snapshot.filing.reference} evaluation report v${version}`;
      const row = await tx
        .insertInto('evaluation_report')
        .values({
          filing_id: input.filingId,
          version,
          title,
          cutoff: filters.cutoff!,
          filters: JSON.stringify(filters),
          snapshot: JSON.stringify(snapshot),
          snapshot_sha256: hash,
          created_by: ctx.principal.userId,
          created_by_name: ctx.principal.displayName,
          organization_id: ctx.principal.organizationId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'evaluation_report',
        entityId: row.id,
        newValues: { filingId: input.filingId, version, cutoff: filters.cutoff, snapshotSha256: hash },
      });
      return row.id;
    });
    return this.report(ctx, id);
  }

  async reports(ctx: RequestContext, filingId?: string): Promise<ReportSummary[]> {
    if (!can(ctx.principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let q = tx.selectFrom('evaluation_report').selectAll().orderBy('created_at', 'desc');
      if (filingId) q = q.where('filing_id', '=', filingId);
      return (await q.execute()).map(summary);
    });
  }

  async report(ctx: RequestContext, id: string): Promise<Report> {
    if (!can(ctx.principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
    return withPrincipal(this.db, ctx.principal, (tx) => reportWithin(tx, id));
  }

  /**
   * The report for a file that leaves the platform (the PDF): read as `report` reads it, drafts included, and
   * audited as a print, like the certificate of analysis.
   */
  async printReport(ctx: RequestContext, id: string, document: string): Promise<Report> {
    if (!can(ctx.principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const report = await reportWithin(tx, id);
      await appendAudit(tx, ctx, {
        action: 'print',
        entityType: 'evaluation_report',
        entityId: id,
        newValues: { document, snapshotSha256: report.snapshotSha256 },
      });
      return report;
    });
  }

  /**
   * Signs a report: first the evaluator ("authored"), then a different evaluator as reviewer ("reviewed"),
   * after which the database refuses any change to the row.
   */
  async sign(
    ctx: RequestContext,
    id: string,
    input: { meaning: 'authored' | 'reviewed'; password: string; ip: string },
  ): Promise<Report> {
    if (!can(ctx.principal, 'evaluation.report')) throw new Forbidden('you may not sign evaluation reports');
    await this.auth.reauthenticate(ctx.principal, input.password, input.ip);
    await withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .selectFrom('evaluation_report')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new NotFound('evaluation report');
      if (input.meaning === 'authored' && row.status !== 'draft')
        throw new Conflict('the report already carries the evaluator signature');
      if (input.meaning === 'reviewed') {
        if (row.status === 'draft') throw new Conflict('the evaluator signs before the reviewer');
        if (row.status === 'signed') throw new Conflict('the report is already signed by its reviewer');
        if (row.evaluator_user_id === ctx.principal.userId)
          throw new Forbidden('the reviewer must be a different person from the evaluator');
      }
      const signature = await this.signatures.signWithin(tx, ctx, {
        entityType: 'evaluation_report',
        entityId: id,
        meaning: input.meaning,
      });
      await tx
        .updateTable('evaluation_report')
        .set(
          input.meaning === 'authored'
            ? {
                status: 'evaluator-signed',
                evaluator_signature_id: signature.id,
                evaluator_user_id: ctx.principal.userId,
              }
            : {
                status: 'signed',
                reviewer_signature_id: signature.id,
                reviewer_user_id: ctx.principal.userId,
                signed_at: new Date(),
              },
        )
        .where('id', '=', id)
        .execute();
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'evaluation_report',
        entityId: id,
        oldValues: { status: row.status },
        newValues: {
          status: input.meaning === 'authored' ? 'evaluator-signed' : 'signed',
          signatureId: signature.id,
        },
      });
    });
    return this.report(ctx, id);
  }

  /**
   * Recomputes a report from the records as they stood at its cut-off (records created after it excluded) and
   * compares the result with the stored snapshot.
   */
  async reproduce(
    ctx: RequestContext,
    id: string,
  ): Promise<{ matches: boolean; storedSha256: string; recomputedSha256: string; differences: string[] }> {
    if (!can(ctx.principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .selectFrom('evaluation_report')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new NotFound('evaluation report');
      const filters = jsonOf<EvaluationFilters>(row.filters);
      const snapshot = await computeSnapshot(tx, ctx.principal, filters);
      const recomputed = snapshotHash(snapshot);
      const stored = jsonOf<ReportSnapshot>(row.snapshot);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'evaluation_report',
        entityId: id,
        newValues: { reproduced: recomputed === row.snapshot_sha256, recomputedSha256: recomputed },
      });
      return {
        matches: recomputed === row.snapshot_sha256,
        storedSha256: row.snapshot_sha256,
        recomputedSha256: recomputed,
        differences: differencesOf(stored, snapshot).slice(0, 50),
      };
    });
  }
}

/** One report with its signatures, as the transaction's principal may read it. */
async function reportWithin(tx: Tx, id: string): Promise<Report> {
  const row = await tx.selectFrom('evaluation_report').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('evaluation report');
  const signatures = await tx
    .selectFrom('signature')
    .select(['meaning', 'printed_name', 'role', 'signed_at', 'content_hash'])
    .where('entity_type', '=', 'evaluation_report')
    .where('entity_id', '=', id)
    .orderBy('signed_at')
    .execute();
  const snapshot = jsonOf<ReportSnapshot>(row.snapshot);
  return {
    ...summary(row),
    snapshot,
    signatures: signatures.map((s) => ({
      meaning: s.meaning,
      printedName: s.printed_name,
      role: s.role,
      signedAt: new Date(s.signed_at).toISOString(),
      contentHash: s.content_hash,
    })),
    intact: snapshotHash(snapshot) === row.snapshot_sha256,
  };
}

async function computeSnapshot(
  tx: Tx,
  principal: Principal,
  filters: EvaluationFilters,
): Promise<ReportSnapshot> {
  const cutoff = resolveCutoff(filters);
  const filing = await tx
    .selectFrom('filing')
    .select(['id', 'reference', 'technology', 'indication', 'product_name', 'status'])
    .where('id', '=', filters.filingId!)
    .executeTakeFirst();
  if (!filing) throw new NotFound('filing');
  // The evaluation centre's view is pseudonymous; a report is the same for every reader.
  const evaluation = await evaluateWithin(tx, principal, filters, cutoff);
  return {
    filing: {
      id: filing.id,
      reference: filing.reference,
      technology: filing.technology,
      indication: filing.indication,
      productName: filing.product_name,
      status: filing.status,
    },
    cutoff,
    evaluation: JSON.parse(canonicalJson(evaluation)) as Evaluation,
  };
}

function differencesOf(a: unknown, b: unknown, path = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) === !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      differencesOf(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return [path || '(root)'];
}

function forestRows(a: CohortPatient[], b: CohortPatient[]): NonNullable<Comparison['forest']> {
  const subgroups: { subgroup: string; level: string; test: (p: CohortPatient) => boolean }[] = [
    { subgroup: 'all', level: 'all', test: () => true },
    { subgroup: 'sex', level: 'female', test: (p) => p.sex === 'female' },
    { subgroup: 'sex', level: 'male', test: (p) => p.sex === 'male' },
    ...AGE_BANDS.map((band) => ({
      subgroup: 'ageBand',
      level: band,
      test: (p: CohortPatient) => {
        const [lo, hi] = band === '0-11' ? [0, 11] : band === '12-17' ? [12, 17] : [18, 200];
        return p.age >= lo && p.age <= hi;
      },
    })),
    ...GENOTYPES.map((g) => ({
      subgroup: 'genotype',
      level: g,
      test: (p: CohortPatient) => p.diagnosis.includes(g),
    })),
  ];
  const rows = subgroups
    .map((s) => {
      const sa = a.filter(s.test);
      const sb = b.filter(s.test);
      const hr = subgroupHazardRatio(survivalOf(sa, 'efs'), survivalOf(sb, 'efs'));
      return { subgroup: s.subgroup, level: s.level, nA: sa.length, nB: sb.length, ...hr };
    })
    .filter((r) => r.nA + r.nB > 0);
  return {
    endpoint: 'efs',
    method:
      'Cox proportional hazards within each subgroup (Efron ties), HR of A relative to B for event-free survival, Wald 95% CI; not estimable without events in the subgroup',
    rows,
  };
}

export { num };
