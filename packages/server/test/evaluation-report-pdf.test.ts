import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem } from '../src/db/scoped';
import type { Report } from '../src/evaluation/evaluation.service';
import { renderReportPdf } from '../src/evaluation/report-pdf';
import { NO_CJK_FONT_NOTICE } from '../src/pdf/document';
import { seedFollowupCohort } from '../src/seed/demo-cohort';
import { seedEvaluationCohort } from '../src/seed/evaluation';
import { ENGINES } from './support/databases';
import { pdfText } from './support/pdf-text';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  // biome-ignore lint/suspicious/noExplicitAny: the test walks loosely typed JSON answers
  [key: string]: any;
}

const PASSWORD = 'Nansha-demo-2026!';

/** The evaluation report as a PDF, on the demo follow-up cohort linked to its filings (with deaths). */
describe.each(ENGINES)('the evaluation report PDF on %s', (engine) => {
  let t: TestPlatform;
  let filingId: string;
  let report: Json;

  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const pdf = async (user: string, lang: string, id = report.id as string) => {
    const res = await call(user, 'GET', `/api/evaluation/reports/${id}/pdf?lang=${lang}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    return { res, text: await pdfText(res.rawPayload) };
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    await seedFollowupCohort(t.platform, 40);
    await seedEvaluationCohort(t.platform);
    const { db } = t.platform.database;
    filingId = (
      await db
        .selectFrom('filing')
        .select('id')
        .where('reference', '=', 'F-2026-NSGT01')
        .executeTakeFirstOrThrow()
    ).id;
    const other = await asSystem(db, (tx) =>
      tx
        .insertInto('organization')
        .values({ code: 'OTHER-BIO', kind: 'sponsor', name_zh: '其他生物', name_en: 'Other Bio' })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    await t.platform.users.createAsSystem(
      { system: 'test' },
      {
        organizationId: other.id,
        username: 'sponsor.other',
        displayName: 'Other sponsor',
        role: 'sponsor_user',
        password: PASSWORD,
      },
    );
    const created = await call('evaluator.chen', 'POST', '/api/evaluation/reports', { filingId });
    expect(created.statusCode, created.body).toBe(201);
    report = created.json<Json>();
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('watermarks a draft and prints the signed report with its figures, cut-off and both signatures', async () => {
    const draft = await pdf('evaluator.chen', 'en');
    expect(draft.text.pages.join(' ')).toContain('DRAFT');
    expect(draft.text.pages.join(' ')).toContain('not signed');

    for (const [user, meaning] of [
      ['evaluator.chen', 'authored'],
      ['reviewer.luo', 'reviewed'],
    ] as const) {
      const signed = await call(user, 'POST', `/api/evaluation/reports/${report.id}/sign`, {
        meaning,
        password: PASSWORD,
      });
      expect(signed.statusCode, signed.body).toBe(200);
    }

    const e = report.snapshot.evaluation;
    expect(e.cohort.n).toBeGreaterThan(0);
    const ti = e.efficacy.transfusionIndependence;
    const tiFigure = `${ti.x}/${ti.n} = ${(ti.estimate * 100).toFixed(1)}%`;

    // The sponsor of the filing downloads it, in Chinese.
    const zh = await pdf('sponsor.xu', 'zh-CN');
    expect(zh.res.headers['content-disposition']).toBe(
      `attachment; filename="evaluation-report-F-2026-NSGT01-v${report.version}-zh-CN.pdf"`,
    );
    expect(zh.res.headers['x-cgtlink-pdf-font']).toBe('cjk');
    const text = zh.text.pages.join(' ');
    expect(text).toContain('疗效与安全性评价报告');
    expect(text).toContain('F-2026-NSGT01');
    expect(text).toContain(`数据截止 ${report.cutoff}`);
    expect(text).toContain(tiFigure);
    expect(text).toContain('陈思敏 Chen Simin');
    expect(text).toContain('罗嘉明 Luo Jiaming');
    expect(text).toContain('审核（审核人）');
    expect(text).toContain(report.snapshotSha256);
    expect(text).toContain('风险人数');
    expect(text).not.toContain('草稿 / DRAFT');
    // Every row of the safety table is there, however the table broke across pages.
    for (const row of e.safety.byTerm) expect(text).toContain(row.term);
    // Every page carries the footer with its number out of the total.
    const n = zh.text.pages.length;
    zh.text.pages.forEach((page, i) => {
      expect(page).toContain(`F-2026-NSGT01 · v${report.version} · 第 ${i + 1}/${n} 页`);
    });

    const en = await pdf('evaluator.chen', 'en');
    expect(en.res.headers['content-disposition']).toContain(`-v${report.version}-en.pdf"`);
    const english = en.text.pages.join(' ');
    expect(english).toContain('Efficacy and safety evaluation report');
    expect(english).toContain(`Data cut-off ${report.cutoff}`);
    expect(english).toContain(tiFigure);
    expect(english).toContain('signed (immutable)');
    expect(english).toContain(`page 1/${en.text.pages.length}`);
    expect(english).not.toContain('DRAFT');

    // The file leaves the platform: each download is audited as a print.
    const prints = await asSystem(t.platform.database.db, (tx) =>
      tx
        .selectFrom('audit_event')
        .select(['actor_name'])
        .where('action', '=', 'print')
        .where('entity_type', '=', 'evaluation_report')
        .where('entity_id', '=', report.id)
        .execute(),
    );
    expect(prints.map((p) => p.actor_name)).toContain('徐静 Xu Jing (sponsor.xu)');
    expect(prints).toHaveLength(3);
  });

  it('falls back to Latin-1, saying so, when the server has no CJK font', async () => {
    const signed = (
      await call('evaluator.chen', 'GET', `/api/evaluation/reports/${report.id}`)
    ).json<Report>();
    const { pdf: file, font } = await renderReportPdf(
      signed,
      'zh-CN',
      { generatedAt: new Date('2026-11-23T00:00:00Z') },
      null,
    );
    expect(font).toBe('fallback');
    const text = (await pdfText(file)).pages.join(' ');
    expect(text).toContain(NO_CJK_FONT_NOTICE);
    expect(text).toContain('F-2026-NSGT01');
    expect(text).toContain('Chen Simin');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses the PDF exactly where the printable page is refused', async () => {
    const cases: [string, number][] = [
      ['sponsor.other', 404],
      ['dr.he', 404],
      ['qc.liang', 403],
      ['guardian.li', 403],
      ['dr.zhou', 200],
      ['inspector', 200],
    ];
    for (const [user, status] of cases) {
      const html = await call(user, 'GET', `/api/evaluation/reports/${report.id}/print?lang=en`);
      const file = await call(user, 'GET', `/api/evaluation/reports/${report.id}/pdf?lang=en`);
      expect(html.statusCode, user).toBe(status);
      expect(file.statusCode, user).toBe(status);
    }
    const unknown = await call(
      'evaluator.chen',
      'GET',
      '/api/evaluation/reports/00000000-0000-4000-8000-000000000000/pdf',
    );
    expect(unknown.statusCode).toBe(404);
    const badLang = await call('evaluator.chen', 'GET', `/api/evaluation/reports/${report.id}/pdf?lang=fr`);
    expect(badLang.statusCode).toBe(400);
    expect(badLang.body).toContain('lang');
  });
});
