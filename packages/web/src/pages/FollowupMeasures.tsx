import { PlusOutlined } from '@ant-design/icons';
import { IMAGING_CODES, type ObservationCode, SCORE_CODES, unitsOf } from '@cgtlink/domain/followup/catalog';
import { KOOS_MIC } from '@cgtlink/domain/followup/measures';
import { calculateMeld } from '@cgtlink/domain/scores/meld';
import {
  Button,
  type ButtonProps,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { FollowupSummary, Measures, ObservationCreate } from '../api/types';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { TimeChart } from '../components/TimeChart';
import { DATE_FORMAT } from '../format';

const LEVEL_COLOR: Record<string, string> = {
  target: 'green',
  mild: 'gold',
  moderate: 'orange',
  severe: 'red',
};
const VERDICT_COLOR: Record<string, string> = {
  improved: 'green',
  worsened: 'red',
  'no-important-change': 'default',
  'not-assessable': 'default',
};

interface FormProps {
  patientId: string;
  open: boolean;
  onClose(): void;
  onDone(): void;
}

/** Sends the filled entries of a form as one all-or-nothing set. */
async function sendSet(patientId: string, entries: (ObservationCreate | null)[]) {
  const filled = entries.filter((e): e is ObservationCreate => e !== null);
  if (filled.length === 0) return false;
  await endpoints.addObservations(patientId, filled);
  return true;
}

function SetModal({
  title,
  testId,
  open,
  onClose,
  error,
  onOk,
  onAfterClose,
  children,
}: {
  title: string;
  testId: string;
  open: boolean;
  onClose(): void;
  error: unknown;
  onOk(): void;
  /** Clears the form so that the next opening starts afresh. */
  onAfterClose(): void;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={onOk}
      afterClose={onAfterClose}
      okButtonProps={{ 'data-testid': `${testId}-submit` } as ButtonProps}
      destroyOnHidden
      okText={t('common.save')}
      cancelText={t('common.cancel')}
    >
      <ErrorAlert error={error} />
      {children}
    </Modal>
  );
}

const unitSelect = (code: ObservationCode, testId?: string) => (
  <Select
    style={{ width: 110 }}
    data-testid={testId}
    options={unitsOf(code).map((u) => ({ value: u, label: u }))}
  />
);

interface VitalsValues {
  observedOn: Dayjs;
  temperature?: number;
  temperatureUnit: string;
  heartRate?: number;
  systolic?: number;
  diastolic?: number;
  bpUnit: string;
  spo2?: number;
  weight?: number;
  weightUnit: string;
}

/** Vital signs taken together: each filled value becomes an observation (LOINC vital-sign codes). */
export function VitalsForm({ patientId, open, onClose, onDone }: FormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<VitalsValues>();
  const [error, setError] = useState<unknown>(null);
  const c = (k: string) => t(`measures.codes.${k}`);
  return (
    <SetModal
      title={t('measures.addVitals')}
      testId="vitals"
      open={open}
      onClose={onClose}
      error={error}
      onOk={() => form.submit()}
      onAfterClose={() => {
        form.resetFields();
        setError(null);
      }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ observedOn: dayjs(), temperatureUnit: '°C', bpUnit: 'mmHg', weightUnit: 'kg' }}
        onFinish={async (v) => {
          const on = v.observedOn.format(DATE_FORMAT);
          const entry = (code: ObservationCode, value: number | undefined, unit: string) =>
            value == null ? null : { code, value, unit, observedOn: on };
          try {
            const sent = await sendSet(patientId, [
              entry('temperature', v.temperature, v.temperatureUnit),
              entry('heart-rate', v.heartRate, '/min'),
              entry('bp-systolic', v.systolic, v.bpUnit),
              entry('bp-diastolic', v.diastolic, v.bpUnit),
              entry('spo2', v.spo2, '%'),
              entry('weight', v.weight, v.weightUnit),
            ]);
            if (!sent) {
              setError(new Error(t('measures.atLeastOne')));
              return;
            }
            setError(null);
            onDone();
          } catch (e) {
            setError(e);
          }
        }}
      >
        <Form.Item name="observedOn" label={t('followup.observedOn')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} />
        </Form.Item>
        <Space wrap>
          <Form.Item label={c('temperature')}>
            <Space.Compact>
              <Form.Item name="temperature" noStyle>
                <InputNumber data-testid="vitals-temperature" />
              </Form.Item>
              <Form.Item name="temperatureUnit" noStyle>
                {unitSelect('temperature')}
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item name="heartRate" label={`${c('heart-rate')} (/min)`}>
            <InputNumber data-testid="vitals-heart-rate" />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="systolic" label={c('bp-systolic')}>
            <InputNumber data-testid="vitals-systolic" />
          </Form.Item>
          <Form.Item name="diastolic" label={c('bp-diastolic')}>
            <InputNumber data-testid="vitals-diastolic" />
          </Form.Item>
          <Form.Item name="bpUnit" label={t('measures.unit')}>
            {unitSelect('bp-systolic')}
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="spo2" label={`${c('spo2')} (%)`}>
            <InputNumber data-testid="vitals-spo2" />
          </Form.Item>
          <Form.Item label={c('weight')}>
            <Space.Compact>
              <Form.Item name="weight" noStyle>
                <InputNumber data-testid="vitals-weight" />
              </Form.Item>
              <Form.Item name="weightUnit" noStyle>
                {unitSelect('weight')}
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Space>
      </Form>
    </SetModal>
  );
}

