import { Alert, Button, Card, Col, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { AdverseEvent, MonitoringReport } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { TimeChart } from '../components/TimeChart';
import { useLoad } from '../components/useLoad';
import { ExpeditedTag } from './FollowupPage';

/** A measure that may be undefined (a zero cell gives an infinite ROR). */
const fmt = (v: number | null, digits: number) => (v === null ? '∞' : v.toFixed(digits));

/** The regulator's safety view: expedited reports with their deadlines (late ones flagged), then all events. */
export function SafetyPage() {
  const { t } = useTranslation();
  const events = useLoad(() => endpoints.adverseEvents(false), []);
  // The latest stored monitoring result (computed in the background); opening the page computes nothing.
  const stored = useLoad(() => endpoints.monitoring(), []);
  const [forced, setForced] = useState<MonitoringReport | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const missing = stored.error instanceof ApiError && stored.error.status === 404;
  const report = forced ?? stored.data ?? null;
  // A fallback only: each product is monitored against the rate its filing declares.
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    if (stored.data) setRate(stored.data.expectedPerPatientYear);
  }, [stored.data]);
  // A stale result is being recomputed in the background: read the stored one again shortly.
  const { reload } = stored;
  useEffect(() => {
    if (!report?.stale) return;
    const timer = setTimeout(() => {
      setForced(null);
      reload();
    }, 3000);
    return () => clearTimeout(timer);
  }, [report, reload]);
  const runNow = () => {
    setRunning(true);
    endpoints
      .runMonitoring(rate)
      .then((r) => {
        setForced(r);
        setRunError(null);
      })
      .catch(setRunError)
      .finally(() => setRunning(false));
  };
  const monitoring = { data: report, loading: stored.loading || running };
  const all = events.data ?? [];
  const expedited = all.filter((e) => e.expedited.required);
  const columns = [
    {
      title: t('safety.pseudonym'),
      render: (_: unknown, e: AdverseEvent) => (
        <Link to={`/patients/${e.patientId}/followup`}>{e.pseudonym}</Link>
      ),
    },
    { title: t('safety.product'), dataIndex: 'productName' },
    { title: t('followup.term'), dataIndex: 'term' },
    { title: t('followup.grade'), dataIndex: 'grade' },
    {
      title: t('followup.seriousness'),
      render: (_: unknown, e: AdverseEvent) => e.seriousness.map((s) => t(`seriousness.${s}`)).join('、'),
    },
    {
      title: t('followup.causalityProduct'),
      render: (_: unknown, e: AdverseEvent) => t(`causality.${e.causalityProduct}`),
    },
    { title: t('safety.awareness'), dataIndex: 'awarenessDate' },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={events.error} />
      <Card title={t('safety.expedited')}>
        <Table<AdverseEvent>
          rowKey="id"
          size="small"
          data-testid="safety-expedited"
          loading={events.loading}
          dataSource={expedited}
          columns={[
            ...columns,
            {
              title: t('followup.expedited'),
              render: (_: unknown, e: AdverseEvent) => <ExpeditedTag ae={e} />,
            },
          ]}
        />
      </Card>
      <Card
        title={t('safety.signals')}
        extra={
          <Space>
            {t('measures.signals.fallbackRate')}
            <InputNumber
              min={0.01}
              max={100}
              step={0.1}
              value={rate}
              onChange={(v) => setRate(v ?? null)}
              data-testid="safety-rate"
            />
            <Button onClick={runNow} loading={running} data-testid="safety-run">
              {t('measures.signals.runNow')}
            </Button>
          </Space>
        }
      >
        <ErrorAlert error={missing ? null : stored.error} />
        <ErrorAlert error={runError} />
        {missing && !report && <Alert type="info" title={t('measures.signals.none')} />}
        {report && (
          <Space style={{ marginBottom: 8 }}>
            <Typography.Text type="secondary" data-testid="safety-computed-at">
              {t('measures.signals.computedAt', {
                at: new Date(report.computedAt).toLocaleString(),
                trigger: t(`measures.signals.trigger.${report.trigger}`),
                ms: Math.round(report.durationMs),
              })}
            </Typography.Text>
            {report.stale && <Tag color="orange">{t('measures.signals.stale')}</Tag>}
          </Space>
        )}
        <Table<MonitoringReport['signals'][number]>
          rowKey={(s) => `${s.product}|${s.term}`}
          size="small"
          data-testid="safety-signals"
          loading={monitoring.loading}
          dataSource={monitoring.data?.signals ?? []}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('safety.product'), dataIndex: 'product' },
            { title: t('followup.term'), dataIndex: 'term' },
            { title: 'a', dataIndex: 'a' },
            { title: 'PRR', render: (_, s) => fmt(s.prr, 2) },
            { title: 'χ²', render: (_, s) => fmt(s.prrChisq, 1) },
            {
              title: 'ROR (95% CI)',
              render: (_, s) => `${fmt(s.ror, 2)} (${fmt(s.rorLower, 2)}–${fmt(s.rorUpper, 2)})`,
            },
            { title: 'IC025', render: (_, s) => fmt(s.ic025, 2) },
            {
              title: t('measures.signals.ebgm'),
              sorter: (x, y) => x.ebgm - y.ebgm,
              render: (_, s) => s.ebgm.toFixed(2),
            },
            {
              title: t('measures.signals.eb05'),
              defaultSortOrder: 'descend',
              sorter: (x, y) => x.eb05 - y.eb05,
              render: (_, s) => <span data-testid="signal-eb05">{s.eb05.toFixed(2)}</span>,
            },
            {
              title: t('safety.signal'),
              render: (_, s) => (
                <Space size={2}>
                  {s.evans && <Tag color="red">PRR</Tag>}
                  {s.ebSignal && <Tag color="volcano">{t('measures.signals.ebSignal')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
        <Row gutter={16}>
          {(monitoring.data?.products ?? []).map((p) => (
            <Col xs={24} lg={12} key={p.product}>
              <Typography.Title level={5}>
                {p.product} · {t('safety.patients', { count: p.patients })}{' '}
                <Tag data-testid="safety-expected-rate">
                  {t('measures.signals.rate')} {p.expectedPerPatientYear ?? '—'} ·{' '}
                  {t(`measures.signals.source.${p.expectedSource}`)}
                </Tag>
                {p.cusumAlarm && <Tag color="red">CUSUM {p.cusumAlarm}</Tag>}
                {p.maxSprtSignal && <Tag color="red">MaxSPRT {p.maxSprtSignal}</Tag>}
              </Typography.Title>
              <TimeChart
                testId="safety-cusum"
                series={[
                  {
                    name: 'CUSUM',
                    color: '#cf1322',
                    points: p.months.map((m) => ({ date: `${m.month}-01`, value: m.cusum })),
                  },
                  {
                    name: t('safety.observed'),
                    color: '#1677ff',
                    points: p.months.map((m) => ({ date: `${m.month}-01`, value: m.observed })),
                  },
                ]}
                thresholds={[{ value: p.cusumLimit, label: `h = ${p.cusumLimit}` }]}
              />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title={t('safety.allEvents')}>
        <Table<AdverseEvent>
          rowKey="id"
          size="small"
          data-testid="safety-events"
          loading={events.loading}
          dataSource={all}
          columns={[
            ...columns,
            {
              title: t('followup.expected'),
              render: (_: unknown, e: AdverseEvent) => (
                <Tag>{e.expected ? t('followup.expectedYes') : t('followup.expectedNo')}</Tag>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
