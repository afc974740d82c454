import { endOf } from '@cgtlink/domain/access/index';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import {
  type Comparison,
  type Evaluation,
  type EvaluationFilters,
  evaluationApi,
  type PatientRef,
  type Report,
  type ReportSummary,
} from '../api/evaluation';
import { IntervalPlot, KmChart } from '../components/EvaluationCharts';
import { ErrorAlert } from '../components/errors';
import { organizationName } from '../components/names';
import { useLoad } from '../components/useLoad';
import { useLanguage } from '../i18n/LanguageContext';
import { usePrincipal } from '../session/SessionContext';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
const ci = (l: number | null | undefined, u: number | null | undefined) =>
  l === null || l === undefined || u === null || u === undefined ? '—' : `${pct(l)}–${pct(u)}`;
const n2 = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));

const AGE_BANDS = ['0-11', '12-17', '18+'];
const GENOTYPES = ['β0/β0', 'β0/β+', 'β+/β+', 'βE/β0'];
const TECHNOLOGIES = ['autologous_gene_hsc', 'allogeneic_hsct', 'haploidentical_hsct', 'msc'];

function Method({ text }: { text: string }) {
  return (
    <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
      {text}
    </Typography.Paragraph>
  );
}

const iqr = (q: { median: number | null; q1: number | null; q3: number | null }, d = 1) =>
  q.median === null ? '—' : `${n2(q.median, d)} (${n2(q.q1, d)}–${n2(q.q3, d)})`;

/** The MSC indications' end points: MELD and 90-day survival in liver failure, KOOS in knee osteoarthritis. */
function LiverAndKnee({ e }: { e: Evaluation }) {
  const { t } = useTranslation();
  const { liver, knee } = e.efficacy;
  return (
    <>
      <Typography.Title level={5}>{t('evaluation.liver')}</Typography.Title>
      {liver.n === 0 ? (
        <Typography.Paragraph type="secondary" data-testid="eval-liver-none">
          {t('evaluation.noneInCohort')}
        </Typography.Paragraph>
      ) : (
        <div data-testid="eval-liver">
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title={t('evaluation.liverPatients')} value={liver.n} />
            </Col>
            <Col span={6}>
              <Statistic
                title={t('evaluation.survival90')}
                value={pct(liver.survival90.survival)}
                suffix={<small>({ci(liver.survival90.lower, liver.survival90.upper)})</small>}
              />
            </Col>
            <Col span={12}>
              <div>
                {t('evaluation.meldBaseline')}: {iqr(liver.meld.baseline)} · {t('evaluation.meldDay90')}:{' '}
                {iqr(liver.meld.day90)}
              </div>
              <div>
                {t('evaluation.meldChange')}: {iqr(liver.meld.change)} · {t('evaluation.meldImproved')}:{' '}
                {liver.meld.improved.x}/{liver.meld.improved.n} ({pct(liver.meld.improved.estimate)})
              </div>
            </Col>
          </Row>
          <Method text={liver.meld.method} />
          <Method text={liver.survival90.method} />
        </div>
      )}
      <Typography.Title level={5}>{t('evaluation.knee')}</Typography.Title>
      {knee.n === 0 ? (
        <Typography.Paragraph type="secondary" data-testid="eval-knee-none">
          {t('evaluation.noneInCohort')}
        </Typography.Paragraph>
      ) : (
        <div data-testid="eval-knee">
          <Typography.Text>
            {t('evaluation.kneePatients')}: {knee.n}
          </Typography.Text>
          <Table
            size="small"
            rowKey="name"
            pagination={false}
            dataSource={knee.subscales}
            columns={[
              { title: t('evaluation.subscale'), render: (_, r) => t(`evaluation.koos.${r.name}`) },
              { title: 'n', dataIndex: 'n' },
              { title: t('evaluation.meanChange'), render: (_, r) => n2(r.meanChange, 1) },
              { title: t('evaluation.medianChange'), render: (_, r) => iqr(r.change) },
              {
                title: t('evaluation.koosImproved'),
                render: (_, r) =>
                  `${r.improved.x}/${r.improved.n} (${pct(r.improved.estimate)}, ${ci(r.improved.lower, r.improved.upper)})`,
              },
              { title: t('evaluation.koosWorsened'), dataIndex: 'worsened' },
            ]}
          />
          <Method text={knee.method} />
        </div>
      )}
    </>
  );
}

