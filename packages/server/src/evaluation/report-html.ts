import type { Evaluation } from './evaluate';
import type { Report } from './evaluation.service';
import {
  ci,
  filtersText,
  methodsOf,
  mscLines,
  pct,
  REPORT_TEXT,
  type ReportLang,
  type ReportText,
  statusText,
  tiFigure,
} from './report-text';
import type { SurvivalSummary } from './statistics';

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A Kaplan–Meier step curve with its 95% band and the numbers at risk underneath, as inline SVG. */
export function kmSvg(s: SurvivalSummary, label: string, atRiskLabel: string): string {
  const w = 560;
  const h = 220;
  const left = 40;
  const top = 10;
  const plotH = 160;
  const maxT = Math.max(365, ...s.curve.map((p) => p.t), ...s.atRisk.map((r) => r.t));
  const x = (t: number) => left + ((w - left - 10) * t) / maxT;
  const y = (v: number) => top + plotH * (1 - v);
  const step = (pick: (p: SurvivalSummary['curve'][number]) => number) => {
    let d = '';
    s.curve.forEach((p, i) => {
      d += i === 0 ? `M${x(p.t)},${y(pick(p))}` : `H${x(p.t)}V${y(pick(p))}`;
    });
    return `${d}H${x(maxT)}`;
  };
  const band = (() => {
    if (s.curve.length === 0) return '';
    let upper = '';
    let lower = '';
    s.curve.forEach((p, i) => {
      const next = s.curve[i + 1]?.t ?? maxT;
      upper += `${i === 0 ? 'M' : 'L'}${x(p.t)},${y(p.upper)}L${x(next)},${y(p.upper)}`;
      lower = `L${x(next)},${y(p.lower)}L${x(p.t)},${y(p.lower)}${lower}`;
    });
    return `${upper}${lower}Z`;
  })();
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10">${v * 100}%</text><line x1="${left}" x2="${w - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
    )
    .join('');
  const risk = s.atRisk
    .filter((_, i) => i % 2 === 0)
    .map(
      (r) =>
        `<text x="${x(r.t)}" y="${h - 8}" font-size="10" text-anchor="middle">${r.n}</text><text x="${x(r.t)}" y="${top + plotH + 14}" font-size="9" text-anchor="middle" fill="#888">${(r.t / 365.25).toFixed(1)}</text>`,
    )
    .join('');
  return `<svg role="img" aria-label="${esc(label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg">
${ticks}<path d="${band}" fill="#1677ff" fill-opacity="0.15" stroke="none"/>
<path d="${step((p) => p.s)}" fill="none" stroke="#1677ff" stroke-width="2"/>
<text x="${left}" y="${h - 8}" font-size="10" text-anchor="end" dx="-4">${esc(atRiskLabel)}</text>${risk}
</svg>`;
}

