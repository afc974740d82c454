import dayjs from 'dayjs';

export interface TimeSeries {
  name: string;
  color: string;
  points: { date: string; value: number }[];
}

const W = 640;
const H = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/**
 * A small dependency-free time chart (SVG): lines for the series, a dashed line per threshold, and a bar per
 * event date (transfusions). Enough for a clinician to see a trend; the table holds the exact values.
 */
export function TimeChart({
  series,
  thresholds = [],
  events = [],
  testId,
}: {
  series: TimeSeries[];
  thresholds?: { value: number; label: string }[];
  events?: { date: string; label: string }[];
  testId?: string;
}) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0 && events.length === 0) return null;
  const times = [...all.map((p) => dayjs(p.date).valueOf()), ...events.map((e) => dayjs(e.date).valueOf())];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 86_400_000);
  const values = [...all.map((p) => p.value), ...thresholds.map((t) => t.value), 0];
  const vMax = Math.max(...values) * 1.1 || 1;
  const x = (date: string) =>
    PAD.left + ((dayjs(date).valueOf() - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / vMax) * (H - PAD.top - PAD.bottom);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      style={{ width: '100%', maxWidth: W }}
      data-testid={testId}
      role="img"
      aria-label={series.map((s) => s.name).join(', ')}
    >
      <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} stroke="#999" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} stroke="#999" />
      <text x={4} y={PAD.top + 8} fontSize={10}>
        {vMax.toPrecision(3)}
      </text>
      <text x={PAD.left} y={H - 8} fontSize={10}>
        {dayjs(t0).format('YYYY-MM-DD')}
      </text>
      <text x={W - PAD.right} y={H - 8} fontSize={10} textAnchor="end">
        {dayjs(t1).format('YYYY-MM-DD')}
      </text>
      {events.map((e) => (
        <rect
          key={`${e.date}-${e.label}`}
          x={x(e.date) - 1.5}
          y={PAD.top}
          width={3}
          height={H - PAD.top - PAD.bottom}
          fill="#f5222d33"
        >
          <title>{`${e.date} ${e.label}`}</title>
        </rect>
      ))}
      {thresholds.map((th) => (
        <g key={th.label}>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(th.value)}
            y2={y(th.value)}
            stroke="#fa8c16"
            strokeDasharray="4 3"
          />
          <text x={W - PAD.right} y={y(th.value) - 3} fontSize={10} textAnchor="end" fill="#fa8c16">
            {th.label}
          </text>
        </g>
      ))}
      {series.map((s) => {
        const pts = [...s.points].sort((a, b) => a.date.localeCompare(b.date));
        return (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth={1.5}
              points={pts.map((p) => `${x(p.date)},${y(p.value)}`).join(' ')}
            />
            {pts.map((p) => (
              <circle key={`${p.date}-${p.value}`} cx={x(p.date)} cy={y(p.value)} r={2.5} fill={s.color}>
                <title>{`${s.name} ${p.date}: ${p.value}`}</title>
              </circle>
            ))}
          </g>
        );
      })}
      {series.map((s, i) => (
        <text key={s.name} x={PAD.left + 8 + i * 120} y={PAD.top + 10} fontSize={11} fill={s.color}>
          {s.name}
        </text>
      ))}
    </svg>
  );
}