/** The cohort filters (filing, technology, period, age band, sex, genotype). */
function FilterBar({
  value,
  onChange,
  prefix,
  compact,
}: {
  value: EvaluationFilters;
  onChange: (f: EvaluationFilters) => void;
  prefix: string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const filings = useLoad(() => evaluationApi.filings(), []);
  const { language } = useLanguage();
  const hospitals = useLoad(
    async () => (await endpoints.organizations()).filter((o) => o.kind === 'hospital'),
    [],
  );
  const set = (patch: Partial<EvaluationFilters>) => {
    const next: Record<string, unknown> = { ...value, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '') delete next[k];
    onChange(next as EvaluationFilters);
  };
  const any = { value: '', label: t('evaluation.any') };
  return (
    <Space wrap>
      <Select
        data-testid={`${prefix}-filing`}
        style={{ minWidth: 220 }}
        value={value.filingId ?? ''}
        onChange={(v) => set({ filingId: v || undefined })}
        options={[
          { value: '', label: t('evaluation.allFilings') },
          ...(filings.data ?? []).map((f) => ({ value: f.id, label: `${f.reference} (${f.patients})` })),
        ]}
      />
      {!compact && (
        <Select
          data-testid={`${prefix}-technology`}
          style={{ minWidth: 160 }}
          value={value.technology ?? ''}
          onChange={(v) => set({ technology: (v || undefined) as EvaluationFilters['technology'] })}
          options={[any, ...TECHNOLOGIES.map((x) => ({ value: x, label: x }))]}
          prefix={t('evaluation.technology')}
        />
      )}
      {!compact && (
        <Select
          data-testid={`${prefix}-hospital`}
          style={{ minWidth: 200 }}
          value={value.hospitalId ?? ''}
          onChange={(v) => set({ hospitalId: v || undefined })}
          options={[
            { value: '', label: `${t('evaluation.hospital')}: ${t('evaluation.any')}` },
            ...(hospitals.data ?? []).map((o) => ({ value: o.id, label: organizationName(o, language) })),
          ]}
        />
      )}
      <Select
        data-testid={`${prefix}-sex`}
        style={{ minWidth: 110 }}
        value={value.sex ?? ''}
        onChange={(v) => set({ sex: (v || undefined) as EvaluationFilters['sex'] })}
        options={[
          { value: '', label: `${t('evaluation.sex')}: ${t('evaluation.any')}` },
          { value: 'female', label: t('evaluation.female') },
          { value: 'male', label: t('evaluation.male') },
        ]}
      />
      <Select
        data-testid={`${prefix}-age`}
        style={{ minWidth: 130 }}
        value={value.ageBand ?? ''}
        onChange={(v) => set({ ageBand: (v || undefined) as EvaluationFilters['ageBand'] })}
        options={[
          { value: '', label: `${t('evaluation.ageBand')}: ${t('evaluation.any')}` },
          ...AGE_BANDS.map((b) => ({ value: b, label: b })),
        ]}
      />
      <Select
        data-testid={`${prefix}-genotype`}
        style={{ minWidth: 140 }}
        value={value.genotype ?? ''}
        onChange={(v) => set({ genotype: (v || undefined) as EvaluationFilters['genotype'] })}
        options={[
          { value: '', label: `${t('evaluation.genotype')}: ${t('evaluation.any')}` },
          ...GENOTYPES.map((g) => ({ value: g, label: g })),
        ]}
      />
      {!compact && (
        <Space.Compact>
          <Input
            type="date"
            data-testid={`${prefix}-from`}
            aria-label={t('evaluation.period')}
            value={value.infusedFrom ?? ''}
            onChange={(e) => set({ infusedFrom: e.target.value || undefined })}
          />
          <Input
            type="date"
            data-testid={`${prefix}-to`}
            value={value.infusedTo ?? ''}
            onChange={(e) => set({ infusedTo: e.target.value || undefined })}
          />
        </Space.Compact>
      )}
    </Space>
  );
}

/** A figure that opens the patients behind it. */
function Figure({ children, onOpen, testId }: { children: ReactNode; onOpen: () => void; testId: string }) {
  return (
    <Button type="link" size="small" onClick={onOpen} data-testid={testId} style={{ padding: 0 }}>
      {children}
    </Button>
  );
}

function PatientsDrawer({
  filters,
  metric,
  term,
  onClose,
}: {
  filters: EvaluationFilters;
  metric: string | null;
  term?: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const rows = useLoad(
    () => (metric ? evaluationApi.patients(filters, metric, term) : Promise.resolve([] as PatientRef[])),
    [metric, term, JSON.stringify(filters)],
  );
  return (
    <Drawer open={metric !== null} onClose={onClose} title={t('evaluation.patientsBehind')} size="large">
      <ErrorAlert error={rows.error} />
      <Table<PatientRef>
        rowKey="pseudonym"
        size="small"
        data-testid="eval-patients"
        loading={rows.loading}
        dataSource={rows.data ?? []}
        columns={[
          { title: t('evaluation.pseudonym'), dataIndex: 'pseudonym' },
          { title: t('evaluation.infusion'), dataIndex: 'infusion' },
          {
            title: '',
            render: (_, p) =>
              p.patientId ? (
                <Link to={`/patients/${p.patientId}/followup`}>{t('evaluation.openRecord')}</Link>
              ) : null,
          },
        ]}
      />
    </Drawer>
  );
}

function EvaluationView({ e, filters }: { e: Evaluation; filters: EvaluationFilters }) {
  const { t } = useTranslation();
  const [drill, setDrill] = useState<{ metric: string; term?: string } | null>(null);
  const open = (metric: string, term?: string) => setDrill(term ? { metric, term } : { metric });
  const ti = e.efficacy.transfusionIndependence;
  const os = e.efficacy.overallSurvival;
  const efs = e.efficacy.eventFreeSurvival;
  const landmarks = (s: typeof os) =>
    s.landmarks
      .map(
        (l) =>
          `${t('evaluation.landmark', { years: l.years })}: ${pct(l.survival)} (${ci(l.lower, l.upper)})`,
      )
      .join(' · ');
  const months = [
    ...new Set(
      [
        ...e.efficacy.trends.hb,
        ...e.efficacy.trends.ferritin,
        ...e.efficacy.trends.lic,
        ...e.efficacy.trends.t2star,
      ].map((p) => p.month),
    ),
  ].sort((a, b) => a - b);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Row gutter={16}>
          <Col span={6}>
            <Statistic
              title={t('evaluation.cohort')}
              value={e.cohort.n}
              suffix={t('evaluation.patients')}
              valueRender={() => (
                <Figure onOpen={() => open('cohort')} testId="eval-cohort-n">
                  <span style={{ fontSize: 24 }}>{e.cohort.n}</span>
                </Figure>
              )}
            />
          </Col>
          <Col span={6}>
            <Statistic title={t('evaluation.patientYears')} value={e.cohort.patientYears} precision={1} />
          </Col>
          <Col span={6}>
            <Statistic title={t('evaluation.medianFollowUp')} value={e.cohort.medianFollowUpDays ?? '—'} />
          </Col>
          <Col span={6}>
            <Statistic title={t('evaluation.cutoff')} value={e.cutoff.date} />
          </Col>
        </Row>
        <Method text={e.cohort.method} />
      </Card>

      <Card title={t('evaluation.efficacy')} size="small">
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('evaluation.ti')}</Typography.Title>
            <Space>
              <Figure onOpen={() => open('ti.achieved')} testId="eval-ti">
                <Typography.Text strong style={{ fontSize: 20 }}>
                  {ti.x}/{ti.n} = {pct(ti.estimate)}
                </Typography.Text>
              </Figure>
              <span>95% CI {ci(ti.lower, ti.upper)}</span>
            </Space>
            <div>
              {t('evaluation.tiDetail', {
                achieved: ti.achieved,
                notMet: ti.notMet,
                inProgress: ti.inProgress,
              })}
            </div>
            <div>
              {t('evaluation.timeToTi')}: {ti.timeToTi.medianDays ?? '—'} (IQR {ti.timeToTi.q1 ?? '—'}–
              {ti.timeToTi.q3 ?? '—'})
            </div>
            <IntervalPlot
              testId="eval-ti-ci"
              title={t('evaluation.ti')}
              scale="linear"
              rows={[{ label: t('evaluation.ti'), estimate: ti.estimate, lower: ti.lower, upper: ti.upper }]}
            />
            <Method text={ti.method} />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('evaluation.cumulativeIncidence')}</Typography.Title>
            <Table
              size="small"
              pagination={false}
              rowKey="name"
              dataSource={[
                {
                  name: t('evaluation.neutrophil'),
                  c: e.efficacy.neutrophilEngraftment,
                  metric: 'neutrophil.engrafted',
                },
                {
                  name: t('evaluation.platelet'),
                  c: e.efficacy.plateletEngraftment,
                  metric: 'platelet.engrafted',
                },
              ]}
              columns={[
                { title: '', dataIndex: 'name' },
                {
                  title: 'n',
                  render: (_, r) => (
                    <Figure onOpen={() => open(r.metric)} testId={`eval-${r.metric}`}>
                      {r.c.events}/{r.c.n}
                    </Figure>
                  ),
                },
                { title: t('evaluation.medianDay'), render: (_, r) => r.c.medianDay ?? '—' },
                ...[28, 42, 100].map((d, i) => ({
                  title: t('evaluation.day', { day: d }),
                  render: (_: unknown, r: { c: typeof e.efficacy.neutrophilEngraftment }) => {
                    const l = r.c.landmarks[i];
                    return l ? `${pct(l.cif)} (${ci(l.lower, l.upper)})` : '—';
                  },
                })),
              ]}
            />
            <Method text={e.efficacy.neutrophilEngraftment.method} />
          </Col>
        </Row>
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>
              {t('evaluation.os')} ·{' '}
              <Figure onOpen={() => open('death')} testId="eval-deaths">
                {os.events}/{os.n}
              </Figure>
            </Typography.Title>
            <KmChart
              survival={os}
              title={t('evaluation.os')}
              atRiskLabel={t('evaluation.atRisk')}
              testId="eval-km-os"
            />
            <div>
              {t('evaluation.median')}: {os.median ?? t('evaluation.notReached')} · {landmarks(os)}
            </div>
            <Method text={os.method} />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>
              {t('evaluation.efs')} ·{' '}
              <Figure onOpen={() => open('efs.event')} testId="eval-efs-events">
                {efs.events}/{efs.n}
              </Figure>
            </Typography.Title>
            <KmChart
              survival={efs}
              title={t('evaluation.efs')}
              atRiskLabel={t('evaluation.atRisk')}
              testId="eval-km-efs"
            />
            <div>
              {t('evaluation.median')}: {efs.median ?? t('evaluation.notReached')} · {landmarks(efs)}
            </div>
            <Method text={efs.method} />
          </Col>
        </Row>
        <Typography.Title level={5}>{t('evaluation.trends')}</Typography.Title>
        <Table
          size="small"
          rowKey="month"
          pagination={{ pageSize: 8 }}
          dataSource={months.map((m) => ({
            month: m,
            hb: e.efficacy.trends.hb.find((p) => p.month === m),
            ferritin: e.efficacy.trends.ferritin.find((p) => p.month === m),
            lic: e.efficacy.trends.lic.find((p) => p.month === m),
            t2star: e.efficacy.trends.t2star.find((p) => p.month === m),
          }))}
          columns={[
            { title: t('evaluation.month'), dataIndex: 'month' },
            {
              title: t('evaluation.hb'),
              render: (_, r) =>
                r.hb
                  ? `${n2(r.hb.median, 1)} (${n2(r.hb.q1, 1)}–${n2(r.hb.q3, 1)}), n=${r.hb.patients}`
                  : '—',
            },
            {
              title: t('evaluation.ferritin'),
              render: (_, r) =>
                r.ferritin
                  ? `${n2(r.ferritin.median, 0)} (${n2(r.ferritin.q1, 0)}–${n2(r.ferritin.q3, 0)}), n=${r.ferritin.patients}`
                  : '—',
            },
            {
              title: t('evaluation.lic'),
              render: (_, r) =>
                r.lic
                  ? `${n2(r.lic.median, 1)} (${n2(r.lic.q1, 1)}–${n2(r.lic.q3, 1)}), n=${r.lic.patients}`
                  : '—',
            },
            {
              title: t('evaluation.t2star'),
              render: (_, r) =>
                r.t2star
                  ? `${n2(r.t2star.median, 1)} (${n2(r.t2star.q1, 1)}–${n2(r.t2star.q3, 1)}), n=${r.t2star.patients}`
                  : '—',
            },
          ]}
        />
        <Method text={e.efficacy.trends.method} />
        <LiverAndKnee e={e} />
      </Card>

      <Card title={t('evaluation.safety')} size="small">
        <Row gutter={16}>
          <Col span={6}>
            <Statistic
              title={t('evaluation.serious')}
              value={e.safety.serious.patients}
              valueRender={() => (
                <Figure onOpen={() => open('ae.serious')} testId="eval-serious">
                  {e.safety.serious.patients} ({pct(e.safety.serious.incidence.estimate)})
                </Figure>
              )}
            />
          </Col>
          <Col span={6}>
            <Statistic
              title={t('evaluation.unexpected')}
              value={e.safety.unexpected.patients}
              valueRender={() => (
                <Figure onOpen={() => open('ae.unexpected')} testId="eval-unexpected">
                  {e.safety.unexpected.patients} ({pct(e.safety.unexpected.incidence.estimate)})
                </Figure>
              )}
            />
          </Col>
          <Col span={6}>
            <Statistic
              title={t('evaluation.seriousUnexpected')}
              value={e.safety.seriousUnexpected.patients}
            />
          </Col>
          <Col span={6}>
            <Statistic title={t('evaluation.deaths')} value={e.safety.deaths.n} />
            {e.safety.deaths.causes.map((c) => (
              <Tag key={c.cause}>
                {c.cause} {c.n}
              </Tag>
            ))}
          </Col>
        </Row>
        <Table
          size="small"
          data-testid="eval-ae"
          rowKey={(r) => `${r.term}|${r.grade}`}
          pagination={{ pageSize: 10 }}
          dataSource={e.safety.byTerm}
          columns={[
            {
              title: t('evaluation.term'),
              render: (_, r) =>
                r.grade === null ? (
                  <Figure onOpen={() => open('ae.term', r.term)} testId="eval-ae-term">
                    <strong>{r.term}</strong>
                  </Figure>
                ) : (
                  r.term
                ),
            },
            { title: t('evaluation.grade'), render: (_, r) => r.grade ?? '≥1' },
            { title: t('evaluation.events'), dataIndex: 'events' },
            {
              title: t('evaluation.incidence'),
              render: (_, r) =>
                `${r.patients} (${pct(r.incidence.estimate)}; ${ci(r.incidence.lower, r.incidence.upper)})`,
            },
            {
              title: t('evaluation.perPatientYear'),
              render: (_, r) =>
                `${n2(r.rate.perPatientYear, 3)} (${n2(r.rate.lower, 3)}–${n2(r.rate.upper, 3)})`,
            },
            { title: t('evaluation.serious'), dataIndex: 'serious' },
            { title: t('evaluation.unexpected'), dataIndex: 'unexpected' },
          ]}
        />
        <Typography.Title level={5}>{t('evaluation.immune')}</Typography.Title>
        <Space wrap>
          {e.safety.immune.length === 0
            ? t('evaluation.notAvailable')
            : e.safety.immune.map((r) => (
                <Tag key={`${r.kind}${r.grade}`}>
                  {r.kind.toUpperCase()} G{r.grade}: {r.patients}
                </Tag>
              ))}
        </Space>
        {e.safety.signals.length > 0 && (
          <>
            <Typography.Title level={5}>{t('evaluation.signals')}</Typography.Title>
            <ul>
              {e.safety.signals.slice(0, 10).map((s) => (
                <li key={`${s.rule}${s.raisedAt}`}>
                  {s.raisedAt.slice(0, 10)} · {s.message}
                </li>
              ))}
            </ul>
          </>
        )}
        <Method text={e.safety.method} />
      </Card>

      <Card title={t('evaluation.quality')} size="small">
        <Table
          size="small"
          rowKey="laboratoryId"
          pagination={false}
          dataSource={e.quality.laboratories}
          columns={[
            { title: t('evaluation.laboratory'), dataIndex: 'name' },
            { title: t('evaluation.batches'), dataIndex: 'batches' },
            {
              title: t('evaluation.oos'),
              render: (_, l) =>
                `${l.oos}/${l.qcResults} (${pct(l.oosRate.estimate)}; ${ci(l.oosRate.lower, l.oosRate.upper)})`,
            },
            { title: t('evaluation.deviations'), dataIndex: 'deviations' },
          ]}
        />
        <Descriptions size="small" column={2} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('evaluation.followup')}>
            {e.quality.followup.attended}/{e.quality.followup.due} (
            {pct(e.quality.followup.completeness.estimate)})
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.overdue')}>
            <Figure onOpen={() => open('visit.overdue')} testId="eval-overdue">
              {e.quality.followup.overdue}
            </Figure>
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.custody')}>
            {e.quality.custody.withExcursion}/{e.quality.custody.temperatureLogs}
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.collectionToInfusion')}>
            {e.quality.collectionToInfusion.n > 0
              ? `${n2(e.quality.collectionToInfusion.medianHours, 1)} (${n2(e.quality.collectionToInfusion.q1, 1)}–${n2(e.quality.collectionToInfusion.q3, 1)}), n=${e.quality.collectionToInfusion.n}`
              : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.completeness')}>
            <span data-testid="eval-completeness">{pct(e.quality.completeness.errorRate)}</span>{' '}
            {e.quality.completeness.meets !== null && (
              <Tag color={e.quality.completeness.meets ? 'green' : 'red'}>
                {e.quality.completeness.meets ? t('evaluation.meets') : t('evaluation.fails')}
              </Tag>
            )}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {e.quality.completeness.fields.map((f) => `${f.field} ${f.missing}/${f.total}`).join(' · ')}
        </Typography.Text>
        <Method text={e.quality.completeness.method} />
      </Card>

      <Card title={t('evaluation.breakdown')} size="small">
        <Tabs
          items={(
            [
              ['filing', 'byFiling'],
              ['hospital', 'byHospital'],
              ['year', 'byYear'],
              ['technology', 'byTechnology'],
            ] as const
          ).map(([dim, label]) => ({
            key: dim,
            label: t(`evaluation.${label}`),
            children: (
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={e.breakdown[dim]}
                columns={[
                  { title: '', dataIndex: 'label' },
                  { title: 'n', dataIndex: 'n' },
                  {
                    title: t('evaluation.ti'),
                    render: (_, r) =>
                      `${r.ti.x}/${r.ti.n} (${pct(r.ti.estimate)}; ${ci(r.ti.lower, r.ti.upper)})`,
                  },
                  { title: t('evaluation.deaths'), dataIndex: 'deaths' },
                ]}
              />
            ),
          }))}
        />
      </Card>
      <PatientsDrawer
        filters={filters}
        metric={drill?.metric ?? null}
        term={drill?.term}
        onClose={() => setDrill(null)}
      />
    </Space>
  );
}

