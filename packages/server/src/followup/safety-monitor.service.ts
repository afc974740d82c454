import { can } from '@cgtlink/domain/access/index';
import {
  type MonitorResult,
  type ProductEventSignal,
  productEventSignals,
  seriousEventMonitor,
} from '@cgtlink/domain/followup/registry-monitor';
import { type Kysely, sql } from 'kysely';
import { appendAudit, type SystemActor } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { asSystem, type Tx, withOwnerPrivileges, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, NotFound } from '../errors';
import { checked, todayIso } from './followup.service';

export interface ProductMonitor extends MonitorResult {
  product: string;
  patients: number;
  /** The expected serious-event rate per patient-year the product is monitored against, or null when none is known. */
  expectedPerPatientYear: number | null;
  /** Where the rate comes from: the product's filing, the fallback given with the run, or nowhere (not monitored). */
  expectedSource: 'filing' | 'fallback' | 'none';
}

/** A signal with infinite or undefined measures (a zero cell of the 2×2 table) shown as null. */
type Measure = 'expected' | 'prr' | 'prrChisq' | 'ror' | 'rorLower' | 'rorUpper' | 'ic' | 'ic025';
export type SignalOut = Omit<ProductEventSignal, Measure> & { [K in Measure]: number | null };

function finite(s: ProductEventSignal): SignalOut {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  return out as SignalOut;
}

export interface MonitoringReport {
  /** The stored run this report is (its id), when and why it was computed and how long it took. */
  runId: string;
  computedAt: string;
  trigger: MonitoringTrigger;
  durationMs: number;
  /** Records changed since it was computed: a new run is on its way. */
  stale: boolean;
  asOf: string;
  /** The fallback rate for products whose filing declares none (null when none was given). */
  expectedPerPatientYear: number | null;
  signals: SignalOut[];
  products: ProductMonitor[];
  raised: number;
}

/** Why a run happened: records changed, the date moved on (the current month's exposure grows), or the regulator asked. */
export type MonitoringTrigger = 'change' | 'schedule' | 'request';

// One run at a time across every process sharing the database.
const MONITOR_LOCK = 7_240_027;
const SYSTEM: SystemActor = { system: 'safety monitoring' };

