import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlMaterialView, LeveyJennings, Trend } from '../src/laboratory/contract';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('control charts on %s', (engine) => {
  let t: TestPlatform;
  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  beforeAll(async () => {
    t = await openTestPlatform(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('marks Westgard violations on the demo endotoxin control: 1-3s at run 9, 1-2s then 2-2s at runs 12–13 (Westgard 1981)', async () => {
    const [material] = (await call('qc.liang', 'GET', '/api/control-materials')).json<
      ControlMaterialView[]
    >();
    const chart = (
      await call('qc.liang', 'GET', `/api/control-materials/${material!.id}/levey-jennings`)
    ).json<LeveyJennings>();
    expect(chart.points).toHaveLength(20);
    expect(chart.limits).toEqual({ mean: 0.5, sd: 0.05 });
    // 0.66 is (0.66 − 0.50) / 0.05 = 3.2 SD above target.
    expect(chart.points[8]).toMatchObject({ value: 0.66, status: 'reject' });
    expect(chart.points[8]!.z).toBeCloseTo(3.2, 10);
    expect(chart.points[8]!.rules).toContain('1-3s');
    expect(chart.points[11]).toMatchObject({ status: 'warning', rules: ['1-2s'] });
    expect(chart.points[12]!.rules).toContain('2-2s');
    expect(chart.points[12]!.status).toBe('reject');
    expect(chart.points[0]!.status).toBe('accept');
    expect(chart.status).toBe('accept');
    expect(chart.observed?.n).toBe(20);
  });

  it('judges a new run at once, and keeps other laboratories and hospitals out', async () => {
    const created = await call('qc.liang', 'POST', '/api/control-materials', {
      analyte: 'Viability',
      material: 'Fixed-cell viability control, high',
      lot: 'VC-H-01',
      unit: '%',
      targetMean: 90,
      targetSd: 1.5,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const chart = (
      await call('analyst.wu', 'POST', `/api/control-materials/${id}/runs`, {
        value: 84.5,
        runAt: '2026-11-01T00:00:00Z',
      })
    ).json<LeveyJennings>();
    expect(chart.status).toBe('reject');
    expect(chart.violations.map((v) => v.rule)).toEqual(['1-2s', '1-3s']);
    expect((await call('dr.zhou', 'GET', `/api/control-materials/${id}/levey-jennings`)).statusCode).toBe(
      403,
    );
    expect((await call('inspector', 'GET', `/api/control-materials/${id}/levey-jennings`)).statusCode).toBe(
      200,
    );
  });

  it('trends viability across MSC batches against the specification limit (≥ 80 %)', async () => {
    const trend = (
      await call('qc.liang', 'GET', '/api/trends?productCode=MSC-UC&parameter=Viability')
    ).json<Trend>();
    expect(trend).toMatchObject({ unit: '%', lower: 80, upper: null });
    expect(trend.points.map((p) => [p.reference, p.value, p.outOfLimits])).toEqual([
      ['MSC-2026-001', 93.1, false],
    ]);
    const banks = (await call('analyst.wu', 'GET', '/api/cell-banks')).json<{ id: string; kind: string }[]>();
    const batch = await call('analyst.wu', 'POST', '/api/batches', {
      kind: 'allogeneic',
      reference: 'MSC-TREND-2',
      productCode: 'MSC-UC',
      workingBankId: banks.find((b) => b.kind === 'working')!.id,
    });
    await call('analyst.wu', 'POST', `/api/batches/${batch.json<{ id: string }>().id}/results`, {
      analyte: 'Viability',
      value: 76,
      unit: '%',
    });
    const again = (
      await call('qc.liang', 'GET', '/api/trends?productCode=MSC-UC&parameter=Viability')
    ).json<Trend>();
    expect(again.points.map((p) => [p.reference, p.outOfLimits])).toEqual([
      ['MSC-2026-001', false],
      ['MSC-TREND-2', true],
    ]);
  });
});