function ViewsTab() {
  const [filters, setFilters] = useState<EvaluationFilters>({});
  const result = useLoad(() => evaluationApi.evaluate(filters), [JSON.stringify(filters)]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <FilterBar value={filters} onChange={setFilters} prefix="eval" />
      <ErrorAlert error={result.error} />
      {result.loading && <Typography.Text data-testid="eval-loading">…</Typography.Text>}
      {result.data && <EvaluationView e={result.data} filters={filters} />}
    </Space>
  );
}

function CompareTab() {
  const { t } = useTranslation();
  const [a, setA] = useState<EvaluationFilters>({});
  const [b, setB] = useState<EvaluationFilters>({});
  const [withB, setWithB] = useState(true);
  const [control, setControl] = useState<{
    label: string;
    years?: number;
    rate?: number;
    n?: number;
    x?: number;
    total?: number;
  }>({
    label: '',
  });
  const [result, setResult] = useState<Comparison>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const external =
        control.label &&
        (control.rate !== undefined || (control.x !== undefined && control.total !== undefined))
          ? {
              label: control.label,
              ...(control.rate !== undefined && control.years
                ? {
                    survival: {
                      endpoint: 'os' as const,
                      years: control.years,
                      rate: control.rate,
                      ...(control.n ? { n: control.n } : {}),
                    },
                  }
                : {}),
              ...(control.x !== undefined && control.total
                ? { proportion: { endpoint: 'ti' as const, x: control.x, n: control.total } }
                : {}),
            }
          : undefined;
      setResult(
        await evaluationApi.compare({
          a,
          ...(withB ? { b } : {}),
          labelA: 'A',
          labelB: 'B',
          ...(external ? { control: external } : {}),
        }),
      );
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const two = (name: string, s: Comparison['os']) =>
    s && (
      <Descriptions size="small" column={1} title={name}>
        <Descriptions.Item label={t('evaluation.logRank')}>
          χ² = {n2(s.logRank.chisq, 3)}, p = {n2(s.logRank.p, 4)} (O {s.logRank.observed.join(' / ')}, E{' '}
          {s.logRank.expected.map((x) => x.toFixed(2)).join(' / ')})
        </Descriptions.Item>
        <Descriptions.Item label={t('evaluation.hazardRatio')}>
          {s.hazardRatio.hr === null
            ? t('evaluation.notEstimable')
            : `${n2(s.hazardRatio.hr)} (${n2(s.hazardRatio.lower)}–${n2(s.hazardRatio.upper)}), p = ${n2(s.hazardRatio.p, 4)}`}
        </Descriptions.Item>
      </Descriptions>
    );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small" title={t('evaluation.cohortA')}>
        <FilterBar value={a} onChange={setA} prefix="cmp-a" compact />
      </Card>
      <Card
        size="small"
        title={t('evaluation.cohortB')}
        extra={
          <Button size="small" onClick={() => setWithB(!withB)}>
            {withB ? '−' : '+'}
          </Button>
        }
      >
        {withB && <FilterBar value={b} onChange={setB} prefix="cmp-b" compact />}
      </Card>
      <Card size="small" title={t('evaluation.external')}>
        <Space wrap>
          <Input
            placeholder={t('evaluation.controlLabel')}
            data-testid="cmp-control-label"
            value={control.label}
            onChange={(e) => setControl({ ...control, label: e.target.value })}
          />
          <InputNumber
            placeholder={t('evaluation.controlYears')}
            min={0.5}
            max={20}
            value={control.years ?? null}
            onChange={(v) => setControl({ ...control, years: v ?? undefined })}
          />
          <InputNumber
            placeholder={t('evaluation.controlRate')}
            min={0}
            max={1}
            step={0.01}
            value={control.rate ?? null}
            onChange={(v) => setControl({ ...control, rate: v ?? undefined })}
          />
          <InputNumber
            placeholder={t('evaluation.controlN')}
            min={1}
            value={control.n ?? null}
            onChange={(v) => setControl({ ...control, n: v ?? undefined })}
          />
          <InputNumber
            placeholder={t('evaluation.controlX')}
            min={0}
            value={control.x ?? null}
            onChange={(v) => setControl({ ...control, x: v ?? undefined })}
          />
          <InputNumber
            placeholder={t('evaluation.controlNTotal')}
            min={1}
            value={control.total ?? null}
            onChange={(v) => setControl({ ...control, total: v ?? undefined })}
          />
        </Space>
      </Card>
      <Button type="primary" onClick={run} loading={busy} data-testid="cmp-run">
        {t('evaluation.compare')}
      </Button>
      <ErrorAlert error={error} />
      {result && (
        <Card size="small" data-testid="cmp-result">
          <Typography.Paragraph>
            A: n = {result.nA}
            {result.nB !== null && `; B: n = ${result.nB}`}
          </Typography.Paragraph>
          {two(t('evaluation.os'), result.os)}
          {two(t('evaluation.efs'), result.efs)}
          {result.ti && (
            <Descriptions size="small" column={1} title={t('evaluation.tiDifference')}>
              <Descriptions.Item label={t('evaluation.difference')}>
                {result.ti.a.x}/{result.ti.a.n} vs {result.ti.b.x}/{result.ti.b.n}:{' '}
                {pct(result.ti.difference)} ({ci(result.ti.lower, result.ti.upper)})
              </Descriptions.Item>
              <Descriptions.Item label={t('evaluation.method')}>{result.ti.method}</Descriptions.Item>
            </Descriptions>
          )}
          {result.forest && (
            <>
              <Typography.Title level={5}>{t('evaluation.forest')}</Typography.Title>
              <IntervalPlot
                testId="cmp-forest"
                title={t('evaluation.forest')}
                scale="log"
                rows={result.forest.rows.map((r) => ({
                  label: `${r.subgroup === 'all' ? t('evaluation.any') : r.level} (${r.nA}/${r.nB})`,
                  estimate: r.hr,
                  lower: r.lower,
                  upper: r.upper,
                }))}
              />
              <Method text={result.forest.method} />
            </>
          )}
          {result.external && (
            <Descriptions
              size="small"
              column={1}
              title={`${t('evaluation.external')}: ${result.external.label}`}
            >
              {result.external.survival && (
                <Descriptions.Item label={`${t('evaluation.os')} @ ${result.external.survival.years}`}>
                  {pct(result.external.survival.observed)} vs {pct(result.external.survival.rate)}:{' '}
                  {pct(result.external.survival.difference)} (
                  {ci(result.external.survival.lower, result.external.survival.upper)}), p ={' '}
                  {n2(result.external.survival.p, 4)}
                </Descriptions.Item>
              )}
              {result.external.proportion && (
                <Descriptions.Item label={t('evaluation.ti')}>
                  {pct(result.external.proportion.difference)} (
                  {ci(result.external.proportion.lower, result.external.proportion.upper)})
                </Descriptions.Item>
              )}
            </Descriptions>
          )}
        </Card>
      )}
    </Space>
  );
}

