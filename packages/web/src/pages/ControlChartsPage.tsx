import { can } from '@cgtlink/domain/access/index';
import { Card, Empty, List, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { LeveyJennings, Trend } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { usePrincipal } from '../session/SessionContext';
import { ControlRunEntry } from './ControlRunEntry';

const WIDTH = 820;
const HEIGHT = 280;
const PAD = { left: 70, right: 20, top: 16, bottom: 28 };
const STATUS_FILL = { accept: '#1677ff', warning: '#faad14', reject: '#ff4d4f' } as const;

function xAt(i: number, n: number): number {
  return PAD.left + (n <= 1 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (n - 1));
}

/**
 * Levey–Jennings chart (Levey & Jennings 1950): each run's z-score against the control's target, with the
 * mean and ±1/2/3 SD lines; runs that break a Westgard rule are drawn in orange (warning) or red (reject).
 */
function LeveyJenningsChart({ chart }: { chart: LeveyJennings }) {
  const zMax = 4;
  const yAt = (z: number) =>
    PAD.top + ((zMax - Math.max(-zMax, Math.min(zMax, z))) * (HEIGHT - PAD.top - PAD.bottom)) / (2 * zMax);
  const n = chart.points.length;
  const { mean, sd } = chart.limits;
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label="Levey–Jennings" data-testid="lj-chart">
      {[-3, -2, -1, 0, 1, 2, 3].map((k) => (
        <g key={k}>
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={yAt(k)}
            y2={yAt(k)}
            stroke={
              k === 0 ? '#555' : Math.abs(k) === 3 ? '#ff4d4f' : Math.abs(k) === 2 ? '#faad14' : '#d9d9d9'
            }
            strokeDasharray={k === 0 ? undefined : '4 3'}
          />
          <text x={4} y={yAt(k) + 4} fontSize={11} fill="#555">
            {k === 0 ? 'x̄' : `${k > 0 ? '+' : '−'}${Math.abs(k)}SD`} {(mean + k * sd).toPrecision(3)}
          </text>
        </g>
      ))}
      <polyline
        fill="none"
        stroke="#8c8c8c"
        points={chart.points.map((p, i) => `${xAt(i, n)},${yAt(p.z)}`).join(' ')}
      />
      {chart.points.map((p, i) => (
        <circle
          key={p.runAt + String(i)}
          cx={xAt(i, n)}
          cy={yAt(p.z)}
          r={p.status === 'accept' ? 3.5 : 5.5}
          fill={STATUS_FILL[p.status]}
          data-testid={`lj-point-${i + 1}`}
          data-status={p.status}
        >
          <title>
            {`#${i + 1} ${p.value} (z = ${p.z.toFixed(2)})${p.rules.length ? ` · ${p.rules.join(', ')}` : ''}`}
          </title>
        </circle>
      ))}
    </svg>
  );
}

