import { Alert, Button, Form, Input, InputNumber, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { LeveyJennings } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { useFormSubmit } from '../components/useFormSubmit';

interface RunForm {
  value: number;
  runAt: string;
}

/** Now as the value of a `datetime-local` input (local time, minutes). */
function localNow(): string {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

/**
 * Enters one control run of the chosen material. The server answers with the whole chart judged again, so the
 * new run's Westgard verdict (the rules it breaks, warning or reject) is shown at once under the form.
 */
export function ControlRunEntry({
  chart,
  onChart,
}: {
  chart: LeveyJennings;
  onChart(chart: LeveyJennings): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RunForm>();
  const { saving, error, run } = useFormSubmit(form, ['value', 'runAt']);
  const [verdict, setVerdict] = useState<LeveyJennings['points'][number] & { index: number }>();
  const submit = (v: RunForm) =>
    run(async () => {
      const next = await endpoints.addControlRun(chart.material.id, {
        value: v.value,
        runAt: new Date(v.runAt).toISOString(),
      });
      const at = new Date(v.runAt).toISOString();
      let index = next.points.length - 1;
      while (index >= 0 && next.points[index]?.runAt !== at) index--;
      const point = next.points[index];
      setVerdict(point ? { ...point, index } : undefined);
      form.setFieldsValue({ value: undefined as unknown as number, runAt: localNow() });
      onChart(next);
    });
  return (
    <div style={{ marginTop: 12 }}>
      <ErrorAlert error={error} />
      <Form<RunForm> form={form} layout="inline" onFinish={submit} initialValues={{ runAt: localNow() }}>
        <Form.Item
          name="value"
          label={t('labForms.runValue', { unit: chart.material.unit })}
          rules={[{ required: true }]}
        >
          <InputNumber step={0.01} style={{ width: 140 }} data-testid="run-value" />
        </Form.Item>
        <Form.Item name="runAt" label={t('labForms.runAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" data-testid="run-at" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="run-submit">
          {t('labForms.addRun')}
        </Button>
      </Form>
      {verdict && (
        <Alert
          style={{ marginTop: 8 }}
          data-testid="run-verdict"
          data-status={verdict.status}
          type={verdict.status === 'reject' ? 'error' : verdict.status === 'warning' ? 'warning' : 'success'}
          showIcon
          title={
            <Space>
              {t(`labForms.runStatus.${verdict.status}`, {
                n: verdict.index + 1,
                value: verdict.value,
                z: verdict.z.toFixed(2),
              })}
              {verdict.rules.length > 0 && t('labForms.runRules', { rules: verdict.rules.join(', ') })}
            </Space>
          }
        />
      )}
    </div>
  );
}
