import { cellDosePerKg } from '@cgtlink/domain/quality/dose';
import {
  isPlausibleLaboratoryValue,
  requirePlausibleLaboratoryValue,
} from '@cgtlink/domain/quality/plausibility';
import type { SpecificationTest } from '@cgtlink/domain/quality/specification';
import { evaluateWestgard, leveyJenningsStats } from '@cgtlink/domain/quality/westgard';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { ControlMaterialTable, Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { domainRule, iso, pgCode, requireAction } from './common';
import type { ControlMaterialCreateInput, ControlMaterialView, LeveyJennings, Trend } from './contract';

function materialView(r: Selectable<ControlMaterialTable>): ControlMaterialView {
  return {
    id: r.id,
    analyte: r.analyte,
    material: r.material,
    lot: r.lot,
    unit: r.unit,
    targetMean: r.target_mean,
    targetSd: r.target_sd,
  };
}

/** The dose-per-kg trend reads the total cells recorded at a step and the patient's weight on the batch. */
export const DOSE_PER_KG = 'dosePerKg';

/**
 * Control charts (issue 7): Levey–Jennings charts of assay controls judged with the Westgard rules against
 * the control material's established target (domain quality/westgard), and trends of a release parameter
 * across a product's batches with the limits of the specification in force.
 */
export class ChartService {
  constructor(private readonly db: Kysely<Schema>) {}

  async materials(ctx: RequestContext): Promise<ControlMaterialView[]> {
    requireAction(ctx, 'cellbank.read', 'you may not read control charts');
    return withPrincipal(this.db, ctx.principal, async (tx) =>
      (await tx.selectFrom('control_material').selectAll().orderBy('analyte').orderBy('lot').execute()).map(
        materialView,
      ),
    );
  }

  async createMaterial(ctx: RequestContext, input: ControlMaterialCreateInput): Promise<ControlMaterialView> {
    requireAction(ctx, 'qc.enter', 'only QC staff register control materials');
    domainRule(() =>
      requirePlausibleLaboratoryValue(input.analyte, input.unit, input.targetMean, 'targetMean'),
    );
    // An SD at least a millionth of the target keeps every z-score finite for any plausible value.
    const minSd = 1e-6 * Math.max(Math.abs(input.targetMean), 1e-6);
    if (input.targetSd < minSd) throw new InvalidInput('targetSd', `must be at least ${minSd}`);
    domainRule(() => requirePlausibleLaboratoryValue(input.analyte, input.unit, input.targetSd, 'targetSd'));
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .insertInto('control_material')
        .values({
          laboratory_id: ctx.principal.organizationId,
          analyte: input.analyte,
          material: input.material,
          lot: input.lot,
          unit: input.unit,
          target_mean: input.targetMean,
          target_sd: input.targetSd,
        })
        .returningAll()
        .executeTakeFirst()
        .catch((e: unknown) => {
          if (pgCode(e) === '23505')
            throw new Conflict(`control lot ${input.lot} of ${input.analyte} exists`);
          throw e;
        });
      if (!row) throw new Conflict('the control material was not created');
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'control_material',
        entityId: row.id,
        newValues: input,
      });
      return materialView(row);
    });
  }

  async addRun(
    ctx: RequestContext,
    materialId: string,
    value: number,
    runAt: string,
  ): Promise<LeveyJennings> {
    requireAction(ctx, 'qc.enter', 'only QC staff enter control runs');
    // The run and the chart it answers with are one transaction: if judging the chart fails, the run is not
    // stored (a 500 never commits).
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const material = await tx
        .selectFrom('control_material')
        .select(['id', 'laboratory_id', 'analyte', 'unit'])
        .where('id', '=', materialId)
        .executeTakeFirst();
      if (!material) throw new NotFound('control material');
      domainRule(() => requirePlausibleLaboratoryValue(material.analyte, material.unit, value, 'value'));
      const row = await tx
        .insertInto('control_run')
        .values({
          material_id: materialId,
          laboratory_id: material.laboratory_id,
          value,
          run_at: runAt,
          entered_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'control_run',
        entityId: row.id,
        newValues: { materialId, value, runAt },
      });
      return chartOf(tx, materialId);
    });
  }

  /** The Levey–Jennings chart of a control material, every run judged by the Westgard multirule procedure. */
  async leveyJennings(ctx: RequestContext, materialId: string): Promise<LeveyJennings> {
    requireAction(ctx, 'cellbank.read', 'you may not read control charts');
    return withPrincipal(this.db, ctx.principal, (tx) => chartOf(tx, materialId));
  }

  /**
   * A release parameter across a product's batches (the current result of an analyte, or the dose per kg from
   * the recorded total cells and the patient's weight), with the limits of the specification in force.
   */
  async trend(ctx: RequestContext, productCode: string, parameter: string): Promise<Trend> {
    requireAction(ctx, 'batch.read', 'you may not read batch trends');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const spec = await tx
        .selectFrom('specification')
        .select('tests')
        .where('product_code', '=', productCode)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      const test = ((spec?.tests ?? []) as SpecificationTest[]).find(
        (t) => t.analyte.toLowerCase() === parameter.toLowerCase() && t.kind === 'quantitative',
      );
      let lower: number | null = null;
      let upper: number | null = null;
      let unit: string | null = parameter === DOSE_PER_KG ? '×10⁶/kg' : null;
      if (test?.kind === 'quantitative') {
        unit = test.unit;
        if (test.comparator === 'between') [lower, upper] = [test.lower ?? null, test.upper ?? null];
        else if (test.comparator.startsWith('>')) lower = test.limit ?? null;
        else upper = test.limit ?? null;
      }
      const batches = await tx
        .selectFrom('batch')
        .select(['id', 'reference', 'started_at', 'patient_weight_kg'])
        .where('product_code', '=', productCode)
        .orderBy('started_at')
        .execute();
      const points: Trend['points'] = [];
      for (const b of batches) {
        let value: number | null = null;
        if (parameter === DOSE_PER_KG) {
          const steps = await tx
            .selectFrom('batch_step')
            .select('parameters')
            .where('batch_id', '=', b.id)
            .orderBy('started_at', 'desc')
            .execute();
          const total = steps
            .map((s) => (s.parameters as Record<string, unknown>).totalCells)
            .find((x) => typeof x === 'number');
          if (typeof total === 'number' && b.patient_weight_kg)
            value = cellDosePerKg(total, b.patient_weight_kg).millionsPerKg;
        } else {
          const result = await tx
            .selectFrom('qc_result')
            .select('value_number')
            .where('batch_id', '=', b.id)
            .where('is_current', '=', true)
            .where((eb) => eb(eb.fn('lower', ['analyte']), '=', parameter.toLowerCase()))
            .executeTakeFirst();
          value = result?.value_number ?? null;
        }
        // A stored value that is not a finite number (written before entry was checked) cannot be charted.
        if (value === null || !Number.isFinite(value)) continue;
        points.push({
          batchId: b.id,
          reference: b.reference,
          startedAt: iso(b.started_at)!,
          value,
          outOfLimits: (lower !== null && value < lower) || (upper !== null && value > upper),
        });
      }
      return { productCode, parameter, unit, lower, upper, points };
    });
  }
}