interface ImagingValues {
  code: (typeof IMAGING_CODES)[number];
  value: number;
  unit: string;
  method?: 'R2' | 'R2*';
  observedOn: Dayjs;
}

/** One imaging result: liver iron by MRI (with its method) or cardiac T2*. */
export function ImagingForm({ patientId, open, onClose, onDone }: FormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ImagingValues>();
  const [error, setError] = useState<unknown>(null);
  const code = Form.useWatch('code', form);
  return (
    <SetModal
      title={t('measures.addImaging')}
      testId="imaging"
      open={open}
      onClose={onClose}
      error={error}
      onOk={() => form.submit()}
      onAfterClose={() => {
        form.resetFields();
        setError(null);
      }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ code: 'lic-mri', unit: 'mg/g', method: 'R2*', observedOn: dayjs() }}
        onFinish={async (v) => {
          try {
            await endpoints.addObservation(patientId, {
              code: v.code,
              value: v.value,
              unit: v.unit,
              observedOn: v.observedOn.format(DATE_FORMAT),
              method: v.code === 'lic-mri' ? (v.method ?? null) : null,
            });
            setError(null);
            onDone();
          } catch (e) {
            applyFieldErrors(form, e, ['code', 'value', 'unit', 'method', 'observedOn']);
            setError(e);
          }
        }}
      >
        <Form.Item name="code" label={t('measures.kind')} rules={[{ required: true }]}>
          <Select
            data-testid="imaging-kind"
            options={IMAGING_CODES.map((c) => ({ value: c, label: t(`measures.codes.${c}`) }))}
            onChange={(c: ImagingValues['code']) => form.setFieldValue('unit', unitsOf(c)[0])}
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="value" label={t('measures.value')} rules={[{ required: true }]}>
            <InputNumber data-testid="imaging-value" />
          </Form.Item>
          <Form.Item name="unit" label={t('measures.unit')} rules={[{ required: true }]}>
            <Select
              style={{ width: 130 }}
              options={(code ? unitsOf(code) : []).map((u) => ({ value: u, label: u }))}
            />
          </Form.Item>
          {code === 'lic-mri' && (
            <Form.Item name="method" label={t('measures.method')} rules={[{ required: true }]}>
              <Select
                style={{ width: 100 }}
                data-testid="imaging-method"
                options={['R2', 'R2*'].map((m) => ({ value: m, label: `MRI ${m}` }))}
              />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="observedOn" label={t('followup.observedOn')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} />
        </Form.Item>
      </Form>
    </SetModal>
  );
}

interface ScoreValues {
  observedOn: Dayjs;
  bilirubin?: number;
  bilirubinUnit: string;
  creatinine?: number;
  creatinineUnit: string;
  inr?: number;
  meld?: number;
  [koos: `koos-${string}`]: number | undefined;
}

/** MELD from same-day labs (previewed with the domain's scores module) or as reported; KOOS subscale scores. */
export function ScoresForm({ patientId, open, onClose, onDone }: FormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScoreValues>();
  const [error, setError] = useState<unknown>(null);
  const bilirubin = Form.useWatch('bilirubin', form);
  const bilirubinUnit = Form.useWatch('bilirubinUnit', form);
  const creatinine = Form.useWatch('creatinine', form);
  const creatinineUnit = Form.useWatch('creatinineUnit', form);
  const inr = Form.useWatch('inr', form);
  let preview: number | null = null;
  if (bilirubin && creatinine && inr) {
    try {
      preview = calculateMeld({
        bilirubin: { value: bilirubin, unit: bilirubinUnit },
        creatinine: { value: creatinine, unit: creatinineUnit },
        inr,
        dialysisTwiceInPastWeek: false,
      }).meld;
    } catch {
      preview = null;
    }
  }
  const koosCodes = SCORE_CODES.filter((c) => c.startsWith('koos-'));
  return (
    <SetModal
      title={t('measures.addScores')}
      testId="scores"
      open={open}
      onClose={onClose}
      error={error}
      onOk={() => form.submit()}
      onAfterClose={() => {
        form.resetFields();
        setError(null);
      }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ observedOn: dayjs(), bilirubinUnit: 'mg/dL', creatinineUnit: 'mg/dL' }}
        onFinish={async (v) => {
          const on = v.observedOn.format(DATE_FORMAT);
          const entry = (code: ObservationCode, value: number | undefined, unit: string) =>
            value == null ? null : { code, value, unit, observedOn: on };
          try {
            const sent = await sendSet(patientId, [
              entry('bilirubin', v.bilirubin, v.bilirubinUnit),
              entry('creatinine', v.creatinine, v.creatinineUnit),
              entry('inr', v.inr, 'INR'),
              entry('meld', v.meld, 'score'),
              ...koosCodes.map((c) => entry(c, v[c], 'score')),
            ]);
            if (!sent) {
              setError(new Error(t('measures.atLeastOne')));
              return;
            }
            setError(null);
            onDone();
          } catch (e) {
            setError(e);
          }
        }}
      >
        <Form.Item name="observedOn" label={t('followup.observedOn')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} />
        </Form.Item>
        <Typography.Text strong>{t('measures.meldFromLabs')}</Typography.Text>
        <Space wrap>
          <Form.Item label={t('measures.bilirubin')}>
            <Space.Compact>
              <Form.Item name="bilirubin" noStyle>
                <InputNumber data-testid="scores-bilirubin" />
              </Form.Item>
              <Form.Item name="bilirubinUnit" noStyle>
                {unitSelect('bilirubin')}
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item label={t('measures.creatinine')}>
            <Space.Compact>
              <Form.Item name="creatinine" noStyle>
                <InputNumber data-testid="scores-creatinine" />
              </Form.Item>
              <Form.Item name="creatinineUnit" noStyle>
                {unitSelect('creatinine')}
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item name="inr" label={t('measures.inr')}>
            <InputNumber data-testid="scores-inr" />
          </Form.Item>
        </Space>
        {preview !== null && (
          <Typography.Paragraph data-testid="scores-meld-preview">
            {t('measures.meldPreview', { meld: preview })}
          </Typography.Paragraph>
        )}
        <Form.Item name="meld" label={t('measures.meldEntered')}>
          <InputNumber min={6} max={40} precision={0} data-testid="scores-meld" />
        </Form.Item>
        <Typography.Text strong>{t('measures.koosSubscales')}</Typography.Text>
        <Space wrap>
          {koosCodes.map((c) => (
            <Form.Item key={c} name={c} label={t(`measures.codes.${c}`)}>
              <InputNumber min={0} max={100} data-testid={`scores-${c}`} />
            </Form.Item>
          ))}
        </Space>
      </Form>
    </SetModal>
  );
}

