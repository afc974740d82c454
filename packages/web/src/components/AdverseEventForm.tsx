import { CAUSALITY, SERIOUSNESS_CRITERIA } from '@cgtlink/domain/followup/expedited';
import { App, type ButtonProps, DatePicker, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { AdverseEventCreate, GradeProposal, Observation } from '../api/types';
import { DATE_FORMAT } from '../format';
import { applyFieldErrors, ErrorAlert } from './errors';

const OUTCOMES = [
  'recovered',
  'recovering',
  'not-recovered',
  'recovered-with-sequelae',
  'fatal',
  'unknown',
] as const;
const FIELDS = [
  'term',
  'grade',
  'overrideReason',
  'onsetDate',
  'awarenessDate',
  'seriousness',
  'causalityProduct',
  'causalityProcedure',
  'outcome',
] as const;

interface AeForm {
  term: string;
  grade: number;
  overrideReason?: string;
  sourceObservationId?: string;
  onsetDate: Dayjs;
  awarenessDate: Dayjs;
  seriousness: AdverseEventCreate['seriousness'];
  causalityProduct: AdverseEventCreate['causalityProduct'];
  causalityProcedure: AdverseEventCreate['causalityProcedure'];
  expected: 'auto' | 'yes' | 'no';
  outcome: AdverseEventCreate['outcome'];
  narrative?: string;
}

/**
 * The adverse-event report: CTCAE term and grade (proposed automatically from a chosen laboratory result; a
 * different grade needs a reason), seriousness, causality to product and procedure, expectedness, outcome.
 */
export function AdverseEventForm({
  patientId,
  open,
  onClose,
  onDone,
  observations = [],
  initialTerm,
  symptomReportId,
}: {
  patientId: string;
  open: boolean;
  onClose(): void;
  onDone(): void;
  observations?: Observation[];
  initialTerm?: string;
  symptomReportId?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AeForm>();
  const [proposal, setProposal] = useState<GradeProposal>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const grade = Form.useWatch('grade', form);
  const overriding = proposal !== null && grade !== undefined && grade !== proposal.grade;

  useEffect(() => {
    if (open) {
      form.resetFields();
      setProposal(null);
      setError(null);
      if (initialTerm) form.setFieldValue('term', initialTerm);
    }
  }, [open, initialTerm, form]);

  const pickObservation = async (id: string | undefined) => {
    if (!id) return setProposal(null);
    try {
      const p = await endpoints.gradeProposal(id);
      setProposal(p);
      const obs = observations.find((o) => o.id === id);
      if (p) form.setFieldsValue({ term: p.termName, grade: p.grade });
      if (obs) form.setFieldsValue({ onsetDate: dayjs(obs.observedOn) });
    } catch (e) {
      setError(e);
    }
  };

  const submit = async (v: AeForm) => {
    setSaving(true);
    setError(null);
    try {
      await endpoints.reportAdverseEvent(patientId, {
        term: v.term,
        grade: v.grade,
        overrideReason: overriding ? (v.overrideReason ?? null) : null,
        sourceObservationId: v.sourceObservationId ?? null,
        symptomReportId: symptomReportId ?? null,
        onsetDate: v.onsetDate.format(DATE_FORMAT),
        awarenessDate: v.awarenessDate.format(DATE_FORMAT),
        seriousness: v.seriousness ?? [],
        causalityProduct: v.causalityProduct,
        causalityProcedure: v.causalityProcedure,
        ...(v.expected === 'auto' ? {} : { expected: v.expected === 'yes' }),
        outcome: v.outcome,
        narrative: v.narrative?.trim() || null,
      });
      void message.success(t('followup.reported'));
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, FIELDS);
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const labs = observations.filter((o) => o.status === 'final');
  return (
    <Modal
      open={open}
      title={t('followup.reportAe')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'ae-submit' } as ButtonProps}
      destroyOnHidden
      width={640}
    >
      <ErrorAlert error={error} />
      {symptomReportId && (
        <Typography.Paragraph type="secondary">{t('followup.fromSymptom')}</Typography.Paragraph>
      )}
      <Form<AeForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          onsetDate: dayjs(),
          awarenessDate: dayjs(),
          seriousness: [],
          causalityProduct: 'possible',
          causalityProcedure: 'unrelated',
          expected: 'auto',
          outcome: 'recovering',
        }}
      >
        {labs.length > 0 && (
          <Form.Item name="sourceObservationId" label={t('followup.sourceObservation')}>
            <Select
              allowClear
              data-testid="ae-observation"
              onChange={(id: string | undefined) => void pickObservation(id)}
              options={labs.map((o) => ({
                value: o.id,
                label: `${o.observedOn} ${o.code} ${o.value} ${o.unit}`,
              }))}
            />
          </Form.Item>
        )}
        {proposal !== null && (
          <Typography.Paragraph data-testid="ae-proposal">
            {t('followup.proposed', { term: proposal.termName, grade: proposal.grade })} — {proposal.reason}
          </Typography.Paragraph>
        )}
        <Form.Item name="term" label={t('followup.term')} rules={[{ required: true }]}>
          <Input data-testid="ae-term" />
        </Form.Item>
        <Form.Item name="grade" label={t('followup.grade')} rules={[{ required: true }]}>
          <InputNumber min={1} max={5} precision={0} data-testid="ae-grade" />
        </Form.Item>
        {overriding && (
          <Form.Item
            name="overrideReason"
            label={t('followup.overrideReason')}
            rules={[{ required: true, message: t('followup.overrideRequired') }]}
          >
            <Input.TextArea rows={2} data-testid="ae-override-reason" />
          </Form.Item>
        )}
        <Form.Item name="onsetDate" label={t('followup.onsetDate')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} data-testid="ae-onset" />
        </Form.Item>
        <Form.Item name="awarenessDate" label={t('followup.awarenessDate')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} data-testid="ae-awareness" />
        </Form.Item>
        <Form.Item name="seriousness" label={t('followup.seriousness')}>
          <Select
            mode="multiple"
            data-testid="ae-seriousness"
            options={SERIOUSNESS_CRITERIA.map((c) => ({ value: c, label: t(`seriousness.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="causalityProduct" label={t('followup.causalityProduct')}>
          <Select
            data-testid="ae-causality-product"
            options={CAUSALITY.map((c) => ({ value: c, label: t(`causality.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="causalityProcedure" label={t('followup.causalityProcedure')}>
          <Select
            data-testid="ae-causality-procedure"
            options={CAUSALITY.map((c) => ({ value: c, label: t(`causality.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="expected" label={t('followup.expected')}>
          <Select
            data-testid="ae-expected"
            options={[
              { value: 'auto', label: t('followup.expectedAuto') },
              { value: 'yes', label: t('followup.expectedYes') },
              { value: 'no', label: t('followup.expectedNo') },
            ]}
          />
        </Form.Item>
        <Form.Item name="outcome" label={t('followup.outcome')}>
          <Select
            data-testid="ae-outcome"
            options={OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
          />
        </Form.Item>
        <Form.Item name="narrative" label={t('followup.narrative')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
