import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { can } from '@cgtlink/domain/access/index';
import { GRAFT_SOURCES } from '@cgtlink/domain/clinical/engraftment';
import { LAB_CODES, unitsOf } from '@cgtlink/domain/followup/catalog';
import { PROTOCOLS } from '@cgtlink/domain/followup/schedule';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { AdverseEvent, FollowupSummary } from '../api/types';
import { AdverseEventForm } from '../components/AdverseEventForm';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { TimeChart } from '../components/TimeChart';
import { useLoad } from '../components/useLoad';
import { DATE_FORMAT } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { MeasuresCard } from './FollowupMeasures';

const VISIT_COLOR: Record<string, string> = {
  done: 'green',
  upcoming: 'default',
  open: 'blue',
  overdue: 'red',
};

export function ExpeditedTag({ ae }: { ae: AdverseEvent }) {
  const { t } = useTranslation();
  if (!ae.expedited.required) return <Tag>{t('expeditedStatus.not-required')}</Tag>;
  return (
    <Space size={4} data-testid="ae-expedited">
      <Tag color={ae.expedited.late ? 'red' : 'orange'}>{t(`expeditedStatus.${ae.expedited.status}`)}</Tag>
      <span>{t('followup.dueDate', { date: ae.expedited.dueDate })}</span>
    </Space>
  );
}

