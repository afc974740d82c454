import { PlusOutlined } from '@ant-design/icons';
import { can } from '@cgtlink/domain/access/index';
import { Button, Card, Descriptions, List, Space, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { Batch, CellBank, CellLine, Recall, Upstream, Vial } from '../api/types';
import { ErrorAlert, useReportError } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { usePrincipal } from '../session/SessionContext';
import { FreezeIntoPosition, NewBank, NewCellLine, VialPanel } from './CellBankForms';

const VIAL_COLOR: Record<Vial['status'], string> = {
  stored: '#52c41a',
  issued: '#1677ff',
  thawed: '#faad14',
  discarded: '#bfbfbf',
};

const POSITIONS = Array.from({ length: 100 }, (_, i) => i + 1);

/** A 10 × 10 cryobox: each position coloured by the state of the vial it holds (empty when none); an empty
 * position can be picked to freeze a vial into it when `onPickEmpty` is given. */
function BoxMap({
  vials,
  onPick,
  onPickEmpty,
}: {
  vials: Vial[];
  onPick(vial: Vial): void;
  onPickEmpty?: ((position: number) => void) | undefined;
}) {
  const { t } = useTranslation();
  const byPosition = new Map(vials.map((v) => [v.position, v]));
  return (
    <div
      data-testid="box-map"
      style={{ display: 'grid', gridTemplateColumns: 'repeat(10, 32px)', gap: 4, marginTop: 8 }}
    >
      {POSITIONS.map((position) => {
        const vial = byPosition.get(position);
        return (
          <Tooltip
            key={position}
            title={vial ? `${vial.label} · ${t(`cellBank.vialStatus.${vial.status}`)}` : position}
          >
            <button
              type="button"
              disabled={!vial && !onPickEmpty}
              onClick={() => (vial ? onPick(vial) : onPickEmpty?.(position))}
              data-testid={`box-position-${position}`}
              data-status={vial?.status ?? 'empty'}
              style={{
                width: 32,
                height: 32,
                borderRadius: 16,
                border: '1px solid #d9d9d9',
                background: vial ? VIAL_COLOR[vial.status] : 'transparent',
                fontSize: 10,
                display: 'flex',
                alignItems: 'center',
                justifyContent: 'center',
                color: vial ? '#fff' : '#999',
                cursor: vial || onPickEmpty ? 'pointer' : 'default',
                padding: 0,
              }}
            >
              {position}
            </button>
          </Tooltip>
        );
      })}
    </div>
  );
}

/** The seed cell bank: master and working banks with their counts, a box map, and the recall list. */
export function CellBankPage() {
  const { t } = useTranslation();
  const report = useReportError();
  const principal = usePrincipal();
  const canManage = can(principal, 'cellbank.manage');
  const banks = useLoad(() => endpoints.cellBanks(), []);
  const lines = useLoad(() => endpoints.cellLines(), []);
  const batches = useLoad(
    () => (canManage ? endpoints.batches() : Promise.resolve([] as Batch[])),
    [canManage],
  );
  const [creating, setCreating] = useState<'line' | 'bank' | null>(null);
  const [picked, setPicked] = useState<Vial | null>(null);
  const [freezeAt, setFreezeAt] = useState<{
    tank: string;
    rack: string;
    box: string;
    position: number;
  } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = (banks.data ?? []).find((b) => b.id === selectedId) ?? null;
  const setSelected = (b: CellBank) => {
    setSelectedId(b.id);
    setPicked(null);
    setFreezeAt(null);
  };
  const [recall, setRecall] = useState<Recall | null>(null);
  const [upstream, setUpstream] = useState<{ pseudonym: string; trace: Upstream } | null>(null);
  const traceVial = (vial: Vial) => endpoints.recall({ vialId: vial.id }).then(setRecall).catch(report);
  const tracePatient = (patientId: string, pseudonym: string) =>
    endpoints
      .upstream(patientId)
      .then((trace) => setUpstream({ pseudonym, trace }))
      .catch(report);
  const vials = useLoad(
    () => (selected ? endpoints.vials({ bankId: selected.id }) : Promise.resolve([] as Vial[])),
    [selected?.id],
  );
  const changed = () => {
    vials.reload();
    banks.reload();
    setPicked(null);
    setFreezeAt(null);
  };
  const pickedNow = picked ? ((vials.data ?? []).find((v) => v.id === picked.id) ?? picked) : null;
  const boxes = [...new Set((vials.data ?? []).map((v) => `${v.tank} / ${v.rack} / ${v.box}`))];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('labForms.lines')}
        extra={
          canManage && (
            <Button icon={<PlusOutlined />} onClick={() => setCreating('line')} data-testid="line-new">
              {t('labForms.newLine')}
            </Button>
          )
        }
      >
        <ErrorAlert error={lines.error} />
        <Table<CellLine>
          rowKey="id"
          size="small"
          loading={lines.loading}
          dataSource={lines.data ?? []}
          pagination={false}
          data-testid="line-table"
          columns={[
            { title: t('labForms.lineCode'), dataIndex: 'code' },
            { title: t('labForms.lineName'), dataIndex: 'name' },
            { title: t('labForms.tissueSource'), dataIndex: 'tissueSource' },
            { title: t('labForms.donorCode'), dataIndex: 'donorCode' },
            {
              title: t('labForms.donorEligibility'),
              dataIndex: 'donorEligibility',
              render: (e: CellLine['donorEligibility']) => (
                <Tag color={e === 'eligible' ? 'green' : e === 'pending' ? 'orange' : 'red'}>
                  {t(`labForms.eligibility.${e}`)}
                </Tag>
              ),
            },
            { title: t('labForms.consentReference'), dataIndex: 'consentReference' },
            {
              title: t('labForms.donorTesting'),
              dataIndex: 'donorTesting',
              render: (tests: CellLine['donorTesting']) =>
                tests.map((x) => `${x.test}: ${x.result}`).join('; ') || '—',
            },
          ]}
        />
      </Card>
      <Card
        title={t('cellBank.title')}
        extra={
          canManage && (
            <Button icon={<PlusOutlined />} onClick={() => setCreating('bank')} data-testid="bank-new">
              {t('labForms.newBank')}
            </Button>
          )
        }
      >
        <ErrorAlert error={banks.error} />
        <Table<CellBank>
          rowKey="id"
          size="middle"
          loading={banks.loading}
          dataSource={banks.data ?? []}
          pagination={false}
          data-testid="bank-table"
          columns={[
            { title: t('cellBank.lot'), dataIndex: 'lot' },
            {
              title: t('cellBank.kind'),
              dataIndex: 'kind',
              render: (k: CellBank['kind']) => t(`cellBank.kinds.${k}`),
            },
            { title: t('cellBank.cellLine'), dataIndex: 'cellLineCode' },
            { title: t('cellBank.passage'), dataIndex: 'passage' },
            {
              title: t('cellBank.available'),
              dataIndex: 'vialsAvailable',
              render: (n: number, b) => <span data-testid={`bank-available-${b.lot}`}>{n}</span>,
            },
            {
              title: t('cellBank.expiresOn'),
              dataIndex: 'expiresOn',
              render: (d: string, b) => (b.expired ? <Tag color="red">{d}</Tag> : d),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, b) => (
                <Space>
                  <Button size="small" onClick={() => setSelected(b)} data-testid={`bank-open-${b.lot}`}>
                    {t('cellBank.vials')}
                  </Button>
                  <Button
                    size="small"
                    onClick={() => endpoints.recall({ bankId: b.id }).then(setRecall).catch(report)}
                    data-testid={`bank-recall-${b.lot}`}
                  >
                    {t('cellBank.recall')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {selected && (
        <Card title={`${t('cellBank.vials')} · ${selected.lot}`} loading={vials.loading}>
          {boxes.map((box) => (
            <div key={box} style={{ marginBottom: 16 }}>
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('cellBank.location')}>{box}</Descriptions.Item>
              </Descriptions>
              <BoxMap
                vials={(vials.data ?? []).filter((v) => `${v.tank} / ${v.rack} / ${v.box}` === box)}
                onPick={(v) => {
                  setPicked(v);
                  setFreezeAt(null);
                }}
                onPickEmpty={
                  canManage && !selected.expired
                    ? (position) => {
                        const [tank = '', rack = '', boxName = ''] = box.split(' / ');
                        setPicked(null);
                        setFreezeAt({ tank, rack, box: boxName, position });
                      }
                    : undefined
                }
              />
            </div>
          ))}
          {pickedNow && (
            <VialPanel
              vial={pickedNow}
              bank={selected}
              batches={batches.data ?? []}
              canManage={canManage}
              onChanged={changed}
              onTrace={() => traceVial(pickedNow)}
            />
          )}
          {freezeAt && <FreezeIntoPosition bank={selected} place={freezeAt} onDone={changed} />}
        </Card>
      )}
      <NewCellLine
        open={creating === 'line'}
        onClose={() => setCreating(null)}
        onDone={() => {
          setCreating(null);
          lines.reload();
        }}
      />
      <NewBank
        open={creating === 'bank'}
        lines={lines.data ?? []}
        banks={banks.data ?? []}
        onClose={() => setCreating(null)}
        onDone={() => {
          setCreating(null);
          banks.reload();
        }}
      />
      {recall && (
        <Card title={t('cellBank.recallList')} data-testid="recall">
          <p>
            {t('cellBank.banks')}: {recall.banks.map((b) => b.lot).join(', ')}
          </p>
          <p>
            {t('cellBank.batches')}: {recall.batches.map((b) => b.reference).join(', ') || '—'}
          </p>
          <List
            size="small"
            bordered
            header={t('cellBank.patients')}
            dataSource={recall.patients}
            locale={{ emptyText: t('cellBank.noPatients') }}
            renderItem={(p) => (
              <List.Item>
                <Button
                  type="link"
                  onClick={() => tracePatient(p.patientId, p.pseudonym)}
                  data-testid="recall-patient"
                >
                  {p.pseudonym}
                </Button>{' '}
                · {p.batchReference}
              </List.Item>
            )}
          />
        </Card>
      )}
      {upstream && (
        <Card title={t('cellBank.upstream', { pseudonym: upstream.pseudonym })} data-testid="upstream">
          <p>
            {t('cellBank.batches')}: {upstream.trace.batches.map((b) => b.reference).join(', ') || '—'}
          </p>
          <p>
            {t('cellBank.banks')}:{' '}
            {upstream.trace.banks
              .map((b) => `${b.lot} (${t(`cellBank.kinds.${b.kind as 'master'}`)}, ${b.cellLineCode})`)
              .join(' → ') || '—'}
          </p>
          <p>
            {t('cellBank.vials')}:{' '}
            {upstream.trace.vials.map((v) => `${v.label} → ${v.batchReference}`).join(', ') || '—'}
          </p>
        </Card>
      )}
    </Space>
  );
}
