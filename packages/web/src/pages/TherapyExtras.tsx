import { can } from '@cgtlink/domain/access/index';
import { DONOR_RELATIONS } from '@cgtlink/domain/pathway/sources';
import { pathwayFor } from '@cgtlink/domain/pathway/tables';
import {
  Button,
  type ButtonProps,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { hlaApi } from '../api/hla';
import { pathwayApi, type StepBody, type TherapyDetail } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';

type Entry = TherapyDetail['entries'][number];

/** The values of the step form that name the product's source. */
export interface SourceFormValues {
  donorId?: string;
  donorCode?: string;
  donorRelation?: (typeof DONOR_RELATIONS)[number];
  hlaMatch?: string;
  donorSignedBy?: 'donor' | 'guardian';
  donorSignedOn?: { format(f: string): string };
  donorVerdict?: 'eligible' | 'ineligible';
  donorMarkers?: string;
  batchId?: string;
}

/** The source part of a step body, from the form (markers typed as `HBsAg=negative; Anti-HCV=negative`). */
export function sourceBody(step: string, v: SourceFormValues): Partial<StepBody> {
  if (step === 'donor_selection') {
    const code = v.donorCode?.trim();
    return {
      donor: {
        hlaMatch: (v.hlaMatch ?? '').trim(),
        ...(v.donorId ? { donorId: v.donorId } : {}),
        ...(code ? { code } : {}),
        ...(v.donorRelation ? { relation: v.donorRelation } : {}),
      },
    };
  }
  if (step === 'donor_consent' && v.donorSignedOn) {
    return {
      donorConsent: { signedBy: v.donorSignedBy ?? 'donor', signedOn: v.donorSignedOn.format('YYYY-MM-DD') },
    };
  }
  if (step === 'donor_eligibility') {
    const markers = (v.donorMarkers ?? '')
      .split(/[;；\n]/)
      .map((m) => m.trim())
      .filter(Boolean)
      .map((m) => {
        const [test, result] = m.split(/[=:：]/).map((x) => x.trim());
        return { test: test ?? m, result: result ?? '' };
      });
    return { donorEligibility: { verdict: v.donorVerdict ?? 'eligible', markers } };
  }
  if (step === 'lot_allocation' && v.batchId) return { batchId: v.batchId };
  return {};
}

/** Released allogeneic batches of this laboratory, offered for the lot allocation. */
function BatchSelect(props: { value?: string; onChange?(v: string): void }) {
  const batches = useLoad(() => pathwayApi.batches(), []);
  return (
    <Select
      {...props}
      data-testid="step-batch"
      loading={batches.loading}
      options={(batches.data ?? [])
        .filter((b) => b.kind === 'allogeneic' && b.status === 'released')
        .map((b) => ({ value: b.id, label: `${b.reference} · ${b.productCode}` }))}
    />
  );
}

/** The patient's donor records with HLA typings (related donors recorded at this hospital). */
function DonorRecordSelect(props: { patientId: string; value?: string; onChange?(v: string): void }) {
  const { t } = useTranslation();
  const { patientId, ...rest } = props;
  const donors = useLoad(() => hlaApi.donors(patientId), [patientId]);
  return (
    <Select
      {...rest}
      allowClear
      data-testid="step-donor-record"
      loading={donors.loading}
      placeholder={t('pathwayMore.donorRecordHelp')}
      options={(donors.data ?? [])
        .filter((d) => d.status === 'active')
        .map((d) => ({
          value: d.id,
          label: `#${d.donorNo} · ${d.relation ?? d.registry ?? d.kind} · ${d.name ?? d.registryDonorId ?? ''}`,
        }))}
    />
  );
}

/** The fields a step needs besides its note: the donor, the donor's consent and eligibility, the lot. */
export function SourceFields({ step, patientId }: { step: string | undefined; patientId: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const donorId = Form.useWatch('donorId', form);
  if (step === 'donor_selection') {
    return (
      <Row gutter={8}>
        <Col span={24}>
          <Form.Item name="donorId" label={t('pathwayMore.donorRecord')}>
            <DonorRecordSelect patientId={patientId} />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name="donorCode" label={t('pathwayMore.donorCode')} rules={[{ required: !donorId }]}>
            <Input data-testid="step-donor-code" placeholder="FAM-SIB-01" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="donorRelation" label={t('pathwayMore.relation')} rules={[{ required: !donorId }]}>
            <Select
              data-testid="step-donor-relation"
              options={DONOR_RELATIONS.map((r) => ({ value: r, label: t(`pathwayMore.relations.${r}`) }))}
            />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="hlaMatch" label={t('pathwayMore.hlaMatch')} rules={[{ required: true }]}>
            <Input data-testid="step-donor-hla" placeholder="10/10" />
          </Form.Item>
        </Col>
      </Row>
    );
  }
  if (step === 'donor_consent') {
    return (
      <Row gutter={8}>
        <Col span={12}>
          <Form.Item name="donorSignedBy" label={t('pathway.signedBy')} initialValue="donor">
            <Select
              options={(['donor', 'guardian'] as const).map((s) => ({
                value: s,
                label: t(`pathwayMore.donorSigners.${s}`),
              }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="donorSignedOn" label={t('pathway.signedOn')} rules={[{ required: true }]}>
            <DatePicker style={{ width: '100%' }} data-testid="step-donor-signed-on" />
          </Form.Item>
        </Col>
      </Row>
    );
  }
  if (step === 'donor_eligibility') {
    return (
      <>
        <Form.Item name="donorVerdict" label={t('pathwayMore.verdict')} initialValue="eligible">
          <Select
            data-testid="step-donor-verdict"
            options={(['eligible', 'ineligible'] as const).map((v) => ({
              value: v,
              label: t(`pathwayMore.eligibility.${v}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="donorMarkers" label={t('pathwayMore.markers')} help={t('pathwayMore.markersHelp')}>
          <Input data-testid="step-donor-markers" />
        </Form.Item>
      </>
    );
  }
  if (step === 'lot_allocation') {
    return (
      <Form.Item name="batchId" label={t('pathwayMore.batch')} rules={[{ required: true }]}>
        <BatchSelect />
      </Form.Item>
    );
  }
  return null;
}

/** The donor of a transplant or the MSC lot, as recorded by its steps. */
export function SourceCard({ therapy }: { therapy: TherapyDetail }) {
  const { t } = useTranslation();
  const { donor, lot } = therapy;
  if (!donor && !lot) return null;
  return (
    <Card title={donor ? t('pathwayMore.donor') : t('pathwayMore.lot')} data-testid="therapy-source">
      {donor && (
        <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('pathwayMore.donorCode')}>{donor.code}</Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.relation')}>
            {t(`pathwayMore.relations.${donor.relation}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.hlaMatch')}>{donor.hlaMatch}</Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.donorConsent')}>
            {donor.consentedOn ?? <Tag>{t('pathwayMore.pending')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.verdict')}>
            <Tag
              color={
                donor.eligibility === 'eligible' ? 'green' : donor.eligibility === 'ineligible' ? 'red' : ''
              }
            >
              {t(`pathwayMore.eligibility.${donor.eligibility}`)}
            </Tag>
            {donor.markers.map((m) => `${m.test} ${m.result}`).join('; ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.collectionDin')}>
            {donor.collectionDin ?? '—'}
          </Descriptions.Item>
        </Descriptions>
      )}
      {lot && (
        <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} data-testid="therapy-lot">
          <Descriptions.Item label={t('pathwayMore.batch')}>
            <Link to={`/batches/${lot.batchId}`}>{lot.batchReference}</Link> · {lot.batchProductCode}
          </Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.bankLot')}>{lot.bankLot}</Descriptions.Item>
          <Descriptions.Item label="DIN">{lot.din}</Descriptions.Item>
          <Descriptions.Item label={t('pathway.time')}>{formatDateTime(lot.allocatedAt)}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/**
 * A correction of a timeline entry: a new entry that references the old one, with the corrected data and the
 * reason; the old entry stays as it was (21 CFR 11.10(e)). Offered on the latest version of an entry only, to
 * the end that records that step.
 */
export function CorrectEntry({
  therapy,
  entry,
  onDone,
}: {
  therapy: TherapyDetail;
  entry: Entry;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ data: string; reason: string }>();
  const [error, setError] = useState<unknown>(null);
  const party =
    principal.organizationKind === 'hospital' && principal.role !== 'patient'
      ? 'hospital'
      : principal.organizationKind === 'laboratory'
        ? 'laboratory'
        : null;
  const stepParty = pathwayFor(therapy.technology).steps.find((s) => s.id === entry.step)?.party;
  const superseded = therapy.entries.some((e) => e.correctsId === entry.id);
  if (
    !can(principal, 'pathway.record') ||
    therapy.consentStatus !== 'active' ||
    party === null ||
    party !== stepParty ||
    superseded
  ) {
    return null;
  }
  const submit = async (v: { data: string; reason: string }) => {
    setError(null);
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(v.data) as Record<string, unknown>;
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('object');
    } catch {
      form.setFields([{ name: 'data', errors: [t('pathwayMore.jsonObject')] }]);
      return;
    }
    try {
      await pathwayApi.correct(therapy.id, {
        correctsId: entry.id,
        expectedVersion: therapy.version,
        data,
        reason: v.reason,
      });
      setOpen(false);
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['reason']);
      setError(e);
    }
  };
  return (
    <>
      <Button size="small" type="link" onClick={() => setOpen(true)} data-testid="entry-correct">
        {t('pathwayMore.correct')}
      </Button>
      <Modal
        open={open}
        title={t('pathwayMore.correctTitle', { seq: entry.seq, step: t(`pathway.stepNames.${entry.step}`) })}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('pathwayMore.correctSubmit')}
        okButtonProps={{ 'data-testid': 'entry-correct-submit' } as ButtonProps}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <ErrorAlert error={error} />
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ data: JSON.stringify(entry.data, null, 1) }}
        >
          <Form.Item name="data" label={t('pathwayMore.correctedData')} rules={[{ required: true }]}>
            <Input.TextArea rows={5} style={{ fontFamily: 'monospace' }} data-testid="entry-correct-data" />
          </Form.Item>
          <Form.Item name="reason" label={t('common.reason')} rules={[{ required: true }]}>
            <Input data-testid="entry-correct-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
