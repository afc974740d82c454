import { can } from '@cgtlink/domain/access/index';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { BatchRecord, ImportReport, ImportRequest, Investigation } from '../api/types';
import { applyFieldErrors, ErrorAlert, useReportError } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { STATUS_COLOR } from './BatchesPage';
import { AssessDeviation } from './CustodyActions';

const OUTCOME_COLOR = { pass: 'green', fail: 'red', missing: 'default' } as const;

/** A typed value: a number when it reads as one and the test is quantitative, else the text. */
function parseValue(text: string, quantitative: boolean): number | string {
  const trimmed = text.trim();
  return quantitative && trimmed !== '' && !Number.isNaN(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function ResultEntry({ record, onDone }: { record: BatchRecord; onDone(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ analyte: string; value: string; unit?: string }>();
  const [error, setError] = useState<unknown>(null);
  const tests = record.specification.tests;
  const submit = async (v: { analyte: string; value: string; unit?: string }) => {
    const test = tests.find((x) => x.analyte === v.analyte);
    setError(null);
    try {
      await endpoints.addResult(record.batch.id, {
        analyte: v.analyte,
        value: parseValue(v.value, test?.kind === 'quantitative'),
        ...(v.unit ? { unit: v.unit } : {}),
      });
      form.resetFields();
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['analyte', 'value', 'unit']);
      setError(e);
    }
  };
  return (
    <Card title={t('batch.enterResult')} size="small">
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="inline"
        onFinish={submit}
        onValuesChange={(changed: { analyte?: string }) => {
          const test = tests.find((x) => x.analyte === changed.analyte);
          if (changed.analyte)
            form.setFieldValue('unit', test?.kind === 'quantitative' ? test.unit : undefined);
        }}
      >
        <Form.Item name="analyte" label={t('batch.analyte')} rules={[{ required: true }]}>
          <Select
            style={{ width: 180 }}
            data-testid="result-analyte"
            options={tests.map((x) => ({ value: x.analyte, label: x.analyte }))}
          />
        </Form.Item>
        <Form.Item name="value" label={t('batch.value')} rules={[{ required: true }]}>
          <Input style={{ width: 140 }} data-testid="result-value" />
        </Form.Item>
        <Form.Item name="unit" label={t('batch.unit')}>
          <Input style={{ width: 120 }} data-testid="result-unit" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="result-submit">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

const EXAMPLE_MAPPING = JSON.stringify(
  {
    sampleColumn: 'Sample',
    analyteColumn: 'Test',
    valueColumn: 'Result',
    unitColumn: 'Unit',
    analytes: { VIAB: 'Viability', ENDO: 'Endotoxin' },
  },
  null,
  2,
);

function InstrumentImport({ record, onDone }: { record: BatchRecord; onDone(): void }) {
  const { t } = useTranslation();
  const [instrument, setInstrument] = useState('');
  const [mapping, setMapping] = useState(EXAMPLE_MAPPING);
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (commit: boolean) => {
    setError(null);
    try {
      const parsed = mapping.trim() ? (JSON.parse(mapping) as ImportRequest['mapping']) : undefined;
      const result = await endpoints.importResults(record.batch.id, {
        instrument,
        csv,
        commit,
        ...(parsed ? { mapping: parsed } : {}),
      });
      setReport(result);
      if (commit) onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card title={t('batch.import')} size="small">
      <ErrorAlert error={error} />
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Input
          placeholder={t('batch.instrument')}
          value={instrument}
          onChange={(e) => setInstrument(e.target.value)}
          data-testid="import-instrument"
        />
        <Input.TextArea
          rows={6}
          value={mapping}
          onChange={(e) => setMapping(e.target.value)}
          data-testid="import-mapping"
          placeholder={t('batch.mapping')}
        />
        <Input.TextArea
          rows={6}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          data-testid="import-csv"
          placeholder="CSV"
        />
        <Space>
          <Button onClick={() => void run(false)} data-testid="import-preview">
            {t('batch.preview')}
          </Button>
          <Button
            type="primary"
            onClick={() => void run(true)}
            disabled={!report}
            data-testid="import-commit"
          >
            {t('batch.commit')}
          </Button>
        </Space>
        {report && (
          <>
            <Alert
              type={report.committed ? 'success' : 'info'}
              title={t(report.committed ? 'batch.imported' : 'batch.previewed', {
                rows: report.rows.length,
                rejected: report.rejected.length,
              })}
              data-testid="import-summary"
            />
            <Table
              size="small"
              rowKey="line"
              pagination={false}
              dataSource={report.rows}
              data-testid="import-rows"
              columns={[
                { title: t('batch.line'), dataIndex: 'line' },
                { title: t('batch.analyte'), dataIndex: 'analyte' },
                { title: t('batch.value'), dataIndex: 'value' },
                { title: t('batch.unit'), dataIndex: 'unit' },
                { title: t('batch.criterion'), dataIndex: 'criterion' },
                {
                  title: t('batch.outcome'),
                  dataIndex: 'outcome',
                  render: (o: 'pass' | 'fail') => (
                    <Tag color={OUTCOME_COLOR[o]}>{t(`batch.outcomes.${o}`)}</Tag>
                  ),
                },
              ]}
            />
            {report.rejected.length > 0 && (
              <List
                size="small"
                header={t('batch.rejectedRows')}
                bordered
                data-testid="import-rejected"
                dataSource={report.rejected}
                renderItem={(r) => (
                  <List.Item>
                    {t('batch.line')} {r.line}: {r.reason}
                  </List.Item>
                )}
              />
            )}
          </>
        )}
      </Space>
    </Card>
  );
}

interface InvestigationForm {
  phase: Investigation['phase'];
  rootCause?: string;
  capa?: string;
  conclusion?: NonNullable<Investigation['conclusion']>;
  close: boolean;
}

function InvestigationEditor({
  investigation,
  onClose,
  onDone,
}: {
  investigation: Investigation | null;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<InvestigationForm>();
  const [error, setError] = useState<unknown>(null);
  if (!investigation) return null;
  const submit = async (v: InvestigationForm) => {
    setError(null);
    try {
      await endpoints.updateInvestigation(investigation.id, {
        phase: v.phase,
        ...(v.rootCause ? { rootCause: v.rootCause } : {}),
        ...(v.capa ? { capa: v.capa } : {}),
        ...(v.conclusion ? { conclusion: v.conclusion } : {}),
        close: v.close,
        version: investigation.version,
      });
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['rootCause', 'capa', 'conclusion']);
      setError(e);
    }
  };
  return (
    <Modal
      open
      title={t('batch.investigation', { analyte: investigation.analyte })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'investigation-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<InvestigationForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          phase: investigation.phase,
          rootCause: investigation.rootCause ?? undefined,
          capa: investigation.capa ?? undefined,
          conclusion: investigation.conclusion ?? undefined,
          close: false,
        }}
      >
        <Form.Item name="phase" label={t('batch.phase')}>
          <Radio.Group
            options={(['phase_1', 'phase_2'] as const).map((p) => ({
              value: p,
              label: t(`batch.phases.${p}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="rootCause" label={t('batch.rootCause')}>
          <Input.TextArea rows={2} data-testid="investigation-root-cause" />
        </Form.Item>
        <Form.Item name="capa" label="CAPA">
          <Input.TextArea rows={2} data-testid="investigation-capa" />
        </Form.Item>
        <Form.Item name="conclusion" label={t('batch.conclusion')}>
          <Select
            data-testid="investigation-conclusion"
            options={(['laboratory_error', 'confirmed_oos', 'inconclusive'] as const).map((c) => ({
              value: c,
              label: t(`batch.conclusions.${c}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="close" valuePropName="checked">
          <Checkbox data-testid="investigation-close">{t('batch.closeInvestigation')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Disposition({ record, onDone }: { record: BatchRecord; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: 'release' | 'reject'; password: string; reason?: string }>();
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { decision: 'release' | 'reject'; password: string; reason?: string }) => {
    setError(null);
    try {
      await endpoints.dispose(record.batch.id, {
        decision: v.decision,
        password: v.password,
        contentHash: record.contentHash,
        ...(v.reason ? { reason: v.reason } : {}),
      });
      void message.success(t(v.decision === 'release' ? 'batch.releasedOk' : 'batch.rejectedOk'));
      onDone();
    } catch (e) {
      form.setFieldValue('password', '');
      setError(e);
    }
  };
  return (
    <Card title={t('batch.disposition')} size="small" data-testid="disposition">
      {record.releaseBlockers.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          title={t('batch.blocked')}
          description={
            <ul data-testid="release-blockers">
              {record.releaseBlockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
        />
      ) : (
        <Alert type="success" showIcon title={t('batch.releasable')} style={{ marginBottom: 12 }} />
      )}
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ decision: 'release' }}>
        <Form.Item name="decision" label={t('batch.decision')}>
          <Radio.Group
            options={[
              { value: 'release', label: t('batch.release') },
              { value: 'reject', label: t('batch.reject') },
            ]}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('common.reason')}>
          <Input.TextArea rows={2} data-testid="disposition-reason" />
        </Form.Item>
        <Form.Item name="password" label={t('batch.signPassword')} rules={[{ required: true }]}>
          <Input.Password data-testid="disposition-password" autoComplete="current-password" />
        </Form.Item>
        <p style={{ color: '#888' }}>{t('batch.signMeaning', { hash: record.contentHash.slice(0, 12) })}</p>
        <Button type="primary" htmlType="submit" data-testid="disposition-sign">
          {t('batch.sign')}
        </Button>
      </Form>
    </Card>
  );
}

/** A manufacturing step: its name, parameters as `name = value` lines, and its start and end. */
function StepEntry({ batchId, onDone }: { batchId: string; onDone(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ step: string; parameters?: string; startedAt: string; endedAt: string }>();
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { step: string; parameters?: string; startedAt: string; endedAt: string }) => {
    setError(null);
    const parameters: Record<string, number | string> = {};
    for (const line of (v.parameters ?? '').split('\n')) {
      const [key, ...rest] = line.split('=');
      const value = rest.join('=').trim();
      if (!key?.trim() || value === '') continue;
      parameters[key.trim()] = Number.isNaN(Number(value)) ? value : Number(value);
    }
    try {
      await endpoints.addStep(batchId, {
        step: v.step,
        parameters,
        startedAt: new Date(v.startedAt).toISOString(),
        endedAt: new Date(v.endedAt).toISOString(),
      });
      form.resetFields();
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['step', 'startedAt', 'endedAt']);
      setError(e);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ marginTop: 12 }}>
      <ErrorAlert error={error} />
      <Space wrap align="start">
        <Form.Item name="step" label={t('batch.step')} rules={[{ required: true }]}>
          <Input style={{ width: 200 }} data-testid="step-name" />
        </Form.Item>
        <Form.Item name="parameters" label={t('batch.parametersHelp')}>
          <Input.TextArea rows={2} style={{ width: 260 }} data-testid="step-parameters" />
        </Form.Item>
        <Form.Item name="startedAt" label={t('batch.startedAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" data-testid="step-start" />
        </Form.Item>
        <Form.Item name="endedAt" label={t('batch.endedAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" data-testid="step-end" />
        </Form.Item>
        <Form.Item label=" ">
          <Button htmlType="submit" data-testid="step-submit">
            {t('common.save')}
          </Button>
        </Form.Item>
      </Space>
    </Form>
  );
}

/** The batch record: identity, evaluation against its specification version, QC entry and import, OOS
 * investigations, the temperature excursion, and the qualified person's release with a signature. */
export function BatchRecordPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const principal = usePrincipal();
  const report = useReportError();
  const loaded = useLoad(() => endpoints.batch(id), [id]);
  const [editing, setEditing] = useState<Investigation | null>(null);
  const [assessment, setAssessment] = useState('');
  const [issueCount, setIssueCount] = useState(1);
  const [dispatchTo, setDispatchTo] = useState('');
  const { message } = App.useApp();
  const record = loaded.data;
  if (!record) return <Card loading={loaded.loading}>{<ErrorAlert error={loaded.error} />}</Card>;
  const { batch } = record;
  const open = batch.status === 'in_process';
  const current = new Map(record.results.filter((r) => r.current).map((r) => [r.analyte, r]));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={`${t('batch.record')} ${batch.reference}`}
        extra={
          <Link to={`/batches/${batch.id}/certificate`} data-testid="certificate-link">
            {t('batch.certificate')}
          </Link>
        }
      >
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} data-testid="batch-identity">
          <Descriptions.Item label={t('batch.kind')}>{t(`batch.kinds.${batch.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('common.status')}>
            <Tag color={STATUS_COLOR[batch.status]} data-testid="batch-status">
              {t(`batch.statuses.${batch.status}`)}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('batch.product')}>
            {record.specification.productName} ({batch.productCode})
          </Descriptions.Item>
          <Descriptions.Item label={t('batch.specVersion')}>v{batch.specificationVersion}</Descriptions.Item>
          {batch.kind === 'autologous' && (
            <>
              <Descriptions.Item label={t('batch.patient')}>{batch.patientPseudonym}</Descriptions.Item>
              <Descriptions.Item label={t('batch.chainOfIdentity')}>
                {batch.chainOfIdentity}
              </Descriptions.Item>
              <Descriptions.Item label="DIN">
                {batch.din} ({t('batch.verifiedAt')} {formatDateTime(batch.dinVerifiedAt)})
              </Descriptions.Item>
            </>
          )}
          <Descriptions.Item label={t('batch.excursion')}>
            <span data-testid="batch-excursion-state">{t(`batch.excursions.${batch.excursion}`)}</span>
            {batch.excursionAssessment ? ` — ${batch.excursionAssessment}` : ''}
          </Descriptions.Item>
        </Descriptions>
        {record.inbound && <InboundRecord inbound={record.inbound} onDone={loaded.reload} />}
      </Card>

      <Card title={t('batch.steps')} size="small">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={record.steps}
          data-testid="steps"
          columns={[
            { title: t('batch.step'), dataIndex: 'step' },
            {
              title: t('batch.parameters'),
              dataIndex: 'parameters',
              render: (p: Record<string, number | string>) =>
                Object.entries(p)
                  .map(([k, v]) => `${k} = ${v}`)
                  .join('; '),
            },
            { title: t('batch.operator'), dataIndex: 'operatorName' },
            {
              title: t('batch.time'),
              key: 'time',
              render: (_: unknown, s) => `${formatDateTime(s.startedAt)} – ${formatDateTime(s.endedAt)}`,
            },
          ]}
        />
        {open && can(principal, 'batch.manage') && <StepEntry batchId={batch.id} onDone={loaded.reload} />}
        {open && batch.kind === 'allogeneic' && batch.workingBankId && can(principal, 'cellbank.manage') && (
          <Space style={{ marginTop: 12 }}>
            <InputNumber min={1} max={50} value={issueCount} onChange={(v) => setIssueCount(v ?? 1)} />
            <Button
              onClick={() =>
                endpoints
                  .issueVials(batch.workingBankId ?? '', { batchId: batch.id, count: issueCount })
                  .then((vials) =>
                    message.success(t('batch.vialsIssued', { labels: vials.map((v) => v.label).join(', ') })),
                  )
                  .catch(report)
              }
              data-testid="issue-vials"
            >
              {t('batch.issueVials')}
            </Button>
          </Space>
        )}
        {batch.status === 'released' && batch.kind === 'allogeneic' && can(principal, 'batch.manage') && (
          <Space.Compact style={{ marginTop: 12 }}>
            <Input
              placeholder={t('batch.patient')}
              value={dispatchTo}
              onChange={(e) => setDispatchTo(e.target.value)}
              data-testid="dispatch-patient"
            />
            <Button
              onClick={() =>
                endpoints
                  .dispatch(batch.id, dispatchTo.trim())
                  .then(() => message.success(t('batch.dispatched')))
                  .catch(report)
              }
              data-testid="dispatch-submit"
            >
              {t('batch.dispatch')}
            </Button>
          </Space.Compact>
        )}
      </Card>

      <Card title={t('batch.evaluation')} size="small">
        <Table
          size="small"
          rowKey="analyte"
          pagination={false}
          dataSource={record.evaluation.outcomes}
          data-testid="evaluation"
          onRow={(o) => ({ 'data-testid': `outcome-${o.analyte}` }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('batch.analyte'), dataIndex: 'analyte' },
            { title: t('batch.criterion'), dataIndex: 'criterion' },
            {
              title: t('batch.value'),
              key: 'value',
              render: (_: unknown, o) => {
                const r = current.get(o.analyte);
                return r ? `${r.value} ${r.unit ?? ''}` : '—';
              },
            },
            {
              title: t('batch.outcome'),
              dataIndex: 'status',
              render: (s: 'pass' | 'fail' | 'missing') => (
                <Tag color={OUTCOME_COLOR[s]}>{t(`batch.outcomes.${s}`)}</Tag>
              ),
            },
          ]}
        />
      </Card>

      {open && can(principal, 'qc.enter') && (
        <>
          <ResultEntry record={record} onDone={loaded.reload} />
          <InstrumentImport record={record} onDone={loaded.reload} />
        </>
      )}

      <Card title={t('batch.investigations')} size="small">
        <Table<Investigation>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={record.investigations}
          data-testid="investigations"
          columns={[
            { title: t('batch.analyte'), dataIndex: 'analyte' },
            {
              title: t('batch.phase'),
              dataIndex: 'phase',
              render: (p: Investigation['phase']) => t(`batch.phases.${p}`),
            },
            { title: t('batch.rootCause'), dataIndex: 'rootCause' },
            { title: 'CAPA', dataIndex: 'capa' },
            {
              title: t('batch.conclusion'),
              dataIndex: 'conclusion',
              render: (c: Investigation['conclusion']) => (c ? t(`batch.conclusions.${c}`) : '—'),
            },
            {
              title: t('common.status'),
              dataIndex: 'status',
              render: (s: Investigation['status']) => (
                <Tag color={s === 'open' ? 'orange' : 'default'}>{t(`batch.investigationStatus.${s}`)}</Tag>
              ),
            },
            {
              title: t('common.actions'),
              key: 'edit',
              render: (_: unknown, i) =>
                i.status === 'open' && open && can(principal, 'investigation.manage') ? (
                  <Button size="small" onClick={() => setEditing(i)} data-testid="investigation-edit">
                    {t('common.edit')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>

      {open &&
        !batch.therapyId &&
        batch.excursion === 'unassessed' &&
        can(principal, 'investigation.manage') && (
          <Card title={t('batch.assessExcursion')} size="small">
            <Space.Compact style={{ width: '100%' }}>
              <Input
                value={assessment}
                onChange={(e) => setAssessment(e.target.value)}
                data-testid="excursion-text"
              />
              <Button
                onClick={() =>
                  endpoints
                    .assessExcursion(batch.id, { assessment, version: batch.version })
                    .then(loaded.reload)
                    .catch(report)
                }
                data-testid="excursion-submit"
              >
                {t('common.save')}
              </Button>
            </Space.Compact>
          </Card>
        )}

      {open && can(principal, 'batch.dispose') && <Disposition record={record} onDone={loaded.reload} />}

      <Card title={t('batch.signatures')} size="small">
        <List
          size="small"
          dataSource={record.signatures}
          data-testid="signatures"
          locale={{ emptyText: '—' }}
          renderItem={(s) => (
            <List.Item>
              {s.printedName} · {t(`batch.meanings.${s.meaning}`)} · {formatDateTime(s.signedAt)} ·{' '}
              <Tag color={s.valid ? 'green' : 'red'}>
                {t(s.valid ? 'batch.signatureValid' : 'batch.signatureInvalid')}
              </Tag>
            </List.Item>
          )}
        />
      </Card>
      <InvestigationEditor
        investigation={editing}
        onClose={() => setEditing(null)}
        onDone={() => {
          setEditing(null);
          loaded.reload();
        }}
      />
    </Space>
  );
}

/**
 * What the pathway recorded about an autologous batch's collection: the custody hand-offs up to the laboratory's
 * receipt, and the inbound shipment's temperature excursions — assessed here with a signature on the pathway's
 * deviation, which is what the release check reads.
 */
function InboundRecord({
  inbound,
  onDone,
}: {
  inbound: NonNullable<BatchRecord['inbound']>;
  onDone(): void;
}) {
  const { t } = useTranslation();
  return (
    <Descriptions bordered size="small" column={1} style={{ marginTop: 12 }} data-testid="batch-inbound">
      <Descriptions.Item label={t('labForms.custody')}>
        {inbound.custody
          .map(
            (c) =>
              `${t(`labForms.custodyStage.${c.stage}` as 'labForms.custodyStage.laboratory', { defaultValue: c.stage })} ${t(`labForms.direction.${c.direction as 'in'}`)} (${c.actorName})`,
          )
          .join(' → ')}
      </Descriptions.Item>
      <Descriptions.Item label={t('labForms.inboundExcursions')}>
        {inbound.excursions.length === 0
          ? t('batch.excursions.none')
          : inbound.excursions.map((x) => (
              <div key={x.deviationId} data-testid="inbound-excursion" data-status={x.status}>
                {t('labForms.excursionLine', { max: x.maxCelsius, limit: x.limitCelsius })} —{' '}
                {x.status === 'open'
                  ? t('batch.excursions.unassessed')
                  : `${t('batch.excursions.assessed')}: ${x.assessment ?? ''}`}{' '}
                <AssessDeviation
                  deviation={
                    { id: x.deviationId, status: x.status, version: x.version } as Parameters<
                      typeof AssessDeviation
                    >[0]['deviation']
                  }
                  onDone={onDone}
                />
              </div>
            ))}
      </Descriptions.Item>
    </Descriptions>
  );
}
