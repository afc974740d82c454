import { can } from '@cgtlink/domain/access/index';
import { CUSTODY_SCANS, custodyKey } from '@cgtlink/domain/pathway/custody';
import { App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CustodyBody, pathwayApi, type TherapyDetail } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { usePrincipal } from '../session/SessionContext';

type Props = { therapy: TherapyDetail; onDone(): void };

/**
 * A custody hand-off scan: the DIN and chain-of-identity labels are scanned (keyboard wedge: text + Enter), the
 * hand-off defaults to the next one expected for the unit. The server refuses and reports any mismatch.
 */
export function CustodyScan({ therapy, onDone }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    din: string;
    chainOfIdentity: string;
    productCode?: string;
    handoff: string;
  }>();
  const [error, setError] = useState<unknown>(null);
  const next = Object.values(therapy.nextCustody).find((v) => v !== null) ?? custodyKey('collection', 'out');
  const submit = async (v: {
    din: string;
    chainOfIdentity: string;
    productCode?: string;
    handoff: string;
  }) => {
    setError(null);
    const [stage, direction] = v.handoff.split(':') as [CustodyBody['stage'], CustodyBody['direction']];
    try {
      await pathwayApi.custody(therapy.id, {
        din: v.din,
        chainOfIdentity: v.chainOfIdentity.trim(),
        stage,
        direction,
        ...(v.productCode?.trim() ? { productCode: v.productCode.trim() } : {}),
      });
      void message.success(t('pathway.scanned'));
      form.resetFields(['din', 'chainOfIdentity', 'productCode']);
    } catch (e) {
      applyFieldErrors(form, e, ['din', 'productCode']);
      setError(e);
    } finally {
      onDone();
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ handoff: next }}>
      <ErrorAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Form.Item name="handoff" label={t('pathway.handoff')} rules={[{ required: true }]}>
            <Select
              data-testid="custody-handoff"
              options={CUSTODY_SCANS.map((s) => ({
                value: custodyKey(s.stage, s.direction),
                label: custodyKey(s.stage, s.direction),
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="din" label={t('pathway.din')} rules={[{ required: true }]}>
            <Input data-testid="custody-din" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="chainOfIdentity" label={t('pathway.chainOfIdentity')} rules={[{ required: true }]}>
            <Input data-testid="custody-coi" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="productCode" label={t('pathway.productCode')}>
            <Input data-testid="custody-product" />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" htmlType="submit" data-testid="custody-submit">
        {t('pathway.scanSubmit')}
      </Button>
    </Form>
  );
}

/** Upload of a shipment's temperature logger CSV; an excursion opens a deviation that blocks release. */
export function TemperatureUpload({ therapy, onDone }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ din: string; leg: 'to_laboratory' | 'to_hospital' }>();
  const [csv, setCsv] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { din: string; leg: 'to_laboratory' | 'to_hospital' }) => {
    if (!csv) return;
    setError(null);
    try {
      const collection = therapy.collections.find((c) => c.din === v.din)!;
      await pathwayApi.temperature(therapy.id, {
        din: `${v.din}${collection.checkCharacter}`,
        leg: v.leg,
        csv,
      });
    } catch (e) {
      setError(e);
    } finally {
      onDone();
    }
  };
  return (
    <Form form={form} layout="inline" onFinish={submit} initialValues={{ leg: 'to_laboratory' }}>
      <ErrorAlert error={error} />
      <Form.Item name="din" label="DIN" rules={[{ required: true }]}>
        <Select
          style={{ width: 200 }}
          data-testid="temperature-din"
          options={therapy.collections.map((c) => ({ value: c.din, label: c.din }))}
        />
      </Form.Item>
      <Form.Item name="leg" label={t('pathway.leg')}>
        <Select
          style={{ width: 160 }}
          data-testid="temperature-leg"
          options={(['to_laboratory', 'to_hospital'] as const).map((l) => ({
            value: l,
            label: t(`pathway.legs.${l}`),
          }))}
        />
      </Form.Item>
      <Form.Item label={t('pathway.csvFile')}>
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="temperature-file"
          onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)}
        />
      </Form.Item>
      <Button htmlType="submit" disabled={!csv} data-testid="temperature-upload">
        {t('pathway.upload')}
      </Button>
    </Form>
  );
}

/** The qualified person's signed release of the product made from a collection. */
export function ReleaseForm({ therapy, onDone }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ din: string; productCode: string; expiresAt: Dayjs; password: string }>();
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { din: string; productCode: string; expiresAt: Dayjs; password: string }) => {
    setError(null);
    try {
      await pathwayApi.release(therapy.id, {
        din: v.din,
        productCode: v.productCode.trim(),
        expiresAt: v.expiresAt.toISOString(),
        expectedVersion: therapy.version,
        password: v.password,
      });
    } catch (e) {
      applyFieldErrors(form, e, ['din', 'productCode', 'password']);
      setError(e);
    } finally {
      onDone();
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit}>
      <ErrorAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Form.Item name="din" label={t('pathway.din')} rules={[{ required: true }]}>
            <Input data-testid="release-din" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="productCode" label={t('pathway.productCode')} rules={[{ required: true }]}>
            <Input data-testid="release-product" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="expiresAt" label={t('pathway.expiresAt')} rules={[{ required: true }]}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item
            name="password"
            label={t('pathway.password')}
            rules={[{ required: true, message: t('pathway.passwordRequired') }]}
          >
            <Input.Password data-testid="release-password" />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" htmlType="submit" data-testid="release-submit">
        {t('pathway.releaseSubmit')}
      </Button>
    </Form>
  );
}

/** A signed assessment closing a deviation (e.g. a temperature excursion judged harmless). */
export function AssessDeviation({
  deviation,
  onDone,
}: {
  deviation: TherapyDetail['deviations'][number];
  onDone(): void;
}) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ assessment: string; password: string }>();
  const [error, setError] = useState<unknown>(null);
  if (deviation.status !== 'open' || !can(principal, 'deviation.assess')) return null;
  const submit = async (v: { assessment: string; password: string }) => {
    setError(null);
    try {
      await pathwayApi.assessDeviation(deviation.id, { ...v, version: deviation.version });
      setOpen(false);
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['assessment', 'password']);
      setError(e);
    }
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="deviation-assess">
        {t('pathway.assess')}
      </Button>
      <Modal
        open={open}
        title={t('pathway.assess')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('pathway.assessSubmit')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <ErrorAlert error={error} />
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="assessment" label={t('pathway.assessment')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('pathway.password')}
            rules={[{ required: true, message: t('pathway.passwordRequired') }]}
          >
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The custody, temperature and release actions the principal's end may take on this therapy. */
export function CustodyActions({ therapy, onDone }: Props) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const recorder = can(principal, 'pathway.record') && therapy.consentStatus === 'active';
  if (!recorder) return null;
  return (
    <>
      {therapy.collections.length > 0 && (
        <Card title={t('pathway.scan')}>
          {/* A new form per expected hand-off, so the default follows the chain after each scan. */}
          <CustodyScan key={JSON.stringify(therapy.nextCustody)} therapy={therapy} onDone={onDone} />
        </Card>
      )}
      {therapy.collections.length > 0 && (
        <Card title={t('pathway.temperature')}>
          <TemperatureUpload therapy={therapy} onDone={onDone} />
        </Card>
      )}
      {can(principal, 'product.release') &&
        therapy.products.length === 0 &&
        (therapy.state === 'qc_testing' || therapy.state === 'lot_allocation') && (
          <Card title={t('pathway.release')}>
            <ReleaseForm therapy={therapy} onDone={onDone} />
          </Card>
        )}
    </>
  );
}
