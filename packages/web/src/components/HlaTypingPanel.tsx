import { endOf } from '@cgtlink/domain/access/index';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import type { ButtonProps } from 'antd/es/button';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hlaApi, type Typing, type TypingBody } from '../api/hla';
import { DATE_FORMAT } from '../format';
import { useSession } from '../session/SessionContext';
import { ErrorAlert } from './errors';
import { useFormSubmit } from './useFormSubmit';
import { useLoad } from './useLoad';

const METHODS = ['NGS', 'SBT', 'SSO', 'SSP', 'serology', 'other'] as const;
const RESOLUTIONS = ['high', 'allele', 'intermediate', 'low'] as const;
const LOCI = ['A', 'B', 'C', 'DRB1', 'DQB1', 'DPB1'] as const;
const FIELDS = ['glString', 'typingLab', 'method', 'resolution', 'typedOn', 'reason'] as const;

interface TypingValues {
  glString: string;
  typingLab: string;
  method: TypingBody['method'];
  resolution: TypingBody['resolution'];
  typedOn: Dayjs;
  reason?: string;
}

/**
 * The form of a typing (new, or a correction with its reason). The server validates the GL String against the
 * loaded IPD-IMGT/HLA release; an unknown allele comes back as a field error naming the token.
 */
export function TypingModal({
  open,
  title,
  initial,
  correction,
  onClose,
  onSubmit,
  testId,
}: {
  open: boolean;
  title: string;
  initial?: Typing | undefined;
  correction?: boolean;
  onClose(): void;
  onSubmit(body: TypingBody, reason?: string): Promise<void>;
  testId: string;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TypingValues>();
  const { saving, error, run } = useFormSubmit(form, FIELDS);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': `${testId}-submit` } as ButtonProps}
      destroyOnHidden
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      width={720}
    >
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          glString: initial?.glString ?? '',
          typingLab: initial?.typingLab ?? '',
          method: initial?.method ?? 'NGS',
          resolution: initial?.resolution ?? 'high',
          typedOn: initial ? dayjs(initial.typedOn) : dayjs(),
        }}
        onFinish={(v) =>
          run(() =>
            onSubmit(
              {
                glString: v.glString,
                typingLab: v.typingLab,
                method: v.method,
                resolution: v.resolution,
                typedOn: v.typedOn.format(DATE_FORMAT),
              },
              v.reason,
            ),
          )
        }
      >
        <Form.Item
          name="glString"
          label={t('hla.glString')}
          extra={t('hla.glStringHelp')}
          rules={[{ required: true }]}
        >
          <Input.TextArea rows={3} data-testid={`${testId}-gl`} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="typingLab" label={t('hla.typingLab')} rules={[{ required: true }]}>
          <Input data-testid={`${testId}-lab`} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="method" label={t('hla.method')}>
            <Select
              style={{ width: 160 }}
              options={METHODS.map((m) => ({ value: m, label: t(`hla.methods.${m}`) }))}
            />
          </Form.Item>
          <Form.Item name="resolution" label={t('hla.resolution')}>
            <Select
              style={{ width: 160 }}
              options={RESOLUTIONS.map((r) => ({ value: r, label: t(`hla.resolutions.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="typedOn" label={t('hla.typedOn')} rules={[{ required: true }]}>
            <DatePicker format={DATE_FORMAT} />
          </Form.Item>
        </Space>
        {correction && (
          <Form.Item name="reason" label={t('hla.reason')} rules={[{ required: true }]}>
            <Input data-testid={`${testId}-reason`} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The per-locus table of a typing's lgx reduction (one allele per chromosome where unambiguous). */
export function ReducedLoci({ typing }: { typing: Typing }) {
  const { t } = useTranslation();
  const loci = LOCI.filter((l) => typing.reduced.loci[l]);
  return (
    <Space orientation="vertical" size={4}>
      <Space wrap size={4}>
        {loci.map((l) => (
          <Tag key={l} data-testid={`typing-locus-${l}`}>
            {typing.reduced.loci[l]?.join(' + ')}
          </Tag>
        ))}
      </Space>
      {typing.reduced.ambiguous.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('hla.ambiguous', { loci: typing.reduced.ambiguous.join(', ') })}
        />
      )}
    </Space>
  );
}

/** The HLA typing panel of the patient page: current typing, reduced forms, history, entry and correction. */
export function HlaTypingPanel({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const mayWrite = principal ? endOf(principal.role) === 'hospital' : false;
  const status = useLoad(() => hlaApi.status(), []);
  const typings = useLoad(() => hlaApi.patientTypings(patientId), [patientId]);
  const [adding, setAdding] = useState(false);
  const [correcting, setCorrecting] = useState<Typing>();
  const current = typings.data?.find((ty) => ty.status === 'current');
  return (
    <Card
      title={t('hla.typingTitle')}
      data-testid="hla-typing-panel"
      extra={
        mayWrite && (
          <Space>
            {current && (
              <Button onClick={() => setCorrecting(current)} data-testid="hla-correct">
                {t('hla.correctTyping')}
              </Button>
            )}
            <Button type="primary" onClick={() => setAdding(true)} data-testid="hla-add-typing">
              {t('hla.addTyping')}
            </Button>
          </Space>
        )
      }
    >
      {status.data && !status.data.loaded && (
        <Alert type="warning" showIcon title={t('hla.notLoaded', { message: status.data.message ?? '' })} />
      )}
      <ErrorAlert error={typings.error} />
      {current ? (
        <Descriptions column={1} size="small" bordered styles={{ label: { width: 180 } }}>
          <Descriptions.Item label={t('hla.glString')}>
            <code data-testid="hla-current-gl">{current.glString}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('hla.reduced')}>
            <ReducedLoci typing={current} />
          </Descriptions.Item>
          {current.reduced.serology && (
            <Descriptions.Item label={t('hla.serology')}>{current.reduced.serology}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('hla.typingLab')}>
            {current.typingLab} · {t(`hla.methods.${current.method}`)} ·{' '}
            {t(`hla.resolutions.${current.resolution}`)} · {current.typedOn} ·{' '}
            {t('hla.release', { version: current.releaseVersion })}
          </Descriptions.Item>
        </Descriptions>
      ) : (
        !typings.loading && <Alert type="info" title={t('hla.noTyping')} data-testid="hla-no-typing" />
      )}
      {(typings.data?.length ?? 0) > 1 && (
        <Table<Typing>
          style={{ marginTop: 16 }}
          size="small"
          rowKey="id"
          pagination={false}
          title={() => t('hla.history')}
          dataSource={typings.data}
          columns={[
            { title: t('hla.typedOn'), dataIndex: 'typedOn' },
            { title: t('hla.glString'), dataIndex: 'glString', render: (v: string) => <code>{v}</code> },
            {
              title: t('hla.status'),
              dataIndex: 'status',
              render: (v: string) => t(`hla.${v === 'current' ? 'current' : 'superseded'}`),
            },
          ]}
        />
      )}
      <TypingModal
        open={adding}
        title={t('hla.addTyping')}
        testId="typing"
        onClose={() => setAdding(false)}
        onSubmit={async (body) => {
          await hlaApi.addPatientTyping(patientId, body);
          setAdding(false);
          typings.reload();
        }}
      />
      <TypingModal
        open={correcting !== undefined}
        title={t('hla.correctTyping')}
        testId="typing-correct"
        initial={correcting}
        correction
        onClose={() => setCorrecting(undefined)}
        onSubmit={async (body, reason) => {
          if (!correcting) return;
          await hlaApi.correctTyping(correcting.id, {
            ...body,
            version: correcting.version,
            reason: reason ?? '',
          });
          setCorrecting(undefined);
          typings.reload();
        }}
      />
    </Card>
  );
}