/**
 * The Levey–Jennings chart of a control material, every run judged by the Westgard multirule procedure. A
 * stored run whose value is impossible for the unit, or whose z-score against the target would not be a finite
 * number, is left off (counted in `excluded`) so one bad row cannot break the chart for everyone.
 */
async function chartOf(tx: Tx, materialId: string): Promise<LeveyJennings> {
  const material = await tx
    .selectFrom('control_material')
    .selectAll()
    .where('id', '=', materialId)
    .executeTakeFirst();
  if (!material) throw new NotFound('control material');
  const stored = await tx
    .selectFrom('control_run')
    .select(['value', 'run_at'])
    .where('material_id', '=', materialId)
    .orderBy('run_at')
    .orderBy('entered_at')
    .execute();
  const target = { mean: material.target_mean, sd: material.target_sd };
  const usableTarget =
    Number.isFinite(target.mean) && Number.isFinite(target.sd) && target.sd > 0 ? target : null;
  const runs = stored.filter(
    (r) =>
      usableTarget &&
      isPlausibleLaboratoryValue(material.unit, r.value) &&
      Number.isFinite((r.value - usableTarget.mean) / usableTarget.sd),
  );
  const values = runs.map((r) => r.value);
  const judged = usableTarget && values.length ? evaluateWestgard(values, usableTarget) : null;
  const observed = values.length >= 2 ? leveyJenningsStats(values) : null;
  return {
    material: materialView(material),
    limits: target,
    points: runs.map((r, i) => {
      const point = judged!.points[i]!;
      return {
        runAt: iso(r.run_at)!,
        value: r.value,
        z: point.z,
        status: point.status,
        rules: [...point.rules],
      };
    }),
    violations: (judged?.violations ?? []).map((v) => ({
      rule: v.rule,
      index: v.index,
      severity: v.severity,
      message: v.message,
    })),
    observed: observed && {
      n: observed.n,
      mean: observed.mean,
      sd: observed.sd,
      cvPercent: observed.cvPercent,
    },
    status: judged?.status ?? null,
    excluded: stored.length - runs.length,
  };
}