function survivalTable(s: SurvivalSummary, t: ReportText): string {
  const rows = s.landmarks
    .map(
      (l) =>
        `<tr><td>${l.years} ${t.years}</td><td>${pct(l.survival)}</td><td>${ci(l.lower, l.upper)}</td><td>${l.nRisk}</td></tr>`,
    )
    .join('');
  return `<p>n = ${s.n}, ${t.events} = ${s.events}; ${t.median}: ${s.median === null ? t.notReached : s.median}</p>
<table><thead><tr><th></th><th>${t.estimate}</th><th>${t.ci}</th><th>${t.atRisk}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The printable report: every table and chart of the snapshot, methods, cut-off and signatures. */
export function renderReportHtml(report: Report, lang: ReportLang): string {
  const t = REPORT_TEXT[lang];
  const e: Evaluation = report.snapshot.evaluation;
  const f = report.snapshot.filing;
  const sig = (meaning: string) => report.signatures.find((s) => s.meaning === meaning);
  const sigCell = (meaning: string, label: string) => {
    const s = sig(meaning);
    return `<div class="sig"><strong>${label}</strong><br>${s ? `${esc(s.printedName)}<br>${esc(s.signedAt)}<br><small>${esc(s.contentHash)}</small>` : t.unsigned}</div>`;
  };
  const cif = (c: Evaluation['efficacy']['neutrophilEngraftment'], name: string) =>
    `<tr><td>${name}</td><td>${c.events}/${c.n}</td><td>${c.medianDay ?? '—'}</td>${c.landmarks
      .map((l) => `<td>${pct(l.cif)} (${ci(l.lower, l.upper)})</td>`)
      .join('')}</tr>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(report.title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;border-bottom:1px solid #ccc;margin-top:24px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:12px;text-align:left}
.meta td:first-child{font-weight:600}.sigs{display:flex;gap:32px}.sig{border:1px solid #999;padding:8px;min-width:220px;font-size:12px}
small{color:#666;word-break:break-all}.note{font-size:11px;color:#555}
@media print{body{margin:12mm}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}
</style></head><body>
<h1>${t.title} — ${esc(f.reference)}</h1>
<table class="meta"><tbody>
<tr><td>${t.filing}</td><td>${esc(f.reference)} (${esc(f.technology)})</td></tr>
<tr><td>${t.product}</td><td>${esc(f.productName)}</td></tr>
<tr><td>${t.indication}</td><td>${esc(f.indication)}</td></tr>
<tr><td>${t.version}</td><td>v${report.version}</td></tr>
<tr><td>${t.cutoff}</td><td>${esc(report.cutoff)}</td></tr>
<tr><td>${t.status}</td><td data-status="${esc(report.status)}">${esc(statusText(report.status, t))}</td></tr>
<tr><td>${t.hash}</td><td><small>${esc(report.snapshotSha256)}</small></td></tr>
<tr><td>${t.cohort}</td><td>${e.cohort.n} ${t.patients}; ${e.cohort.patientYears} ${t.patientYears}</td></tr>
<tr><td>${t.filters}</td><td>${esc(filtersText(e.filters, t))}</td></tr>
</tbody></table>
<h2>${t.efficacy}</h2>
<p>${t.ti}: <strong>${esc(tiFigure(e, t))}</strong></p>
<h3>${t.os}</h3>${kmSvg(e.efficacy.overallSurvival, t.os, t.atRisk)}${survivalTable(e.efficacy.overallSurvival, t)}
<h3>${t.efs}</h3>${kmSvg(e.efficacy.eventFreeSurvival, t.efs, t.atRisk)}${survivalTable(e.efficacy.eventFreeSurvival, t)}
<table><thead><tr><th></th><th>n</th><th>${t.median}</th>${e.efficacy.neutrophilEngraftment.landmarks
    .map((l) => `<th>${t.day.replace('{d}', String(l.day))}</th>`)
    .join(
      '',
    )}</tr></thead><tbody>${cif(e.efficacy.neutrophilEngraftment, t.neutrophil)}${cif(e.efficacy.plateletEngraftment, t.platelet)}</tbody></table>
${mscLines(e, t)
  .map((m) => `<h3>${esc(m.heading)}</h3>${m.lines.map((l) => `<p>${esc(l)}</p>`).join('')}`)
  .join('')}
<h2>${t.safety}</h2>
<table><thead><tr><th>${t.term}</th><th>${t.grade}</th><th>${t.events}</th><th>${t.perPatient}</th><th>${t.perPy}</th><th>${t.serious}</th><th>${t.unexpected}</th></tr></thead><tbody>
${e.safety.byTerm
  .map(
    (r) =>
      `<tr><td>${esc(r.term)}</td><td>${r.grade ?? '≥1'}</td><td>${r.events}</td><td>${r.patients} (${pct(r.incidence.estimate)})</td><td>${r.rate.perPatientYear ?? '—'}</td><td>${r.serious}</td><td>${r.unexpected}</td></tr>`,
  )
  .join('')}
</tbody></table>
<p>${t.deaths}: ${e.safety.deaths.n} (${pct(e.safety.deaths.incidence.estimate)})${e.safety.deaths.causes.map((c) => `; ${esc(c.cause)} ${c.n}`).join('')}</p>
<h2>${t.quality}</h2>
<table><thead><tr><th>${t.lab}</th><th>${t.oos}</th><th>${t.deviations}</th></tr></thead><tbody>
${e.quality.laboratories.map((l) => `<tr><td>${esc(l.name)}</td><td>${l.oos}/${l.qcResults} (${pct(l.oosRate.estimate)})</td><td>${l.deviations}</td></tr>`).join('')}
</tbody></table>
<p>${t.followup}: ${e.quality.followup.attended}/${e.quality.followup.due} (${pct(e.quality.followup.completeness.estimate)}); ${t.overdue}: ${e.quality.followup.overdue}</p>
<p>${t.completeness}: ${pct(e.quality.completeness.errorRate)}</p>
<h2>${t.methods}</h2><ul class="note">${methodsOf(e, t)
    .map(([figure, m]) => `<li>${esc(figure)}: ${esc(m)}</li>`)
    .join('')}</ul>
<h2>${t.signatures}</h2><div class="sigs">${sigCell('authored', t.evaluator)}${sigCell('reviewed', t.reviewer)}</div>
<p class="note">${t.printed}</p>
</body></html>`;
}
