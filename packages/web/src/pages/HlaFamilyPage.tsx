import { ArrowLeftOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { endOf } from '@cgtlink/domain/access/index';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { type Donor, hlaApi, type RelatedDonorCreate, type Workup, type WorkupQuery } from '../api/hla';
import { ErrorAlert } from '../components/errors';
import { HlaTypingPanel, ReducedLoci, TypingModal } from '../components/HlaTypingPanel';
import { useFormSubmit } from '../components/useFormSubmit';
import { useLoad } from '../components/useLoad';
import { DATE_FORMAT } from '../format';
import { useSession } from '../session/SessionContext';

const RELATIONS = ['father', 'mother', 'sibling', 'child', 'other'] as const;
const SEXES = ['M', 'F', 'U'] as const;
const ABOS = ['O', 'A', 'B', 'AB', 'unknown'] as const;
const CMVS = ['neg', 'pos', 'unknown'] as const;
const HAPLOTYPE_LOCI = ['A', 'C', 'B', 'DRB1', 'DQB1'] as const;
const DONOR_FIELDS = [
  'relation',
  'name',
  'sex',
  'birthDate',
  'abo',
  'cmv',
  'parity',
  'glString',
  'typingLab',
];

const CLASS_COLOR: Record<string, string> = {
  'HLA-identical': 'green',
  haploidentical: 'blue',
  mismatched: 'red',
  undetermined: 'default',
};
const VERDICT_COLOR: Record<string, string> = {
  preferred: 'green',
  acceptable: 'blue',
  caution: 'orange',
  avoid: 'red',
  unknown: 'default',
};

interface DonorValues {
  relation: RelatedDonorCreate['relation'];
  name: string;
  sex: RelatedDonorCreate['sex'];
  birthDate: Dayjs;
  abo: NonNullable<RelatedDonorCreate['abo']>;
  cmv: NonNullable<RelatedDonorCreate['cmv']>;
  parity?: number;
  dsa?: { specificity: string; mfi: number }[];
  glString?: string;
  typingLab?: string;
  typedOn?: Dayjs;
}

function DonorDrawer({
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
  const [form] = Form.useForm<DonorValues>();
  const { saving, error, run } = useFormSubmit(form, DONOR_FIELDS);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('hla.addDonor')}
      size={560}
      destroyOnHidden
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="donor-submit">
          {t('common.save')}
        </Button>
      }
    >
      <ErrorAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ relation: 'sibling', sex: 'M', abo: 'unknown', cmv: 'unknown' }}
        onFinish={(v) =>
          run(async () => {
            const gl = v.glString?.trim();
            await hlaApi.addDonor(patientId, {
              relation: v.relation,
              name: v.name,
              sex: v.sex,
              birthDate: v.birthDate.format(DATE_FORMAT),
              abo: v.abo,
              cmv: v.cmv,
              ...(v.parity !== undefined && v.parity !== null ? { parity: v.parity } : {}),
              dsa: (v.dsa ?? []).filter((d) => d?.specificity),
              ...(gl
                ? {
                    typing: {
                      glString: gl,
                      typingLab: v.typingLab?.trim() || '—',
                      method: 'NGS',
                      resolution: 'high',
                      typedOn: (v.typedOn ?? v.birthDate).format(DATE_FORMAT),
                    },
                  }
                : {}),
            });
            onDone();
          })
        }
      >
        <Space wrap>
          <Form.Item name="relation" label={t('hla.relation')} rules={[{ required: true }]}>
            <Select
              style={{ width: 140 }}
              data-testid="donor-relation"
              options={RELATIONS.map((r) => ({ value: r, label: t(`hla.relations.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('hla.name')} rules={[{ required: true }]}>
            <Input data-testid="donor-name" />
          </Form.Item>
          <Form.Item name="sex" label={t('hla.sex')}>
            <Select
              style={{ width: 100 }}
              options={SEXES.map((s) => ({ value: s, label: t(`hla.sexes.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="birthDate" label={t('hla.birthDate')} rules={[{ required: true }]}>
            <DatePicker format={DATE_FORMAT} data-testid="donor-birth" />
          </Form.Item>
          <Form.Item name="abo" label={t('hla.abo')}>
            <Select
              style={{ width: 100 }}
              options={ABOS.map((a) => ({ value: a, label: t(`hla.abos.${a}`) }))}
            />
          </Form.Item>
          <Form.Item name="cmv" label={t('hla.cmv')}>
            <Select
              style={{ width: 120 }}
              options={CMVS.map((c) => ({ value: c, label: t(`hla.cmvs.${c}`) }))}
            />
          </Form.Item>
          <Form.Item name="parity" label={t('hla.parity')}>
            <InputNumber min={0} max={30} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t('hla.dsa')}</Typography.Text>
        <Form.List name="dsa">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item name={[field.name, 'specificity']} rules={[{ required: true }]}>
                    <Input placeholder={t('hla.dsaSpecificity')} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'mfi']} rules={[{ required: true }]}>
                    <InputNumber placeholder={t('hla.mfi')} min={0} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add()}
                style={{ marginBottom: 16 }}
              >
                {t('hla.addDsa')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="glString" label={t('hla.glString')} extra={t('hla.glStringHelp')}>
          <Input.TextArea rows={3} data-testid="donor-gl" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="typingLab" label={t('hla.typingLab')}>
            <Input data-testid="donor-lab" />
          </Form.Item>
          <Form.Item name="typedOn" label={t('hla.typedOn')}>
            <DatePicker format={DATE_FORMAT} />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function WorkupResult({ workup, donors }: { workup: Workup; donors: Donor[] }) {
  const { t } = useTranslation();
  const nameOf = (id: string) => {
    const d = donors.find((x) => x.id === id);
    return d ? `${d.name ?? t(`hla.relations.${d.relation ?? 'other'}`)}` : id;
  };
  const { haplotypes } = workup;
  const labelOf = (k: number) => {
    const label = haplotypes.labels[k] ?? String(k);
    return label === 'paternal' || label === 'maternal' ? t(`hla.haplotypeLabels.${label}`) : label;
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="workup-result">
      <Card size="small" title={t('hla.haplotypes')}>
        <Table
          size="small"
          rowKey="locus"
          pagination={false}
          dataSource={HAPLOTYPE_LOCI.map((locus) => ({
            locus,
            h0: haplotypes.haplotypes[0][locus] ?? '?',
            h1: haplotypes.haplotypes[1][locus] ?? '?',
            phase: haplotypes.phase[locus],
          }))}
          columns={[
            { title: t('hla.locus'), dataIndex: 'locus' },
            { title: labelOf(0), dataIndex: 'h0' },
            { title: labelOf(1), dataIndex: 'h1' },
            {
              title: t('hla.phase'),
              dataIndex: 'phase',
              render: (p?: string) => (p ? t(`hla.phases.${p}`) : t('hla.untyped')),
            },
          ]}
        />
        {haplotypes.notes.length > 0 && (
          <Alert
            style={{ marginTop: 8 }}
            type="info"
            showIcon
            title={t('hla.notes')}
            description={
              <ul style={{ margin: 0 }} data-testid="workup-notes">
                {haplotypes.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            }
          />
        )}
      </Card>
      <Card size="small" title={t('hla.relatives')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={workup.relatives}
          columns={[
            { title: t('hla.name'), dataIndex: 'id', render: (id: string) => nameOf(id) },
            {
              title: t('hla.relation'),
              dataIndex: 'relation',
              render: (r: string) => t(`hla.relations.${r}`),
            },
            {
              title: t('hla.classification'),
              dataIndex: 'classification',
              render: (c: string, r) => (
                <Tag color={CLASS_COLOR[c]} data-testid={`class-${r.id}`}>
                  {t(`hla.classifications.${c}`)}
                </Tag>
              ),
            },
            {
              title: t('hla.shared'),
              dataIndex: 'sharedHaplotypes',
              render: (s: number[]) => (s.length ? s.map(labelOf).join(' + ') : t('hla.none')),
            },
            { title: t('hla.reasons'), dataIndex: 'reasons', render: (r: string[]) => r.join('; ') },
          ]}
        />
        {workup.excluded.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('hla.excluded')}: {workup.excluded.map((e) => `${nameOf(e.donorId)} (${e.reason})`).join('; ')}
          </Typography.Paragraph>
        )}
      </Card>
      <Card size="small" title={t('hla.ranking')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={workup.ranking}
          data-testid="workup-ranking"
          columns={[
            { title: t('hla.position'), dataIndex: 'position', width: 60 },
            { title: t('hla.name'), dataIndex: 'id', render: (id: string) => nameOf(id) },
            {
              title: t('hla.classification'),
              dataIndex: 'classification',
              render: (c: string) => <Tag color={CLASS_COLOR[c]}>{t(`hla.classifications.${c}`)}</Tag>,
            },
            {
              title: t('hla.criteria'),
              dataIndex: 'criteria',
              render: (criteria: Workup['ranking'][number]['criteria']) => (
                <Space wrap size={4}>
                  {criteria.map((c) => (
                    <Tooltip key={c.name} title={c.note}>
                      <Tag color={VERDICT_COLOR[c.verdict]} data-testid={`criterion-${c.name}`}>
                        {t(`hla.criterionNames.${c.name}`)}: {c.value} · {t(`hla.verdicts.${c.verdict}`)}
                      </Tag>
                    </Tooltip>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** The related donors of a patient (hospital end) and the family work-up over them. */
export function HlaFamilyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const { principal } = useSession();
  const mayWrite = principal ? endOf(principal.role) === 'hospital' : false;
  const donors = useLoad(() => hlaApi.donors(id), [id]);
  const [adding, setAdding] = useState(false);
  const [typingFor, setTypingFor] = useState<Donor>();
  const [query, setQuery] = useState<WorkupQuery>({ policy: 'ebmt' });
  const [workup, setWorkup] = useState<Workup>();
  const [workupError, setWorkupError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const runWorkup = async () => {
    setRunning(true);
    setWorkupError(null);
    try {
      setWorkup(await hlaApi.workup(id, query));
    } catch (e) {
      setWorkup(undefined);
      setWorkupError(e);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/patients/${id}`)}>
          {t('common.back')}
        </Button>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('hla.familyTitle')}
        </Typography.Title>
      </Space>
      <HlaTypingPanel patientId={id} />
      <Card
        title={t('hla.donors')}
        extra={
          mayWrite && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setAdding(true)}
              data-testid="donor-add"
            >
              {t('hla.addDonor')}
            </Button>
          )
        }
      >
        <ErrorAlert error={donors.error} />
        <Table<Donor>
          size="small"
          rowKey="id"
          loading={donors.loading}
          pagination={false}
          dataSource={donors.data ?? []}
          data-testid="donor-table"
          columns={[
            {
              title: t('hla.relation'),
              dataIndex: 'relation',
              render: (r: string) => t(`hla.relations.${r}`),
            },
            { title: t('hla.name'), dataIndex: 'name', render: (n: string | null) => n ?? '—' },
            { title: t('hla.sex'), dataIndex: 'sex', render: (s: string) => t(`hla.sexes.${s}`) },
            { title: t('hla.age'), dataIndex: 'age' },
            { title: t('hla.abo'), dataIndex: 'abo', render: (a: string) => t(`hla.abos.${a}`) },
            { title: t('hla.cmv'), dataIndex: 'cmv', render: (c: string) => t(`hla.cmvs.${c}`) },
            {
              title: t('hla.dsa'),
              dataIndex: 'dsa',
              render: (dsa: Donor['dsa']) =>
                dsa.length ? dsa.map((d) => `${d.specificity} (MFI ${d.mfi})`).join(', ') : t('hla.none'),
            },
            {
              title: t('hla.typing'),
              dataIndex: 'typing',
              render: (_: unknown, d) =>
                d.typing ? (
                  <ReducedLoci typing={d.typing} />
                ) : mayWrite ? (
                  <Button size="small" onClick={() => setTypingFor(d)} data-testid={`donor-typing-${d.id}`}>
                    {t('hla.donorTyping')}
                  </Button>
                ) : (
                  t('hla.noTyping')
                ),
            },
          ]}
        />
      </Card>
      {mayWrite && (
        <Card title={t('hla.workup')}>
          <Space wrap style={{ marginBottom: 16 }}>
            <Select<'O' | 'A' | 'B' | 'AB'>
              allowClear
              placeholder={t('hla.patientAbo')}
              style={{ width: 160 }}
              data-testid="workup-abo"
              options={(['O', 'A', 'B', 'AB'] as const).map((a) => ({
                value: a,
                label: `${t('hla.patientAbo')} ${a}`,
              }))}
              onChange={(v) => setQuery((q) => ({ ...q, patientAbo: v }))}
            />
            <Select<'pos' | 'neg'>
              allowClear
              placeholder={t('hla.patientCmv')}
              style={{ width: 200 }}
              options={(['neg', 'pos'] as const).map((c) => ({
                value: c,
                label: `${t('hla.patientCmv')} ${t(`hla.cmvs.${c}`)}`,
              }))}
              onChange={(v) => setQuery((q) => ({ ...q, patientCmv: v }))}
            />
            <Select<'ebmt' | 'china'>
              value={query.policy}
              style={{ width: 220 }}
              options={(['ebmt', 'china'] as const).map((p) => ({ value: p, label: t(`hla.policies.${p}`) }))}
              onChange={(v) => setQuery((q) => ({ ...q, policy: v }))}
            />
            <Button type="primary" loading={running} onClick={runWorkup} data-testid="workup-run">
              {t('hla.runWorkup')}
            </Button>
          </Space>
          <ErrorAlert error={workupError} />
          {workup && <WorkupResult workup={workup} donors={donors.data ?? []} />}
        </Card>
      )}
      <DonorDrawer
        patientId={id}
        open={adding}
        onClose={() => setAdding(false)}
        onDone={() => {
          setAdding(false);
          donors.reload();
        }}
      />
      <TypingModal
        open={typingFor !== undefined}
        title={t('hla.donorTyping')}
        testId="donor-typing"
        onClose={() => setTypingFor(undefined)}
        onSubmit={async (body) => {
          if (!typingFor) return;
          await hlaApi.addDonorTyping(typingFor.id, body);
          setTypingFor(undefined);
          donors.reload();
        }}
      />
    </Space>
  );
}