function IronSummary({ iron }: { iron: Measures['iron'] }) {
  const { t } = useTranslation();
  const level = (m: 'ferritin' | 'lic' | 't2star', unit: string) => {
    const p = iron.latest[m];
    if (!p) return '—';
    return (
      <Space size={4}>
        <span>
          {Number(p.value.toPrecision(3))} {unit}
        </span>
        <Tag color={LEVEL_COLOR[p.level]} data-testid={`iron-${m}-level`}>
          {t(`measures.ironLevel.${p.level}`)}
        </Tag>
        <small>{p.date}</small>
      </Space>
    );
  };
  return (
    <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered data-testid="iron-summary">
      <Descriptions.Item label={t('measures.ferritin')}>{level('ferritin', 'ng/mL')}</Descriptions.Item>
      <Descriptions.Item label={t('measures.lic')}>{level('lic', 'mg/g')}</Descriptions.Item>
      <Descriptions.Item label={t('measures.t2star')}>{level('t2star', 'ms')}</Descriptions.Item>
      <Descriptions.Item label={t('measures.ironOverall')}>
        {iron.overall ? (
          <Tag color={LEVEL_COLOR[iron.overall]} data-testid="iron-overall">
            {t(`measures.ironLevel.${iron.overall}`)}
          </Tag>
        ) : (
          '—'
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

/**
 * The measures of a patient's follow-up: iron status (ferritin, LIC, cardiac T2* with their categories), vitals,
 * MELD, KOOS change from baseline and the GVHD grade history, each recomputed by the server from the raw records.
 */
export function MeasuresCard({
  f,
  patientId,
  mayWrite,
  onChanged,
}: {
  f: FollowupSummary;
  patientId: string;
  mayWrite: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<'vitals' | 'imaging' | 'scores' | null>(null);
  const m = f.measures;
  if (!m) return null;
  const series = (code: string) =>
    f.observations
      .filter((o) => o.code === code && o.status === 'final')
      .map((o) => ({ date: o.observedOn, value: o.valueCanonical }));
  const iron = (measure: 'ferritin' | 'lic' | 't2star') =>
    m.iron.points.filter((p) => p.measure === measure).map((p) => ({ date: p.date, value: p.value }));
  const done = () => {
    setForm(null);
    onChanged();
  };
  const koosNames = ['pain', 'symptoms', 'adl', 'sport', 'qol'] as const;
  const koosColors = ['#cf1322', '#fa8c16', '#1677ff', '#52c41a', '#722ed1'];
  return (
    <Card
      size="small"
      title={t('measures.title')}
      data-testid="measures-card"
      extra={
        mayWrite && (
          <Space wrap>
            <Button icon={<PlusOutlined />} onClick={() => setForm('vitals')} data-testid="vitals-new">
              {t('measures.addVitals')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setForm('imaging')} data-testid="imaging-new">
              {t('measures.addImaging')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setForm('scores')} data-testid="scores-new">
              {t('measures.addScores')}
            </Button>
          </Space>
        )
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Title level={5}>{t('measures.iron')}</Typography.Title>
        <IronSummary iron={m.iron} />
        <Row gutter={16}>
          <Col xs={24} lg={8}>
            <Card size="small" title={t('followup.ferritinChart')}>
              <TimeChart
                testId="chart-iron-ferritin"
                series={[{ name: 'ng/mL', color: '#722ed1', points: iron('ferritin') }]}
                thresholds={[
                  { value: 1000, label: '1000' },
                  { value: 2500, label: '2500' },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card size="small" title={t('measures.licChart')}>
              <TimeChart
                testId="chart-iron-lic"
                series={[{ name: 'LIC mg/g', color: '#d4380d', points: iron('lic') }]}
                thresholds={[
                  { value: 3, label: '3' },
                  { value: 7, label: '7' },
                  { value: 15, label: '15' },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card size="small" title={t('measures.t2starChart')}>
              <TimeChart
                testId="chart-iron-t2star"
                series={[{ name: 'T2* ms', color: '#08979c', points: iron('t2star') }]}
                thresholds={[
                  { value: 10, label: '10 ms' },
                  { value: 20, label: '20 ms' },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('measures.vitalsChart')}>
              <TimeChart
                testId="chart-vitals"
                series={[
                  { name: t('measures.codes.heart-rate'), color: '#cf1322', points: series('heart-rate') },
                  { name: t('measures.codes.bp-systolic'), color: '#1677ff', points: series('bp-systolic') },
                  {
                    name: t('measures.codes.bp-diastolic'),
                    color: '#69b1ff',
                    points: series('bp-diastolic'),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('measures.weightChart')}>
              <TimeChart
                testId="chart-weight"
                series={[{ name: 'kg', color: '#389e0d', points: series('weight') }]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card
              size="small"
              title={t('measures.meldChart')}
              extra={
                m.meld.latest && (
                  <span data-testid="meld-latest">
                    {t('measures.meldLatest')} {m.meld.latest.meld} (
                    {t(`measures.meldSource.${m.meld.latest.source}`)})
                  </span>
                )
              }
            >
              <TimeChart
                testId="chart-meld"
                series={[
                  {
                    name: t('measures.meldSource.computed'),
                    color: '#ad6800',
                    points: m.meld.points
                      .filter((p) => p.source === 'computed')
                      .map((p) => ({ date: p.date, value: p.meld })),
                  },
                  {
                    name: t('measures.meldSource.entered'),
                    color: '#531dab',
                    points: m.meld.points
                      .filter((p) => p.source === 'entered')
                      .map((p) => ({ date: p.date, value: p.meld })),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('measures.gvhd')}>
              {m.gvhd.maxGrade === null ? (
                <Typography.Text type="secondary">{t('measures.gvhdNone')}</Typography.Text>
              ) : (
                <>
                  <Tag color="volcano" data-testid="gvhd-max">
                    {t('measures.gvhdMax', { grade: m.gvhd.maxGrade })}
                  </Tag>
                  <TimeChart
                    testId="chart-gvhd"
                    series={[
                      {
                        name: 'GVHD',
                        color: '#a8071a',
                        points: m.gvhd.points.map((p) => ({ date: p.date, value: p.grade })),
                      },
                    ]}
                  />
                </>
              )}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('measures.koosChart')}>
              <TimeChart
                testId="chart-koos"
                series={koosNames.map((n, i) => ({
                  name: t(`measures.koosNames.${n}`),
                  color: koosColors[i]!,
                  points: m.koos[n].points.map((p) => ({ date: p.date, value: p.score })),
                }))}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('measures.koosChange')} extra={t('measures.mic', { mic: KOOS_MIC })}>
              <Table
                rowKey="name"
                size="small"
                pagination={false}
                data-testid="koos-change"
                dataSource={koosNames.map((name) => ({ name, ...m.koos[name] }))}
                columns={[
                  { title: t('measures.subscale'), render: (_, r) => t(`measures.koosNames.${r.name}`) },
                  { title: t('measures.baseline'), render: (_, r) => r.baseline?.score.toFixed(1) ?? '—' },
                  { title: t('measures.latest'), render: (_, r) => r.latest?.score.toFixed(1) ?? '—' },
                  {
                    title: t('measures.change'),
                    render: (_, r) =>
                      r.change === null ? '—' : `${r.change > 0 ? '+' : ''}${r.change.toFixed(1)}`,
                  },
                  {
                    title: '',
                    render: (_, r) => (
                      <Tag color={VERDICT_COLOR[r.verdict]}>{t(`measures.verdict.${r.verdict}`)}</Tag>
                    ),
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      </Space>
      <VitalsForm
        patientId={patientId}
        open={form === 'vitals'}
        onClose={() => setForm(null)}
        onDone={done}
      />
      <ImagingForm
        patientId={patientId}
        open={form === 'imaging'}
        onClose={() => setForm(null)}
        onDone={done}
      />
      <ScoresForm
        patientId={patientId}
        open={form === 'scores'}
        onClose={() => setForm(null)}
        onDone={done}
      />
    </Card>
  );
}
