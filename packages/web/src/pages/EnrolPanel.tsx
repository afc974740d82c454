import { can } from '@cgtlink/domain/access/index';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import { type EligibilityOut, type EnrolmentOut, type FilingDetail, pathwayApi } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { DATE_FORMAT } from '../format';
import { usePrincipal } from '../session/SessionContext';

interface EnrolForm {
  patientId: string;
  referenceDate: Dayjs;
  cardiacT2StarMs?: number;
  licMgG?: number;
  altUL?: number;
  astUL?: number;
  transaminaseUlnUL?: number;
  egfr?: number;
  documentId: string;
  signedBy: 'patient' | 'guardian';
  signerName: string;
  signedOn: Dayjs;
  exceptionReason?: string;
  password: string;
}

const VERDICT_COLOR = { met: 'green', 'not-met': 'red', missing: 'orange' } as const;

/**
 * Eligibility and enrolment for an approved filing (hospital): evaluates the filing's criteria with the
 * recorded transfusion and weight history, shows each criterion's value and verdict, then records the signed
 * consent and enrols — with a physician's signed exception when a criterion is not met.
 */
export function EnrolPanel({ filing }: { filing: FilingDetail }) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const [form] = Form.useForm<EnrolForm>();
  const [result, setResult] = useState<EligibilityOut | null>(null);
  const [enrolled, setEnrolled] = useState<EnrolmentOut | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const patients = useLoad(() => endpoints.patients(500, 0), []);
  if (!can(principal, 'patient.enrol') || !filing.active) return null;

  const measures = (v: EnrolForm) => ({
    filingId: filing.id,
    referenceDate: v.referenceDate.format(DATE_FORMAT),
    ...(v.cardiacT2StarMs !== undefined && { cardiacT2StarMs: v.cardiacT2StarMs }),
    ...(v.licMgG !== undefined && { licMgG: v.licMgG }),
    ...(v.altUL !== undefined && { altUL: v.altUL }),
    ...(v.astUL !== undefined && { astUL: v.astUL }),
    ...(v.transaminaseUlnUL !== undefined && { transaminaseUlnUL: v.transaminaseUlnUL }),
    ...(v.egfr !== undefined && { egfr: v.egfr }),
  });
  const evaluate = async () => {
    setError(null);
    setBusy(true);
    try {
      const v = await form.validateFields(['patientId', 'referenceDate']);
      setResult(await pathwayApi.eligibility(v.patientId, measures(form.getFieldsValue())));
    } catch (e) {
      setError(e instanceof Error ? e : null);
    } finally {
      setBusy(false);
    }
  };
  const enrol = async (v: EnrolForm) => {
    if (!result) return;
    setError(null);
    setBusy(true);
    try {
      const consent = await pathwayApi.consent(v.patientId, {
        filingId: filing.id,
        documentId: v.documentId,
        signedBy: v.signedBy,
        signerName: v.signerName,
        signedOn: v.signedOn.format(DATE_FORMAT),
        password: v.password,
      });
      setEnrolled(
        await pathwayApi.enrol(v.patientId, {
          filingId: filing.id,
          eligibilityId: result.id,
          consentId: consent.id,
          exceptionReason: v.exceptionReason?.trim() || null,
          password: v.password,
        }),
      );
    } catch (e) {
      applyFieldErrors(form, e, ['password', 'signerName']);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (enrolled) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="enrol-ok"
        title={t('pathway.enrolled', { coi: enrolled.chainOfIdentity })}
        description={<Link to={`/therapies/${enrolled.therapyId}`}>{t('pathway.timeline')}</Link>}
      />
    );
  }
  const num = (name: keyof EnrolForm, label: string) => (
    <Col xs={12} md={8}>
      <Form.Item name={name} label={label}>
        <InputNumber style={{ width: '100%' }} min={0} data-testid={`enrol-${name}`} />
      </Form.Item>
    </Col>
  );
  return (
    <Card size="small" title={t('pathway.enrol')} data-testid="enrol-panel">
      <ErrorAlert error={error} />
      <Form<EnrolForm>
        form={form}
        layout="vertical"
        onFinish={enrol}
        initialValues={{
          referenceDate: dayjs(),
          signedOn: dayjs(),
          signedBy: 'guardian',
          documentId: filing.consentDocuments.at(-1)?.id,
        }}
      >
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="patientId" label={t('pathway.patient')} rules={[{ required: true }]}>
              <Select
                showSearch
                optionFilterProp="label"
                data-testid="enrol-patient"
                options={(patients.data ?? []).map((p) => ({
                  value: p.id,
                  label: `${p.pseudonym} ${p.name ?? ''}`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="referenceDate" label={t('pathway.referenceDate')} rules={[{ required: true }]}>
              <DatePicker format={DATE_FORMAT} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          {num('cardiacT2StarMs', t('pathway.cardiacT2Star'))}
          {num('licMgG', t('pathway.lic'))}
          {num('egfr', t('pathway.egfr'))}
          {num('altUL', t('pathway.alt'))}
          {num('astUL', t('pathway.ast'))}
          {num('transaminaseUlnUL', t('pathway.uln'))}
        </Row>
        <Button onClick={() => void evaluate()} loading={busy} data-testid="enrol-evaluate">
          {t('pathway.evaluate')}
        </Button>
        {result && (
          <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={[...result.result.criteria]}
              data-testid="enrol-criteria"
              columns={[
                { title: t('pathway.criterion'), dataIndex: 'id' },
                { title: t('pathway.value'), dataIndex: 'value' },
                {
                  title: t('pathway.verdict'),
                  dataIndex: 'verdict',
                  render: (v: keyof typeof VERDICT_COLOR) => (
                    <Tag color={VERDICT_COLOR[v]}>{t(`pathway.verdicts.${v}`)}</Tag>
                  ),
                },
              ]}
            />
            <Row gutter={12}>
              <Col xs={24} md={8}>
                <Form.Item
                  name="documentId"
                  label={t('pathway.consentDocuments')}
                  rules={[{ required: true }]}
                >
                  <Select
                    options={filing.consentDocuments.map((d) => ({
                      value: d.id,
                      label: `${t('pathway.version')} ${d.version}: ${d.title}`,
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}>
                <Form.Item name="signedBy" label={t('pathway.signedBy')}>
                  <Select
                    options={(['guardian', 'patient'] as const).map((s) => ({
                      value: s,
                      label: t(`pathway.signers.${s}`),
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}>
                <Form.Item name="signedOn" label={t('pathway.signedOn')} rules={[{ required: true }]}>
                  <DatePicker format={DATE_FORMAT} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="signerName" label={t('pathway.signerName')} rules={[{ required: true }]}>
                  <Input data-testid="enrol-signer" />
                </Form.Item>
              </Col>
              {!result.allMet && (
                <Col xs={24} md={8}>
                  <Form.Item
                    name="exceptionReason"
                    label={t('pathway.exceptionReason')}
                    rules={[{ required: true }]}
                  >
                    <Input data-testid="enrol-exception" />
                  </Form.Item>
                </Col>
              )}
              <Col xs={24} md={8}>
                <Form.Item
                  name="password"
                  label={t('pathway.password')}
                  rules={[{ required: true, message: t('pathway.passwordRequired') }]}
                >
                  <Input.Password data-testid="enrol-password" />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="enrol-submit">
              {t('pathway.enrolSubmit')}
            </Button>
          </Space>
        )}
      </Form>
    </Card>
  );
}