const monthOf = (iso: string) => iso.slice(0, 7);
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The regulator's registry-level monitoring over de-identified records: disproportionality of product–event
 * pairs among all adverse events, and CUSUM / MaxSPRT of each product's monthly serious-event count against its
 * exposure (patient-months since infusion) × the expected rate. A crossed threshold raises a registry alert,
 * once per signal (alerts are keyed by their cause).
 *
 * The monitoring runs in the background (`refresh`, `MonitoringRefresher`) after a write to its sources
 * (migration 0027's change log) or when the date has moved on, and stores its report; the safety page reads the
 * latest stored report (`latest`), which writes no alert. The regulator can force a run (`run`), for instance
 * with another fallback rate, which later background runs keep.
 */
export class SafetyMonitorService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly today: () => string = todayIso,
    /** The MaxSPRT critical value (the benchmark passes the straightforward evaluation for its before figure). */
    private readonly criticalValue?: (alpha: number, length: number) => number,
  ) {}

  /**
   * Declares the serious-event rate a filing's reference data expect (per patient-year), which the monitoring
   * compares the product against: the filing hospital or the regulator; optimistic locking on the filing.
   */
  async setExpectedRate(
    ctx: RequestContext,
    filingId: string,
    input: { expectedSeriousPerPatientYear: number | null; version: number },
  ) {
    if (!can(ctx.principal, 'filing.submit') && !can(ctx.principal, 'filing.review')) {
      throw new Forbidden('only the filing hospital or the regulator sets the expected serious-event rate');
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('filing')
        .select(['id', 'product_name', 'expected_serious_per_patient_year', 'version'])
        .where('id', '=', filingId)
        .executeTakeFirst();
      if (!before) throw new NotFound('filing');
      const row = await tx
        .updateTable('filing')
        .set({
          expected_serious_per_patient_year: input.expectedSeriousPerPatientYear,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', filingId)
        .where('version', '=', input.version)
        .returning(['id', 'product_name', 'expected_serious_per_patient_year', 'version'])
        .executeTakeFirst();
      if (!row) {
        throw new Conflict('the filing was changed by someone else; reload it', { version: before.version });
      }
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'filing',
        entityId: filingId,
        oldValues: { expectedSeriousPerPatientYear: before.expected_serious_per_patient_year },
        newValues: { expectedSeriousPerPatientYear: row.expected_serious_per_patient_year },
      });
      return {
        id: row.id,
        productName: row.product_name,
        expectedSeriousPerPatientYear: row.expected_serious_per_patient_year,
        version: row.version,
      };
    });
  }

  /** The latest stored report, for the regulator; 404 until the first run. Reads only: no alert is raised. */
  async latest(ctx: RequestContext): Promise<MonitoringReport> {
    if (!can(ctx.principal, 'safety.monitor'))
      throw new Forbidden('only the regulator monitors the registry');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .selectFrom('safety_monitoring_run')
        .select([
          sql<string>`id::text`.as('id'),
          sql<string>`computed_at::text`.as('computed_at'),
          'trigger',
          'duration_ms',
          'report',
        ])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!row) throw new NotFound('safety monitoring result');
      const stale = await withOwnerPrivileges(tx, () => pendingChanges(tx));
      await appendAudit(tx, ctx, { action: 'read', entityType: 'safety_monitoring', entityId: row.id });
      return {
        ...(row.report as Omit<
          MonitoringReport,
          'runId' | 'computedAt' | 'trigger' | 'durationMs' | 'stale'
        >),
        runId: row.id,
        computedAt: new Date(row.computed_at).toISOString(),
        trigger: row.trigger,
        durationMs: row.duration_ms,
        stale,
      };
    });
  }

  /**
   * Runs the monitoring now for the regulator and stores the result: with `expectedPerPatientYear` as the
   * fallback rate (kept for later background runs), or without one (the products without a declared rate are
   * then not monitored).
   */
  async run(
    ctx: RequestContext,
    input: { expectedPerPatientYear?: number | null | undefined },
  ): Promise<MonitoringReport> {
    if (!can(ctx.principal, 'safety.monitor'))
      throw new Forbidden('only the regulator monitors the registry');
    const fallback = input.expectedPerPatientYear ?? null;
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await withOwnerPrivileges(tx, async () => {
        await sql`SELECT pg_advisory_xact_lock(${MONITOR_LOCK})`.execute(tx);
      });
      return this.#runIn(tx, ctx, 'request', fallback);
    });
  }

  /**
   * One background pass: runs and stores the monitoring when a source changed since the last run, or the last
   * run is of an earlier day; otherwise does nothing. Returns the stored report, or null when nothing was due.
   * Runs as the system (the alerts it raises are audited as "safety monitoring").
   */
  async refresh(): Promise<MonitoringReport | null> {
    return asSystem(this.db, async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MONITOR_LOCK})`.execute(tx);
      const last = await tx
        .selectFrom('safety_monitoring_run')
        .select([sql<string>`as_of::text`.as('as_of'), 'expected_per_patient_year'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const changed = await pendingChanges(tx);
      const trigger: MonitoringTrigger | null = changed
        ? 'change'
        : last && last.as_of < this.today()
          ? 'schedule'
          : null;
      if (!trigger) return null;
      return this.#runIn(tx, SYSTEM, trigger, last?.expected_per_patient_year ?? null);
    });
  }

  /**
   * Claims the pending changes (deletes those this transaction sees: a change committed later stays for the
   * next run), computes the monitoring from the records, raises its alerts and stores the report.
   */
  async #runIn(
    tx: Tx,
    actor: RequestContext | SystemActor,
    trigger: MonitoringTrigger,
    fallback: number | null,
  ): Promise<MonitoringReport> {
    const started = performance.now();
    await withOwnerPrivileges(tx, async () => {
      await tx.deleteFrom('safety_monitoring_change').execute();
    });
    const report = await this.#compute(tx, actor, fallback);
    const durationMs = performance.now() - started;
    const row = await withOwnerPrivileges(tx, () =>
      tx
        .insertInto('safety_monitoring_run')
        .values({
          as_of: report.asOf,
          trigger,
          expected_per_patient_year: fallback,
          raised: report.raised,
          duration_ms: durationMs,
          report: JSON.stringify(report),
        })
        .returning([sql<string>`id::text`.as('id'), sql<string>`computed_at::text`.as('computed_at')])
        .executeTakeFirstOrThrow(),
    );
    await appendAudit(tx, actor, {
      action: 'create',
      entityType: 'safety_monitoring',
      entityId: row.id,
      newValues: {
        asOf: report.asOf,
        trigger,
        expectedPerPatientYear: fallback,
        products: report.products.length,
        raised: report.raised,
      },
    });
    return {
      ...report,
      runId: row.id,
      computedAt: new Date(row.computed_at).toISOString(),
      trigger,
      durationMs,
      stale: false,
    };
  }

  async #compute(
    tx: Tx,
    actor: RequestContext | SystemActor,
    fallback: number | null,
  ): Promise<Omit<MonitoringReport, 'runId' | 'computedAt' | 'trigger' | 'durationMs' | 'stale'>> {
    const asOf = this.today();
    const events = await tx
      .selectFrom('adverse_event')
      .select(['product_name', 'term', 'serious', 'onset_date'])
      .where('product_name', 'is not', null)
      .execute();
    const signals = checked(() =>
      productEventSignals(events.map((e) => ({ product: e.product_name as string, term: e.term }))),
    );
    const enrolments = await tx
      .selectFrom('followup_enrolment')
      .select(['product_name', 'filing_id', 'infusion_date', 'status', 'updated_at'])
      .execute();
    const filings = await tx
      .selectFrom('filing')
      .select(['id', 'product_name', 'expected_serious_per_patient_year', 'updated_at'])
      .where('expected_serious_per_patient_year', 'is not', null)
      .orderBy('updated_at', 'desc')
      .execute();
    // The rate of the filing the patients were enrolled under, else of the latest filing of that product.
    const rateOf = (product: string, filingIds: (string | null)[]): number | null => {
      const linked = filings.find((f) => filingIds.includes(f.id));
      const named = filings.find((f) => f.product_name === product);
      return (linked ?? named)?.expected_serious_per_patient_year ?? null;
    };
    const products = [...new Set(enrolments.map((e) => e.product_name))].sort();
    const current = monthOf(asOf);
    const monitors: ProductMonitor[] = products.map((product) => {
      const mine = enrolments.filter((e) => e.product_name === product);
      const exposure = new Map<string, number>();
      for (const e of mine) {
        // Patients stop contributing exposure when they leave follow-up.
        const end = e.status === 'active' ? current : monthOf(new Date(e.updated_at).toISOString());
        for (let m = monthOf(e.infusion_date); m <= end; m = nextMonth(m)) {
          exposure.set(m, (exposure.get(m) ?? 0) + 1);
        }
      }
      const serious = new Map<string, number>();
      for (const e of events) {
        if (e.product_name !== product || !e.serious) continue;
        const m = monthOf(e.onset_date);
        serious.set(m, (serious.get(m) ?? 0) + 1);
      }
      const months = [...exposure.keys()].sort().map((month) => ({
        month,
        patientMonths: exposure.get(month) ?? 0,
        seriousEvents: serious.get(month) ?? 0,
      }));
      const declared = rateOf(
        product,
        mine.map((e) => e.filing_id),
      );
      const rate = declared ?? fallback;
      const expectedSource = declared !== null ? 'filing' : fallback !== null ? 'fallback' : 'none';
      const result: MonitorResult =
        rate === null
          ? {
              months: months.map((m) => ({
                month: m.month,
                observed: m.seriousEvents,
                expected: 0,
                cusum: 0,
                llr: 0,
              })),
              cusumReference: null,
              cusumLimit: 4,
              criticalValue: null,
              cusumAlarm: null,
              maxSprtSignal: null,
            }
          : checked(() => seriousEventMonitor({ months, expectedPerPatientYear: rate }, this.criticalValue));
      return {
        product,
        patients: mine.length,
        expectedPerPatientYear: rate,
        expectedSource,
        ...result,
      };
    });
    let raised = 0;
    for (const m of monitors) {
      if (m.cusumAlarm) {
        raised += await this.#raise(
          tx,
          actor,
          `registry:${m.product}:cusum:${m.cusumAlarm}`,
          'cusum',
          m.product,
          `CUSUM of serious events for ${m.product} reached h = ${m.cusumLimit} in ${m.cusumAlarm}`,
        );
      }
      if (m.maxSprtSignal) {
        raised += await this.#raise(
          tx,
          actor,
          `registry:${m.product}:maxsprt`,
          'maxsprt',
          m.product,
          `MaxSPRT signal for ${m.product} serious events in ${m.maxSprtSignal} (critical value ${m.criticalValue?.toFixed(2)})`,
        );
      }
    }
    for (const s of signals.filter((x) => x.evans)) {
      raised += await this.#raise(
        tx,
        actor,
        `registry:${s.product}:prr:${s.term}`,
        'disproportionality',
        s.product,
        `${s.product} – ${s.term}: PRR ${s.prr.toFixed(2)}, χ² ${s.prrChisq.toFixed(1)}, ${s.a} reports (Evans criteria)`,
      );
    }
    for (const s of signals.filter((x) => x.ebSignal)) {
      raised += await this.#raise(
        tx,
        actor,
        `registry:${s.product}:eb05:${s.term}`,
        'disproportionality',
        s.product,
        `${s.product} – ${s.term}: EBGM ${s.ebgm.toFixed(2)}, EB05 ${s.eb05.toFixed(2)} ≥ 2 (MGPS)`,
      );
    }
    return {
      asOf,
      expectedPerPatientYear: fallback,
      signals: signals.map(finite),
      products: monitors,
      raised,
    };
  }

  async #raise(
    tx: Tx,
    actor: RequestContext | SystemActor,
    key: string,
    rule: string,
    product: string,
    message: string,
  ) {
    const row = await tx
      .insertInto('alert')
      .values({ scope: 'registry', rule, dedup_key: key, message, detail: JSON.stringify({ product }) })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return 0;
    await appendAudit(tx, actor, {
      action: 'create',
      entityType: 'alert',
      entityId: row.id,
      newValues: { rule, product, message },
    });
    return 1;
  }
}

/** Whether a source of the monitoring changed since the last run (rows in migration 0027's change log). */
async function pendingChanges(tx: Tx): Promise<boolean> {
  const row = await tx.selectFrom('safety_monitoring_change').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Keeps the stored monitoring fresh in the background: a pass every `intervalMs` (cheap when nothing changed:
 * one indexed look-up), which runs the monitoring after a write to its sources or once a day.
 */
export class MonitoringRefresher {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly service: SafetyMonitorService,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(intervalMs = 2000): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.service
        .refresh()
        .then(() => undefined, this.onError)
        .finally(() => {
          this.#running = null;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    while (this.#running) await this.#running;
  }
}