function ReportDrawer({
  reportId,
  onClose,
  onChanged,
}: {
  reportId: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const principal = usePrincipal();
  const report = useLoad(
    () => (reportId ? evaluationApi.report(reportId) : Promise.resolve(undefined as Report | undefined)),
    [reportId],
  );
  const [signing, setSigning] = useState<'authored' | 'reviewed' | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [reproduced, setReproduced] = useState<string | null>(null);
  const r = report.data;
  const sign = async () => {
    if (!r || !signing) return;
    try {
      await evaluationApi.sign(r.id, signing, password);
      setSigning(null);
      setPassword('');
      setError(null);
      report.reload();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const reproduce = async () => {
    if (!r) return;
    const out = await evaluationApi.reproduce(r.id);
    const text = out.matches
      ? t('evaluation.reproduced')
      : t('evaluation.notReproduced', { count: out.differences.length });
    setReproduced(text);
    void message.info(text);
  };
  const evaluator = principal.role === 'evaluator';
  return (
    <Drawer open={reportId !== null} onClose={onClose} title={r?.title} size="large">
      <ErrorAlert error={report.error} />
      {r && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('evaluation.version')}>v{r.version}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.cutoff')}>{r.cutoff}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.status')}>
              <Tag data-testid="report-status" color={r.status === 'signed' ? 'green' : 'blue'}>
                {t(`evaluation.status_${r.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('evaluation.hash')}>
              <Typography.Text code style={{ fontSize: 11 }}>
                {r.snapshotSha256}
              </Typography.Text>{' '}
              {r.intact && <Tag color="green">{t('evaluation.intact')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('evaluation.signatures')}>
              {r.signatures.map((s) => (
                <div key={s.signedAt}>
                  {s.meaning}: {s.printedName} · {s.signedAt}
                </div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('evaluation.cohort')}>
              {r.snapshot.evaluation.cohort.n} · TI {r.snapshot.evaluation.efficacy.transfusionIndependence.x}
              /{r.snapshot.evaluation.efficacy.transfusionIndependence.n}
            </Descriptions.Item>
          </Descriptions>
          <Space wrap>
            {evaluator && r.status === 'draft' && (
              <Button
                type="primary"
                data-testid="report-sign-authored"
                onClick={() => setSigning('authored')}
              >
                {t('evaluation.signAuthored')}
              </Button>
            )}
            {evaluator && r.status === 'evaluator-signed' && (
              <Button
                type="primary"
                data-testid="report-sign-reviewed"
                onClick={() => setSigning('reviewed')}
              >
                {t('evaluation.signReviewed')}
              </Button>
            )}
            <a
              href={evaluationApi.printUrl(r.id, 'zh-CN')}
              target="_blank"
              rel="noreferrer"
              data-testid="report-print"
            >
              {t('evaluation.print')}
            </a>
            <a
              href={evaluationApi.printUrl(r.id, 'en')}
              target="_blank"
              rel="noreferrer"
              data-testid="report-print-en"
            >
              {t('evaluation.printEn')}
            </a>
            <a href={evaluationApi.printUrl(r.id, 'zh-CN', true)} download data-testid="report-download">
              {t('evaluation.download')}
            </a>
            <a href={evaluationApi.pdfUrl(r.id, language)} download data-testid="report-download-pdf">
              {t('evaluation.downloadPdf')}
            </a>
            <Button onClick={reproduce} data-testid="report-reproduce">
              {t('evaluation.reproduce')}
            </Button>
          </Space>
          {reproduced && <Typography.Text data-testid="report-reproduced">{reproduced}</Typography.Text>}
          <Typography.Text type="secondary">{t('evaluation.printNote')}</Typography.Text>
        </Space>
      )}
      <Modal
        open={signing !== null}
        title={signing === 'reviewed' ? t('evaluation.signReviewed') : t('evaluation.signAuthored')}
        onOk={sign}
        onCancel={() => setSigning(null)}
        okButtonProps={{ 'data-testid': 'report-sign-ok' } as Record<string, string>}
      >
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label={t('evaluation.password')}>
            <Input.Password
              data-testid="report-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}

function ReportsTab() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const filings = useLoad(() => evaluationApi.filings(), []);
  const [filingId, setFilingId] = useState<string>('');
  const reports = useLoad(() => evaluationApi.reports(filingId || undefined), [filingId]);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    if (!filingId) return;
    setBusy(true);
    try {
      const r = await evaluationApi.createReport(filingId);
      setError(null);
      reports.reload();
      setOpen(r.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Select
          data-testid="report-filing"
          style={{ minWidth: 260 }}
          value={filingId}
          onChange={setFilingId}
          options={[
            { value: '', label: t('evaluation.allFilings') },
            ...(filings.data ?? []).map((f) => ({ value: f.id, label: `${f.reference} (${f.patients})` })),
          ]}
        />
        {principal.role === 'evaluator' && (
          <Button
            type="primary"
            disabled={!filingId}
            loading={busy}
            onClick={create}
            data-testid="report-new"
          >
            {t('evaluation.newReport')}
          </Button>
        )}
      </Space>
      <ErrorAlert error={error ?? reports.error} />
      <Table<ReportSummary>
        rowKey="id"
        size="small"
        data-testid="report-table"
        loading={reports.loading}
        dataSource={reports.data ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('evaluation.filing'), dataIndex: 'title' },
          { title: t('evaluation.version'), render: (_, r) => `v${r.version}` },
          { title: t('evaluation.cutoff'), render: (_, r) => r.cutoff.slice(0, 19).replace('T', ' ') },
          {
            title: t('evaluation.status'),
            render: (_, r) => <Tag>{t(`evaluation.status_${r.status}`)}</Tag>,
          },
          { title: t('evaluation.createdBy'), dataIndex: 'createdByName' },
        ]}
      />
      <ReportDrawer reportId={open} onClose={() => setOpen(null)} onChanged={reports.reload} />
    </Space>
  );
}

/** The evaluation centre: views with cohort filters, comparisons, and signed, reproducible reports. */
export function EvaluationPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const hospital = endOf(principal.role) === 'hospital';
  return (
    <Card title={t('evaluation.title')}>
      <Tabs
        items={[
          {
            key: 'views',
            label: <span data-testid="eval-tab-views">{t('evaluation.tabViews')}</span>,
            children: <ViewsTab />,
          },
          ...(hospital
            ? []
            : [
                {
                  key: 'compare',
                  label: <span data-testid="eval-tab-compare">{t('evaluation.tabCompare')}</span>,
                  children: <CompareTab />,
                },
              ]),
          {
            key: 'reports',
            label: <span data-testid="eval-tab-reports">{t('evaluation.tabReports')}</span>,
            children: <ReportsTab />,
          },
        ]}
      />
    </Card>
  );
}
