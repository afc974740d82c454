import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  type InputRef,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { pathwayApi, type TherapyDetail } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { HistoryDrawer } from '../components/HistoryDrawer';
import { useLoad } from '../components/useLoad';
import { formatDateTime, formatValue } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { AssessDeviation, CustodyActions } from './CustodyActions';
import { CorrectEntry, SourceCard, SourceFields, type SourceFormValues, sourceBody } from './TherapyExtras';

type StepForm = { step: string; din?: string; note?: string } & SourceFormValues;

/** Records the next step the principal's end may take; a 409 on a stale version reloads and says so. */
function NextStep({ therapy, onDone }: { therapy: TherapyDetail; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<StepForm>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const step = Form.useWatch('step', form);
  if (therapy.nextSteps.length === 0) return <Alert type="info" title={t('pathway.noNextStep')} />;
  const submit = async (values: StepForm) => {
    setSaving(true);
    setError(null);
    try {
      await pathwayApi.recordStep(therapy.id, {
        step: values.step,
        expectedVersion: therapy.version,
        ...(values.din ? { din: values.din.trim() } : {}),
        ...(values.note ? { data: { note: values.note } } : {}),
        ...sourceBody(values.step, values),
      });
      void message.success(t(`pathway.stepNames.${values.step}`));
      form.resetFields();
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && /changed since/.test(e.problem.detail)) {
        void message.warning(t('pathway.conflictReload'));
        onDone();
      }
      applyFieldErrors(form, e, ['din', 'batchId']);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ step: therapy.nextSteps[0] }}>
      <ErrorAlert error={error} />
      <Form.Item name="step" label={t('pathway.step')} rules={[{ required: true }]}>
        <Select
          data-testid="step-select"
          options={therapy.nextSteps.map((s) => ({ value: s, label: t(`pathway.stepNames.${s}`) }))}
        />
      </Form.Item>
      <SourceFields step={step} patientId={therapy.patientId} />
      {(step === 'apheresis' || step === 'collection' || step === 'lot_allocation') && (
        <Form.Item name="din" label={t('pathway.din')} rules={[{ required: true }]}>
          <Input data-testid="step-din" />
        </Form.Item>
      )}
      <Form.Item name="note" label={t('pathway.data')}>
        <Input data-testid="step-note" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="step-record">
        {t('pathway.record')}
      </Button>
    </Form>
  );
}

interface BedsideForm {
  wristband: string;
  din: string;
  productCode: string;
  secondUsername: string;
  secondPassword: string;
  password: string;
}

/**
 * The bedside check. A keyboard-wedge scanner types the code and presses Enter: Enter in one field moves to the
 * next, so three scans fill wristband, DIN and product code without touching the mouse.
 */
function Bedside({ therapy, onDone }: { therapy: TherapyDetail; onDone(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<BedsideForm>();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [saving, setSaving] = useState(false);
  const din = useRef<InputRef>(null);
  const code = useRef<InputRef>(null);
  const second = useRef<InputRef>(null);
  const next = (ref: React.RefObject<InputRef | null>) => (e: React.KeyboardEvent) => {
    e.preventDefault();
    ref.current?.focus();
  };
  const submit = async (v: BedsideForm) => {
    setSaving(true);
    setError(null);
    try {
      await pathwayApi.bedside(therapy.id, {
        wristband: v.wristband,
        din: v.din,
        productCode: v.productCode,
        expectedVersion: therapy.version,
        password: v.password,
        secondVerifier: { username: v.secondUsername, password: v.secondPassword },
      });
      setDone(true);
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['password']);
      setError(e);
      onDone();
    } finally {
      setSaving(false);
    }
  };
  if (done || therapy.bedside.some((b) => b.ok))
    return <Alert type="success" showIcon title={t('pathway.verified')} data-testid="bedside-ok" />;
  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="bedside-form">
      <Alert type="info" title={t('pathway.bedsideHelp')} style={{ marginBottom: 16 }} />
      {error ? (
        <div data-testid="bedside-refused">
          <ErrorAlert error={error} />
        </div>
      ) : null}
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="wristband" label={t('pathway.wristband')} rules={[{ required: true }]}>
            <Input autoFocus onPressEnter={next(din)} data-testid="bedside-wristband" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="din" label={t('pathway.din')} rules={[{ required: true }]}>
            <Input ref={din} onPressEnter={next(code)} data-testid="bedside-din" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="productCode" label={t('pathway.productCode')} rules={[{ required: true }]}>
            <Input ref={code} onPressEnter={next(second)} data-testid="bedside-product" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="secondUsername" label={t('pathway.secondVerifier')} rules={[{ required: true }]}>
            <Input ref={second} data-testid="bedside-second-user" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="secondPassword" label={t('pathway.secondPassword')} rules={[{ required: true }]}>
            <Input.Password data-testid="bedside-second-password" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="password"
            label={t('pathway.password')}
            rules={[{ required: true, message: t('pathway.passwordRequired') }]}
          >
            <Input.Password data-testid="bedside-password" />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" danger htmlType="submit" loading={saving} data-testid="bedside-verify">
        {t('pathway.verify')}
      </Button>
    </Form>
  );
}