/** A release parameter across batches, with the specification's limits as red lines. */
function TrendChart({ trend }: { trend: Trend }) {
  const values = [...trend.points.map((p) => p.value), trend.lower, trend.upper].filter(
    (v): v is number => v !== null,
  );
  if (trend.points.length === 0) return <Empty />;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const [min, max] = [lo - span * 0.1, hi + span * 0.1];
  const yAt = (v: number) => PAD.top + ((max - v) * (HEIGHT - PAD.top - PAD.bottom)) / (max - min);
  const n = trend.points.length;
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label="trend" data-testid="trend-chart">
      {[trend.lower, trend.upper].map((limit) =>
        limit === null ? null : (
          <g key={limit}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={yAt(limit)}
              y2={yAt(limit)}
              stroke="#ff4d4f"
              strokeDasharray="5 3"
            />
            <text x={4} y={yAt(limit) + 4} fontSize={11} fill="#ff4d4f">
              {limit} {trend.unit ?? ''}
            </text>
          </g>
        ),
      )}
      <polyline
        fill="none"
        stroke="#8c8c8c"
        points={trend.points.map((p, i) => `${xAt(i, n)},${yAt(p.value)}`).join(' ')}
      />
      {trend.points.map((p, i) => (
        <g key={p.batchId}>
          <circle
            cx={xAt(i, n)}
            cy={yAt(p.value)}
            r={5}
            fill={p.outOfLimits ? '#ff4d4f' : '#52c41a'}
            data-testid={`trend-point-${p.reference}`}
          >
            <title>{`${p.reference}: ${p.value.toPrecision(4)} ${trend.unit ?? ''}`}</title>
          </circle>
          <text x={xAt(i, n)} y={HEIGHT - 8} fontSize={10} textAnchor="middle" fill="#555">
            {p.reference}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Control charts: Levey–Jennings charts of assay controls and trends of release parameters across batches. */
export function ControlChartsPage() {
  const { t } = useTranslation();
  const materials = useLoad(() => endpoints.controlMaterials(), []);
  const specs = useLoad(() => endpoints.specifications(), []);
  const [materialId, setMaterialId] = useState<string>();
  const chosen = materialId ?? materials.data?.[0]?.id;
  const loadedChart = useLoad(
    () => (chosen ? endpoints.leveyJennings(chosen) : Promise.resolve(undefined)),
    [chosen],
  );
  const principal = usePrincipal();
  // A run just entered answers with the chart judged again; it shows until another material is chosen.
  const [entered, setEntered] = useState<LeveyJennings>();
  const chart = {
    ...loadedChart,
    data: entered && entered.material.id === chosen ? entered : loadedChart.data,
  };
  const inForce = (specs.data ?? []).filter((s) => s.status === 'approved');
  const [productCode, setProductCode] = useState<string>();
  const product = productCode ?? inForce[0]?.productCode;
  const [parameter, setParameter] = useState<string>('Viability');
  const trend = useLoad(
    () => (product ? endpoints.trend(product, parameter) : Promise.resolve(undefined)),
    [product, parameter],
  );
  const parameters = [
    ...(inForce.find((s) => s.productCode === product)?.tests ?? [])
      .filter((x) => x.kind === 'quantitative')
      .map((x) => x.analyte),
    'dosePerKg',
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('charts.leveyJennings')}
        extra={
          <Select
            style={{ width: 360 }}
            value={chosen}
            onChange={setMaterialId}
            data-testid="lj-material"
            options={(materials.data ?? []).map((m) => ({
              value: m.id,
              label: `${m.analyte} · ${m.material} · ${m.lot}`,
            }))}
          />
        }
      >
        <ErrorAlert error={materials.error ?? chart.error} />
        {chart.data ? (
          <>
            <p>
              {t('charts.target', {
                mean: chart.data.limits.mean,
                sd: chart.data.limits.sd,
                unit: chart.data.material.unit,
              })}
              {chart.data.observed &&
                ` · ${t('charts.observed', {
                  mean: chart.data.observed.mean.toPrecision(3),
                  sd: chart.data.observed.sd.toPrecision(2),
                  cv: chart.data.observed.cvPercent?.toFixed(1) ?? '—',
                })}`}
            </p>
            <LeveyJenningsChart chart={chart.data} />
            {can(principal, 'qc.enter') && <ControlRunEntry chart={chart.data} onChart={setEntered} />}
            <List
              size="small"
              header={t('charts.violations')}
              data-testid="lj-violations"
              dataSource={chart.data.violations}
              locale={{ emptyText: t('charts.noViolations') }}
              renderItem={(v) => (
                <List.Item>
                  <Tag color={v.severity === 'reject' ? 'red' : 'orange'}>{v.rule}</Tag> #{v.index + 1} —{' '}
                  {v.message}
                </List.Item>
              )}
            />
          </>
        ) : (
          !materials.loading && <Empty />
        )}
      </Card>
      <Card
        title={t('charts.trend')}
        extra={
          <Space>
            <Select
              style={{ width: 160 }}
              value={product}
              onChange={setProductCode}
              data-testid="trend-product"
              options={inForce.map((s) => ({ value: s.productCode, label: s.productCode }))}
            />
            <Select
              style={{ width: 160 }}
              value={parameter}
              onChange={setParameter}
              data-testid="trend-parameter"
              options={parameters.map((p) => ({
                value: p,
                label: p === 'dosePerKg' ? t('charts.dosePerKg') : p,
              }))}
            />
          </Space>
        }
      >
        <ErrorAlert error={trend.error} />
        {trend.data && <TrendChart trend={trend.data} />}
      </Card>
    </Space>
  );
}