function AddObservation({
  patientId,
  open,
  onClose,
  onDone,
}: {
  patientId: string;
  open: boolean;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    code: (typeof LAB_CODES)[number];
    value: number;
    unit: string;
    observedOn: Dayjs;
    lln?: number;
    uln?: number;
  }>();
  const [error, setError] = useState<unknown>(null);
  const code = Form.useWatch('code', form);
  return (
    <Modal
      open={open}
      title={t('followup.addObservation')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'obs-submit' } as ButtonProps}
      destroyOnHidden
      okText={t('common.save')}
      cancelText={t('common.cancel')}
    >
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ code: 'hb', unit: 'g/dL', observedOn: dayjs() }}
        onFinish={async (v) => {
          try {
            await endpoints.addObservation(patientId, {
              code: v.code,
              value: v.value,
              unit: v.unit,
              observedOn: v.observedOn.format(DATE_FORMAT),
              lln: v.lln ?? null,
              uln: v.uln ?? null,
            });
            onDone();
          } catch (e) {
            applyFieldErrors(form, e, ['code', 'value', 'unit', 'observedOn', 'lln', 'uln']);
            setError(e);
          }
        }}
      >
        <Form.Item name="code" label={t('followup.code')} rules={[{ required: true }]}>
          <Select
            options={LAB_CODES.map((c) => ({ value: c, label: c }))}
            onChange={(c: (typeof LAB_CODES)[number]) => form.setFieldValue('unit', unitsOf(c)[0])}
          />
        </Form.Item>
        <Form.Item name="value" label={t('followup.value')} rules={[{ required: true }]}>
          <InputNumber style={{ width: '100%' }} data-testid="obs-value" />
        </Form.Item>
        <Form.Item name="unit" label={t('followup.unit')} rules={[{ required: true }]}>
          <Select options={(code ? unitsOf(code) : []).map((u) => ({ value: u, label: u }))} />
        </Form.Item>
        <Form.Item name="observedOn" label={t('followup.observedOn')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} />
        </Form.Item>
        <Space>
          <Form.Item name="lln" label={t('followup.lln')}>
            <InputNumber />
          </Form.Item>
          <Form.Item name="uln" label={t('followup.uln')}>
            <InputNumber />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function Enrol({ patientId, onDone }: { patientId: string; onDone(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    productName: string;
    graftSource: string;
    protocol: string;
    infusionDate: Dayjs;
    referenceTerms: string[];
  }>();
  const [error, setError] = useState<unknown>(null);
  return (
    <Form
      form={form}
      layout="vertical"
      style={{ maxWidth: 480 }}
      data-testid="enrol-form"
      initialValues={{ graftSource: 'gene-therapy', protocol: 'gene-therapy', referenceTerms: [] }}
      onFinish={async (v) => {
        try {
          await endpoints.enrol(patientId, { ...v, infusionDate: v.infusionDate.format(DATE_FORMAT) });
          onDone();
        } catch (e) {
          applyFieldErrors(form, e, ['productName', 'graftSource', 'protocol', 'infusionDate']);
          setError(e);
        }
      }}
    >
      <ErrorAlert error={error} />
      <Form.Item name="productName" label={t('followup.product')} rules={[{ required: true }]}>
        <Input data-testid="enrol-product" />
      </Form.Item>
      <Form.Item name="graftSource" label={t('followup.graftSource')}>
        <Select options={GRAFT_SOURCES.map((g) => ({ value: g, label: g }))} />
      </Form.Item>
      <Form.Item name="protocol" label={t('followup.protocol')}>
        <Select options={PROTOCOLS.map((p) => ({ value: p, label: p }))} />
      </Form.Item>
      <Form.Item name="infusionDate" label={t('followup.infusionDate')} rules={[{ required: true }]}>
        <DatePicker format={DATE_FORMAT} data-testid="enrol-date" />
      </Form.Item>
      <Form.Item name="referenceTerms" label={t('followup.referenceTerms')}>
        <Select mode="tags" />
      </Form.Item>
      <Button type="primary" htmlType="submit" data-testid="enrol-submit">
        {t('followup.enrol')}
      </Button>
    </Form>
  );
}

function AddTransfusion({
  patientId,
  open,
  onClose,
  onDone,
}: {
  patientId: string;
  open: boolean;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    givenOn: Dayjs;
    product: 'red-cells' | 'platelets' | 'plasma' | 'other';
    volumeMl?: number;
    units?: number;
  }>();
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal
      open={open}
      title={t('followup.addTransfusion')}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
      okText={t('common.save')}
      cancelText={t('common.cancel')}
    >
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ givenOn: dayjs(), product: 'red-cells' }}
        onFinish={async (v) => {
          try {
            await endpoints.addTransfusion(patientId, {
              givenOn: v.givenOn.format(DATE_FORMAT),
              product: v.product,
              volumeMl: v.volumeMl ?? null,
              units: v.units ?? null,
            });
            onDone();
          } catch (e) {
            applyFieldErrors(form, e, ['givenOn', 'product', 'volumeMl', 'units']);
            setError(e);
          }
        }}
      >
        <Form.Item name="givenOn" label={t('followup.givenOn')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} />
        </Form.Item>
        <Form.Item name="product" label={t('followup.productKind')}>
          <Select
            options={['red-cells', 'platelets', 'plasma', 'other'].map((p) => ({ value: p, label: p }))}
          />
        </Form.Item>
        <Form.Item name="volumeMl" label={t('followup.volumeMl')}>
          <InputNumber min={1} max={5000} />
        </Form.Item>
        <Form.Item name="units" label={t('followup.units')}>
          <InputNumber min={1} max={20} precision={0} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Endpoints({ data }: { data: FollowupSummary }) {
  const { t } = useTranslation();
  const e = data.endpoints;
  if (!e) return null;
  const lineage = (l: typeof e.engraftment.neutrophil) => (
    <Space orientation="vertical" size={0}>
      <span>
        <Tag color={l.status === 'engrafted' ? 'green' : l.status === 'graft-failure' ? 'red' : 'default'}>
          {l.status}
        </Tag>
        {l.engraftmentDay !== undefined && t('followup.day', { day: l.engraftmentDay })}
      </span>
      <small>{l.reason}</small>
    </Space>
  );
  const ti = e.transfusionIndependence;
  return (
    <Descriptions bordered column={1} size="small" data-testid="followup-endpoints">
      <Descriptions.Item label={t('followup.neutrophil')}>
        {lineage(e.engraftment.neutrophil)}
      </Descriptions.Item>
      <Descriptions.Item label={t('followup.platelet')}>{lineage(e.engraftment.platelet)}</Descriptions.Item>
      <Descriptions.Item label={t('followup.ti')}>
        {ti ? (
          <Space orientation="vertical" size={0}>
            <span>
              <Tag color={ti.status === 'achieved' ? 'green' : 'default'}>{ti.status}</Tag>
              {ti.period?.weightedHbGdl != null &&
                t('followup.weightedHb', { hb: ti.period.weightedHbGdl.toFixed(1) })}
            </span>
            <small>{ti.reason}</small>
          </Space>
        ) : (
          '—'
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** A patient's follow-up: end points, charts, results, transfusions, visits and adverse events. */
export function FollowupPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const principal = usePrincipal();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const data = useLoad(() => endpoints.followup(id), [id]);
  const [adding, setAdding] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [transfusing, setTransfusing] = useState(false);
  const mayWrite = can(principal, 'followup.write');
  const f = data.data;
  const series = (code: string) =>
    (f?.observations ?? [])
      .filter((o) => o.code === code && o.status === 'final')
      .map((o) => ({ date: o.observedOn, value: o.valueCanonical }));
  const infusion = f?.enrolment?.infusionDate;
  const nearEngraftment = (p: { date: string }) =>
    !infusion || dayjs(p.date).diff(dayjs(infusion), 'day') <= 100;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/patients/${id}`)}>
        {t('common.back')}
      </Button>
      <ErrorAlert error={data.error} />
      <Card
        title={`${t('followup.title')} · ${f?.pseudonym ?? ''}`}
        loading={data.loading && !f}
        data-testid="followup-page"
      >
        {f && !f.enrolment && <Empty description={t('followup.notEnrolled')} />}
        {f && !f.enrolment && mayWrite && <Enrol patientId={id} onDone={() => data.reload()} />}
        {f?.enrolment && (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Descriptions size="small" column={3}>
              <Descriptions.Item label={t('followup.product')}>{f.enrolment.productName}</Descriptions.Item>
              <Descriptions.Item label={t('followup.infusionDate')}>
                {f.enrolment.infusionDate}
              </Descriptions.Item>
              <Descriptions.Item label={t('followup.protocol')}>{f.enrolment.protocol}</Descriptions.Item>
            </Descriptions>
            <Card size="small" title={t('followup.endpoints')}>
              <Endpoints data={f} />
            </Card>
            <Row gutter={16}>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('followup.hbChart')}>
                  <TimeChart
                    testId="chart-hb"
                    series={[{ name: 'Hb g/dL', color: '#cf1322', points: series('hb') }]}
                    thresholds={[{ value: 9, label: '9 g/dL' }]}
                    events={f.transfusions
                      .filter((x) => x.status === 'final' && x.product === 'red-cells')
                      .map((x) => ({ date: x.givenOn, label: 'RBC' }))}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('followup.countsChart')}>
                  <TimeChart
                    testId="chart-counts"
                    series={[
                      { name: 'ANC ×10⁹/L', color: '#1677ff', points: series('anc').filter(nearEngraftment) },
                      {
                        name: 'PLT ×10⁹/L /10',
                        color: '#52c41a',
                        points: series('platelets')
                          .filter(nearEngraftment)
                          .map((p) => ({ ...p, value: p.value / 10 })),
                      },
                    ]}
                    thresholds={[
                      { value: 0.5, label: 'ANC 0.5' },
                      { value: 2, label: 'PLT 20' },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('followup.ferritinChart')}>
                  <TimeChart
                    testId="chart-ferritin"
                    series={[{ name: 'ng/mL', color: '#722ed1', points: series('ferritin') }]}
                    thresholds={[{ value: 1000, label: '1000' }]}
                  />
                </Card>
              </Col>
            </Row>
          </Space>
        )}
      </Card>
      {f?.enrolment && (
        <MeasuresCard
          f={f}
          patientId={id}
          mayWrite={mayWrite}
          onChanged={() => {
            void message.success(t('followup.saved'));
            data.reload();
          }}
        />
      )}
      {f?.enrolment && (
        <>
          <Card
            size="small"
            title={t('followup.adverseEvents')}
            extra={
              can(principal, 'adverse-event.report') && (
                <Button icon={<PlusOutlined />} onClick={() => setReporting(true)} data-testid="ae-new">
                  {t('followup.reportAe')}
                </Button>
              )
            }
          >
            <Table<AdverseEvent>
              rowKey="id"
              size="small"
              data-testid="ae-table"
              dataSource={f.adverseEvents}
              pagination={false}
              columns={[
                { title: t('followup.onsetDate'), dataIndex: 'onsetDate' },
                { title: t('followup.term'), dataIndex: 'term' },
                { title: t('followup.grade'), dataIndex: 'grade' },
                {
                  title: t('followup.seriousness'),
                  render: (_, ae) => ae.seriousness.map((s) => t(`seriousness.${s}`)).join('、'),
                },
                { title: t('followup.outcome'), render: (_, ae) => t(`outcome.${ae.outcome}`) },
                { title: t('followup.expedited'), render: (_, ae) => <ExpeditedTag ae={ae} /> },
              ]}
            />
          </Card>
          <Card
            size="small"
            title={t('followup.observations')}
            extra={
              mayWrite && (
                <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="obs-new">
                  {t('followup.addObservation')}
                </Button>
              )
            }
          >
            <Table
              rowKey="id"
              size="small"
              dataSource={[...f.observations].reverse()}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: t('followup.observedOn'), dataIndex: 'observedOn' },
                { title: t('followup.code'), dataIndex: 'code' },
                { title: 'LOINC', dataIndex: 'loinc' },
                { title: t('followup.value'), render: (_, o) => `${o.value} ${o.unit}` },
                {
                  title: t('followup.unit'),
                  render: (_, o) => `${Number(o.valueCanonical.toPrecision(4))} ${o.canonicalUnit}`,
                },
                { title: t('common.status'), dataIndex: 'status' },
              ]}
            />
          </Card>
          <Card
            size="small"
            title={t('followup.transfusions')}
            extra={
              mayWrite && (
                <Button icon={<PlusOutlined />} onClick={() => setTransfusing(true)} data-testid="tx-new">
                  {t('followup.addTransfusion')}
                </Button>
              )
            }
          >
            <Table
              rowKey="id"
              size="small"
              dataSource={[...f.transfusions].reverse()}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: t('followup.givenOn'), dataIndex: 'givenOn' },
                { title: t('followup.productKind'), dataIndex: 'product' },
                { title: t('followup.volumeMl'), dataIndex: 'volumeMl' },
                { title: t('followup.units'), dataIndex: 'units' },
                {
                  title: t('common.status'),
                  render: (_, x) =>
                    x.status === 'patient-reported' && mayWrite ? (
                      <Button
                        size="small"
                        onClick={() =>
                          void endpoints
                            .confirmTransfusion(x.id, x.version)
                            .then(() => data.reload())
                            .catch((e: unknown) => void message.error(String(e)))
                        }
                      >
                        {t('followup.confirm')}
                      </Button>
                    ) : (
                      x.status
                    ),
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('followup.visits')}>
            <Table
              rowKey="id"
              size="small"
              dataSource={f.visits}
              pagination={{ pageSize: 8 }}
              columns={[
                { title: '', dataIndex: 'label' },
                { title: t('followup.due'), dataIndex: 'dueDate' },
                { title: t('followup.window'), render: (_, v) => `${v.windowStart} – ${v.windowEnd}` },
                {
                  title: t('common.status'),
                  render: (_, v) => <Tag color={VISIT_COLOR[v.status]}>{t(`visitStatus.${v.status}`)}</Tag>,
                },
              ]}
            />
          </Card>
        </>
      )}
      <AddObservation
        patientId={id}
        open={adding}
        onClose={() => setAdding(false)}
        onDone={() => {
          setAdding(false);
          void message.success(t('followup.saved'));
          data.reload();
        }}
      />
      <AddTransfusion
        patientId={id}
        open={transfusing}
        onClose={() => setTransfusing(false)}
        onDone={() => {
          setTransfusing(false);
          void message.success(t('followup.saved'));
          data.reload();
        }}
      />
      <AdverseEventForm
        patientId={id}
        open={reporting}
        observations={f?.observations ?? []}
        onClose={() => setReporting(false)}
        onDone={() => {
          setReporting(false);
          data.reload();
        }}
      />
    </Space>
  );
}
