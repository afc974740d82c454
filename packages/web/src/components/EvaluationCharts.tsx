import type { Evaluation } from '../api/evaluation';

type Survival = Evaluation['efficacy']['overallSurvival'];

/**
 * A Kaplan–Meier step curve with its pointwise 95% band and the numbers at risk under the time axis (years),
 * drawn as plain SVG so that it prints as it shows.
 */
export function KmChart({
  survival,
  title,
  atRiskLabel,
  testId,
}: {
  survival: Survival;
  title: string;
  atRiskLabel: string;
  testId: string;
}) {
  const w = 560;
  const h = 230;
  const left = 44;
  const top = 10;
  const plotH = 160;
  const right = w - 12;
  const maxT = Math.max(365, ...survival.curve.map((p) => p.t), ...survival.atRisk.map((r) => r.t));
  const x = (t: number) => left + ((right - left) * t) / maxT;
  const y = (v: number) => top + plotH * (1 - v);
  let line = '';
  let upper = '';
  let lower = '';
  survival.curve.forEach((p, i) => {
    const next = survival.curve[i + 1]?.t ?? maxT;
    line += i === 0 ? `M${x(p.t)},${y(p.s)}` : `H${x(p.t)}V${y(p.s)}`;
    upper += `${i === 0 ? 'M' : 'L'}${x(p.t)},${y(p.upper)}L${x(next)},${y(p.upper)}`;
    lower = `L${x(next)},${y(p.lower)}L${x(p.t)},${y(p.lower)}${lower}`;
  });
  if (survival.curve.length) line += `H${x(maxT)}`;
  const yearTicks: number[] = [];
  for (let yr = 0; yr * 365.25 <= maxT; yr++) yearTicks.push(yr);
  return (
    <svg
      role="img"
      aria-label={title}
      data-testid={testId}
      width="100%"
      viewBox={`0 0 ${w} ${h}`}
      style={{ maxWidth: w }}
    >
      {[0, 0.25, 0.5, 0.75, 1].map((v) => (
        <g key={v}>
          <line x1={left} x2={right} y1={y(v)} y2={y(v)} stroke="#f0f0f0" />
          <text x={left - 4} y={y(v) + 4} fontSize={10} textAnchor="end">
            {v * 100}%
          </text>
        </g>
      ))}
      {yearTicks.map((yr) => (
        <text key={yr} x={x(yr * 365.25)} y={top + plotH + 14} fontSize={10} textAnchor="middle" fill="#888">
          {yr}
        </text>
      ))}
      {survival.curve.length > 0 && <path d={`${upper}${lower}Z`} fill="#1677ff" fillOpacity={0.15} />}
      <path d={line} fill="none" stroke="#1677ff" strokeWidth={2} />
      <text x={left - 4} y={h - 10} fontSize={10} textAnchor="end">
        {atRiskLabel}
      </text>
      {survival.atRisk
        .filter((_, i) => i % 2 === 0)
        .map((r) => (
          <text
            key={r.t}
            x={x(r.t)}
            y={h - 10}
            fontSize={10}
            textAnchor="middle"
            data-testid={`${testId}-risk`}
          >
            {r.n}
          </text>
        ))}
    </svg>
  );
}

export interface IntervalRow {
  label: string;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * Estimates with their 95% intervals on one axis: a forest plot of hazard ratios (log scale, reference 1) or
 * a CI plot of proportions (linear 0–1).
 */
export function IntervalPlot({
  rows,
  scale,
  testId,
  title,
}: {
  rows: IntervalRow[];
  scale: 'log' | 'linear';
  testId: string;
  title: string;
}) {
  const w = 560;
  const rowH = 22;
  const left = 170;
  const right = w - 16;
  const h = rows.length * rowH + 30;
  const finite = rows.flatMap((r) => [r.lower, r.upper]).filter((v): v is number => v !== null && v > 0);
  const lo = scale === 'log' ? Math.min(0.1, ...finite) : 0;
  const hi = scale === 'log' ? Math.max(10, ...finite) : 1;
  const tx = (v: number) => (scale === 'log' ? Math.log(v) : v);
  const x = (v: number) =>
    left + ((right - left) * (tx(Math.min(hi, Math.max(lo, v))) - tx(lo))) / (tx(hi) - tx(lo));
  const ref = scale === 'log' ? 1 : null;
  const ticks =
    scale === 'log' ? [0.1, 0.5, 1, 2, 10].filter((v) => v >= lo && v <= hi) : [0, 0.25, 0.5, 0.75, 1];
  return (
    <svg
      role="img"
      aria-label={title}
      data-testid={testId}
      width="100%"
      viewBox={`0 0 ${w} ${h}`}
      style={{ maxWidth: w }}
    >
      {ref !== null && (
        <line x1={x(ref)} x2={x(ref)} y1={4} y2={h - 22} stroke="#999" strokeDasharray="4 3" />
      )}
      {ticks.map((v) => (
        <text key={v} x={x(v)} y={h - 6} fontSize={10} textAnchor="middle" fill="#888">
          {v}
        </text>
      ))}
      {rows.map((r, i) => {
        const cy = 14 + i * rowH;
        return (
          <g key={r.label}>
            <text x={4} y={cy + 4} fontSize={11}>
              {r.label}
            </text>
            {r.estimate !== null && r.lower !== null && r.upper !== null ? (
              <>
                <line x1={x(r.lower)} x2={x(r.upper)} y1={cy} y2={cy} stroke="#1677ff" strokeWidth={2} />
                <rect x={x(r.estimate) - 4} y={cy - 4} width={8} height={8} fill="#1677ff" />
              </>
            ) : (
              <text x={left} y={cy + 4} fontSize={10} fill="#999">
                —
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
