import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import {
  hlaApi,
  type MatchExplanation,
  type SearchBody,
  type SearchHit,
  type SearchResult,
} from '../api/hla';
import { ErrorAlert } from '../components/errors';
import { useFormSubmit } from '../components/useFormSubmit';
import { useLoad } from '../components/useLoad';

const LOCI = ['A', 'B', 'C', 'DRB1', 'DQB1', 'DPB1'] as const;
const SEXES = ['M', 'F', 'U'] as const;
const CMVS = ['neg', 'pos', 'unknown'] as const;
const ABOS = ['O', 'A', 'B', 'AB', 'unknown'] as const;
const FIELDS = [
  'patientId',
  'glString',
  'maxMismatches',
  'loci',
  'minAge',
  'maxAge',
  'sex',
  'cmv',
  'abo',
  'limit',
];

const DPB1_COLOR: Record<string, string> = {
  match: 'green',
  permissive: 'blue',
  unknown: 'default',
  'non-permissive': 'red',
};

interface SearchValues {
  patientId?: string;
  glString?: string;
  maxMismatches: number;
  loci: (typeof LOCI)[number][];
  minAge?: number;
  maxAge?: number;
  sex?: (typeof SEXES)[number][];
  cmv?: (typeof CMVS)[number][];
  abo?: (typeof ABOS)[number][];
  limit: number;
}

type Patient = SearchBody['patient'];

function gradeText(g: MatchExplanation['best']): string {
  return [`${g.of8 ?? '?'}/8`, `${g.of10 ?? '?'}/10`, `${g.of12 ?? '?'}/12`].join(' · ');
}