/** One therapy: the pathway timeline, the chain of identity and custody, and the bedside check. */
export function TherapyPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const principal = usePrincipal();
  const navigate = useNavigate();
  const therapy = useLoad(() => pathwayApi.therapy(id), [id]);
  const [historyOpen, setHistoryOpen] = useState(false);
  const th = therapy.data;
  const hospital = principal.organizationKind === 'hospital' && principal.role !== 'patient';
  const seqOf = (entryId: string | null) => th?.entries.find((e) => e.id === entryId)?.seq;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={therapy.error} />
      {th && (
        <>
          <Card
            title={`${th.patientPseudonym} · ${t(`pathway.technologies.${th.technology}`)}`}
            loading={therapy.loading}
            extra={
              <Space>
                {th.products.length > 0 && (
                  <Button onClick={() => navigate(`/therapies/${th.id}/labels`)} data-testid="therapy-labels">
                    {t('pathwayMore.labels')}
                  </Button>
                )}
                {principal.role !== 'patient' && (
                  <Button onClick={() => setHistoryOpen(true)} data-testid="therapy-history">
                    {t('pathwayMore.history')}
                  </Button>
                )}
              </Space>
            }
          >
            <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} data-testid="therapy-summary">
              <Descriptions.Item label={t('pathway.chainOfIdentity')}>
                <span data-testid="therapy-coi">{th.chainOfIdentity}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('pathway.state')}>
                <span data-testid="therapy-state">{t(`pathway.stepNames.${th.state}`)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('pathway.consentStatus')}>
                <Tag color={th.consentStatus === 'active' ? 'green' : 'red'}>
                  {t(th.consentStatus === 'active' ? 'pathway.active' : 'pathway.inactive')}
                </Tag>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Row gutter={16}>
            <Col xs={24} lg={14}>
              <Card title={t('pathway.timeline')}>
                <Timeline
                  data-testid="therapy-timeline"
                  items={th.entries.map((e) => ({
                    key: e.id,
                    color: e.kind === 'correction' ? 'orange' : 'blue',
                    content: (
                      <div data-testid="timeline-entry" data-step={e.step} data-kind={e.kind}>
                        <b>
                          #{e.seq} {t(`pathway.stepNames.${e.step}`)}
                        </b>
                        {e.kind === 'correction' && (
                          <Tag color="orange" data-testid="timeline-correction">
                            {t('pathwayMore.correctsEntry', { seq: seqOf(e.correctsId) })}
                          </Tag>
                        )}
                        {th.entries.some((x) => x.correctsId === e.id) && (
                          <Tag data-testid="timeline-corrected">{t('pathwayMore.corrected')}</Tag>
                        )}{' '}
                        · {e.actorName} · {formatDateTime(e.occurredAt)}
                        <CorrectEntry therapy={th} entry={e} onDone={therapy.reload} />
                        {Object.keys(e.data).length > 0 && (
                          <div style={{ color: '#666', fontSize: 12 }}>{formatValue(e.data)}</div>
                        )}
                        {e.reason && <div style={{ fontSize: 12 }}>{e.reason}</div>}
                      </div>
                    ),
                  }))}
                />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card title={t('pathway.nextStep')}>
                <NextStep key={th.version} therapy={th} onDone={therapy.reload} />
              </Card>
            </Col>
          </Row>
          <SourceCard therapy={th} />
          {hospital && (th.products.some((p) => p.status === 'released') || th.bedside.some((b) => b.ok)) && (
            <Card title={t('pathway.bedside')}>
              <Bedside therapy={th} onDone={therapy.reload} />
            </Card>
          )}
          <CustodyActions therapy={th} onDone={therapy.reload} />
          <Card title={t('pathway.custody')}>
            <Table
              rowKey="din"
              size="small"
              pagination={false}
              dataSource={th.collections.map((c) => ({ ...c, next: th.nextCustody[c.din] ?? null }))}
              data-testid="therapy-collections"
              columns={[
                { title: 'DIN', dataIndex: 'din', render: (d: string, r) => `${d} ${r.checkCharacter}` },
                {
                  title: t('pathway.time'),
                  dataIndex: 'collectedAt',
                  render: (v: string) => formatDateTime(v),
                },
                {
                  title: t('pathway.nextCustody'),
                  dataIndex: 'next',
                  render: (v: string | null) => v ?? '—',
                },
              ]}
            />
            <Table
              rowKey={(r) => `${r.din}-${r.seq}`}
              size="small"
              pagination={false}
              dataSource={th.custody}
              data-testid="therapy-custody"
              style={{ marginTop: 16 }}
              columns={[
                { title: 'DIN', dataIndex: 'din' },
                { title: '#', dataIndex: 'seq' },
                { title: t('pathway.step'), render: (_: unknown, r) => `${r.stage}:${r.direction}` },
                { title: t('pathway.actor'), dataIndex: 'actorName' },
                {
                  title: t('pathway.time'),
                  dataIndex: 'scannedAt',
                  render: (v: string) => formatDateTime(v),
                },
              ]}
            />
          </Card>
          <Card title={t('pathway.products')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={th.products}
              columns={[
                {
                  title: 'DIN',
                  key: 'din',
                  render: (_: unknown, p: TherapyDetail['products'][number]) => (
                    <span data-testid="product-label-din">
                      {p.label.eyeReadableDin}{' '}
                      <span style={{ border: '1px solid currentColor', padding: '0 3px' }}>
                        {p.label.checkCharacter}
                      </span>
                    </span>
                  ),
                },
                { title: t('pathway.productCode'), dataIndex: 'productCode' },
                {
                  title: t('pathway.expiresAt'),
                  dataIndex: 'expiresAt',
                  render: (v: string) => formatDateTime(v),
                },
                { title: t('pathway.status'), dataIndex: 'status' },
              ]}
            />
          </Card>
          <Card title={t('pathway.deviations')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={th.deviations}
              data-testid="therapy-deviations"
              columns={[
                { title: t('pathway.step'), dataIndex: 'kind' },
                { title: 'DIN', dataIndex: 'din' },
                { title: t('pathway.status'), dataIndex: 'status' },
                {
                  title: t('pathway.time'),
                  dataIndex: 'createdAt',
                  render: (v: string) => formatDateTime(v),
                },
                {
                  title: t('common.actions'),
                  key: 'assess',
                  render: (_: unknown, d: TherapyDetail['deviations'][number]) => (
                    <AssessDeviation deviation={d} onDone={therapy.reload} />
                  ),
                },
              ]}
            />
          </Card>
          <Card title={t('pathway.temperature')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={th.temperatureLogs}
              columns={[
                { title: 'DIN', dataIndex: 'din' },
                {
                  title: t('pathway.leg'),
                  dataIndex: 'leg',
                  render: (l: string) => t(`pathway.legs.${l}`, { defaultValue: l }),
                },
                { title: t('pathway.readings'), dataIndex: 'readings' },
                { title: t('pathway.maxCelsius'), dataIndex: 'maxCelsius' },
                { title: t('pathway.limitCelsius'), dataIndex: 'limitCelsius' },
                { title: t('pathway.excursions'), dataIndex: 'excursions' },
              ]}
            />
          </Card>
          <HistoryDrawer
            target={historyOpen ? { entityType: 'therapy', entityId: th.id } : null}
            onClose={() => setHistoryOpen(false)}
            load={(target) =>
              pathwayApi.history(target.entityId).then((lines) =>
                lines.map((l) => ({
                  ...l,
                  field:
                    l.entityType === 'therapy' || l.field === null ? l.field : `${l.entityType}.${l.field}`,
                })),
              )
            }
          />
        </>
      )}
    </Space>
  );
}