/** The per-locus explanation of one donor: levels, direction, DPB1 TCE and the match grades. */
function ExplanationDrawer({
  patient,
  hit,
  onClose,
}: {
  patient: Patient | undefined;
  hit: SearchHit | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const explanation = useLoad(
    () => (hit && patient ? hlaApi.explain({ patient, donorId: hit.donorId }) : Promise.resolve(undefined)),
    [hit?.donorId, JSON.stringify(patient)],
  );
  const m = explanation.data;
  const same = m && JSON.stringify(m.best) === JSON.stringify(m.worst);
  return (
    <Drawer
      open={hit !== undefined}
      onClose={onClose}
      size={820}
      title={`${t('hla.explanation')} — ${hit?.registryDonorId ?? ''}`}
      destroyOnHidden
    >
      <ErrorAlert error={explanation.error} />
      {m && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="explanation">
          <Descriptions size="small" bordered column={1}>
            <Descriptions.Item label={t('hla.grade')}>
              <span data-testid="explanation-grade">
                {same
                  ? gradeText(m.best)
                  : `${t('hla.best')} ${gradeText(m.best)}; ${t('hla.worst')} ${gradeText(m.worst)}`}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('hla.patientAlleles')}>
              <code>{m.patientGlString}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('hla.donorAlleles')}>
              <code>{m.donorGlString}</code>
            </Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="locus"
            pagination={false}
            dataSource={m.loci}
            data-testid="explanation-loci"
            columns={[
              { title: t('hla.locus'), dataIndex: 'locus' },
              {
                title: t('hla.patientAlleles'),
                render: (_: unknown, l) => (l.best ? l.best.patient.join(' + ') : t('hla.untyped')),
              },
              {
                title: t('hla.donorAlleles'),
                render: (_: unknown, l) => (l.best ? l.best.donor.join(' + ') : t('hla.untyped')),
              },
              {
                title: t('hla.mismatches'),
                render: (_: unknown, l) =>
                  l.best
                    ? l.ambiguous && l.worst && l.worst.mismatches !== l.best.mismatches
                      ? `${l.best.mismatches}–${l.worst.mismatches}`
                      : l.best.mismatches
                    : '—',
              },
              {
                title: t('hla.direction'),
                render: (_: unknown, l) =>
                  l.best ? (
                    <span data-testid={`direction-${l.locus}`}>
                      {t(`hla.directions.${l.best.direction}`)}
                    </span>
                  ) : (
                    '—'
                  ),
              },
              {
                title: t('hla.level'),
                render: (_: unknown, l) =>
                  l.best
                    ? [
                        ...l.best.gvhLevels.map((v) => `GvH ${t(`hla.levels.${v}`)}`),
                        ...l.best.hvgLevels.map((v) => `HvG ${t(`hla.levels.${v}`)}`),
                      ].join(', ') || '—'
                    : '—',
              },
              {
                title: t('hla.tce'),
                render: (_: unknown, l) =>
                  l.best?.tce ? <Tag data-testid="explanation-tce">{t(`hla.tces.${l.best.tce}`)}</Tag> : '',
              },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

/** Unrelated donor search over the registry index the server holds, with the per-locus explanation. */
export function DonorSearchPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SearchValues>();
  const { saving, error, run } = useFormSubmit(form, FIELDS);
  const patients = useLoad(() => endpoints.patients(500, 0), []);
  const status = useLoad(() => hlaApi.status(), []);
  const [result, setResult] = useState<SearchResult>();
  const [patient, setPatient] = useState<Patient>();
  const [open, setOpen] = useState<SearchHit>();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('hla.searchTitle')}
      </Typography.Title>
      {status.data && !status.data.loaded && (
        <Alert type="warning" showIcon title={t('hla.notLoaded', { message: status.data.message ?? '' })} />
      )}
      <Card>
        <ErrorAlert error={error} />
        <Form
          form={form}
          layout="vertical"
          initialValues={{ maxMismatches: 1, loci: ['A', 'B', 'C', 'DRB1'], limit: 50 }}
          onFinish={(v) =>
            run(async () => {
              const source: Patient = v.glString?.trim()
                ? { glString: v.glString.trim() }
                : { patientId: v.patientId ?? '' };
              const filters = {
                ...(v.minAge !== undefined && v.minAge !== null ? { minAge: v.minAge } : {}),
                ...(v.maxAge !== undefined && v.maxAge !== null ? { maxAge: v.maxAge } : {}),
                ...(v.sex?.length ? { sex: v.sex } : {}),
                ...(v.cmv?.length ? { cmv: v.cmv } : {}),
                ...(v.abo?.length ? { abo: v.abo } : {}),
              };
              setResult(
                await hlaApi.search({
                  patient: source,
                  maxMismatches: v.maxMismatches,
                  loci: v.loci,
                  limit: v.limit,
                  filters,
                }),
              );
              setPatient(source);
            })
          }
        >
          <Space wrap align="start">
            <Form.Item name="patientId" label={t('hla.patientRecord')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 260 }}
                data-testid="search-patient"
                options={(patients.data ?? []).map((p) => ({
                  value: p.id,
                  label: `${'name' in p && p.name ? p.name : ''} ${p.pseudonym}`.trim(),
                }))}
              />
            </Form.Item>
            <Form.Item name="glString" label={t('hla.patientGl')}>
              <Input style={{ width: 420, fontFamily: 'monospace' }} data-testid="search-gl" />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="maxMismatches" label={t('hla.maxMismatches')} rules={[{ required: true }]}>
              <InputNumber min={0} max={12} data-testid="search-max" />
            </Form.Item>
            <Form.Item name="loci" label={t('hla.loci')} rules={[{ required: true }]}>
              <Checkbox.Group options={LOCI.map((l) => ({ value: l, label: l }))} data-testid="search-loci" />
            </Form.Item>
            <Form.Item label={t('hla.ageRange')}>
              <Space>
                <Form.Item name="minAge" noStyle>
                  <InputNumber min={0} max={100} placeholder={t('hla.minAge')} />
                </Form.Item>
                <Form.Item name="maxAge" noStyle>
                  <InputNumber min={0} max={100} placeholder={t('hla.maxAge')} />
                </Form.Item>
              </Space>
            </Form.Item>
            <Form.Item name="sex" label={t('hla.sex')}>
              <Select
                mode="multiple"
                style={{ width: 160 }}
                options={SEXES.map((s) => ({ value: s, label: t(`hla.sexes.${s}`) }))}
              />
            </Form.Item>
            <Form.Item name="cmv" label={t('hla.cmv')}>
              <Select
                mode="multiple"
                style={{ width: 180 }}
                options={CMVS.map((c) => ({ value: c, label: t(`hla.cmvs.${c}`) }))}
              />
            </Form.Item>
            <Form.Item name="abo" label={t('hla.abo')}>
              <Select
                mode="multiple"
                style={{ width: 180 }}
                options={ABOS.map((a) => ({ value: a, label: t(`hla.abos.${a}`) }))}
              />
            </Form.Item>
            <Form.Item name="limit" label={t('hla.limit')}>
              <InputNumber min={1} max={500} />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="search-submit">
            {t('hla.search')}
          </Button>
        </Form>
      </Card>
      {result && (
        <Card
          title={t('hla.hits', { count: result.hits.length })}
          extra={
            <Typography.Text type="secondary">
              {t('hla.indexed', { count: result.indexedDonors })} ·{' '}
              {t('hla.release', { version: result.releaseVersion })}
            </Typography.Text>
          }
        >
          <Table<SearchHit>
            size="small"
            rowKey="donorId"
            dataSource={result.hits}
            pagination={{ pageSize: 20 }}
            data-testid="search-hits"
            columns={[
              { title: t('hla.position'), dataIndex: 'position', width: 60 },
              {
                title: t('hla.donorId'),
                dataIndex: 'registryDonorId',
                render: (v: string | null, hit) => (
                  <Button type="link" onClick={() => setOpen(hit)} data-testid={`hit-${v ?? hit.donorNo}`}>
                    {v ?? hit.donorNo}
                  </Button>
                ),
              },
              { title: t('hla.registry'), dataIndex: 'registry' },
              { title: t('hla.mismatches'), dataIndex: 'mismatches' },
              { title: t('hla.gvh'), dataIndex: 'gvh' },
              { title: t('hla.hvg'), dataIndex: 'hvg' },
              {
                title: t('hla.dpb1'),
                dataIndex: 'dpb1',
                render: (d: string) => <Tag color={DPB1_COLOR[d]}>{t(`hla.dpb1Classes.${d}`)}</Tag>,
              },
              {
                title: t('hla.perLocus'),
                dataIndex: 'loci',
                render: (loci: SearchHit['loci']) => (
                  <Space wrap size={2}>
                    {loci.map((l) => (
                      <Tag
                        key={l.locus}
                        color={l.untyped ? 'default' : l.mismatches === 0 ? 'green' : 'orange'}
                      >
                        {l.locus} {l.untyped ? t('hla.untyped') : `${2 - l.mismatches}/2`}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              { title: t('hla.age'), dataIndex: 'age' },
              { title: t('hla.sex'), dataIndex: 'sex', render: (s: string) => t(`hla.sexes.${s}`) },
              { title: t('hla.cmv'), dataIndex: 'cmv', render: (c: string) => t(`hla.cmvs.${c}`) },
              { title: t('hla.abo'), dataIndex: 'abo', render: (a: string) => t(`hla.abos.${a}`) },
              {
                title: '',
                render: (_: unknown, hit) => (
                  <Button size="small" onClick={() => setOpen(hit)}>
                    {t('hla.explain')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <ExplanationDrawer patient={patient} hit={open} onClose={() => setOpen(undefined)} />
    </Space>
  );
}
