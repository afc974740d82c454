import {
  App,
  Button,
  type ButtonProps,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { Batch, CellBank, CellLine, Vial } from '../api/types';
import { ErrorAlert, useReportError } from '../components/errors';
import { useFormSubmit } from '../components/useFormSubmit';

interface LineForm {
  code: string;
  name: string;
  tissueSource: string;
  donorCode: string;
  donorEligibility: CellLine['donorEligibility'];
  consentReference: string;
  donorTesting?: string;
}
const LINE_FIELDS = [
  'code',
  'name',
  'tissueSource',
  'donorCode',
  'donorEligibility',
  'consentReference',
  'donorTesting',
] as const;

/** "HBsAg = negative" lines → the donor's test results (a line without "=" is refused by the form). */
export function parseDonorTesting(text: string | undefined): { test: string; result: string }[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf('=');
      return { test: line.slice(0, at).trim(), result: line.slice(at + 1).trim() };
    });
}

/** Registers a cell line with its source: the donor's eligibility, the consent reference and donor testing. */
export function NewCellLine({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<LineForm>();
  const { saving, error, run } = useFormSubmit(form, LINE_FIELDS);
  const submit = (v: LineForm) =>
    run(async () => {
      const line = await endpoints.createCellLine({ ...v, donorTesting: parseDonorTesting(v.donorTesting) });
      void message.success(t('labForms.lineCreated', { code: line.code }));
      form.resetFields();
      onDone();
    });
  return (
    <Modal
      open={open}
      title={t('labForms.newLine')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'line-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<LineForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ donorEligibility: 'eligible' }}
      >
        <Form.Item name="code" label={t('labForms.lineCode')} rules={[{ required: true }]}>
          <Input data-testid="line-code" placeholder="UC-MSC-08" />
        </Form.Item>
        <Form.Item name="name" label={t('labForms.lineName')} rules={[{ required: true }]}>
          <Input data-testid="line-name" />
        </Form.Item>
        <Form.Item name="tissueSource" label={t('labForms.tissueSource')} rules={[{ required: true }]}>
          <Input data-testid="line-tissue" />
        </Form.Item>
        <Form.Item name="donorCode" label={t('labForms.donorCode')} rules={[{ required: true }]}>
          <Input data-testid="line-donor" />
        </Form.Item>
        <Form.Item
          name="donorEligibility"
          label={t('labForms.donorEligibility')}
          rules={[{ required: true }]}
        >
          <Select
            data-testid="line-eligibility"
            options={(['eligible', 'pending', 'ineligible'] as const).map((e) => ({
              value: e,
              label: t(`labForms.eligibility.${e}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="consentReference"
          label={t('labForms.consentReference')}
          rules={[{ required: true }]}
        >
          <Input data-testid="line-consent" />
        </Form.Item>
        <Form.Item
          name="donorTesting"
          label={t('labForms.donorTesting')}
          extra={t('labForms.donorTestingHelp')}
          rules={[
            {
              validator: async (_, value?: string) => {
                const bad = (value ?? '').split('\n').find((l) => l.trim() && !l.includes('='));
                if (bad) throw new Error(t('labForms.donorTestingLine', { line: bad.trim() }));
              },
            },
          ]}
        >
          <Input.TextArea rows={4} data-testid="line-testing" placeholder="HBsAg = negative" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface BankForm {
  cellLineId: string;
  kind: CellBank['kind'];
  parentBankId?: string;
  lot: string;
  passage: number;
  frozenOn: string;
  expiresOn: string;
  labelPrefix: string;
  count: number;
  tank: string;
  rack: string;
  box: string;
  firstPosition: number;
}
const BANK_FIELDS = [
  'cellLineId',
  'kind',
  'parentBankId',
  'lot',
  'passage',
  'frozenOn',
  'expiresOn',
  'vials',
] as const;

/** Freezes a master bank (from a cell line) or a working bank (from a master bank of the same line) with its
 * vials laid out in consecutive positions of one box. */
export function NewBank({
  open,
  lines,
  banks,
  onClose,
  onDone,
}: {
  open: boolean;
  lines: CellLine[];
  banks: CellBank[];
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BankForm>();
  const kind = Form.useWatch('kind', form);
  const lineId = Form.useWatch('cellLineId', form);
  const { saving, error, run } = useFormSubmit(form, BANK_FIELDS);
  const submit = (v: BankForm) =>
    run(async () => {
      const bank = await endpoints.createBank({
        cellLineId: v.cellLineId,
        kind: v.kind,
        ...(v.kind === 'working' && v.parentBankId ? { parentBankId: v.parentBankId } : {}),
        lot: v.lot,
        passage: v.passage,
        frozenOn: v.frozenOn,
        expiresOn: v.expiresOn,
        vials: Array.from({ length: v.count }, (_, i) => ({
          label: `${v.labelPrefix}-${String(i + 1).padStart(3, '0')}`,
          tank: v.tank,
          rack: v.rack,
          box: v.box,
          position: v.firstPosition + i,
        })),
      });
      void message.success(t('labForms.bankCreated', { lot: bank.lot, count: bank.vialsAvailable }));
      form.resetFields();
      onDone();
    });
  return (
    <Modal
      open={open}
      title={t('labForms.newBank')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'bank-submit' } as ButtonProps}
      width={640}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<BankForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ kind: 'master', passage: 2, count: 5, firstPosition: 1, tank: 'LN2-01', rack: 'R1' }}
      >
        <Space wrap>
          <Form.Item name="cellLineId" label={t('cellBank.cellLine')} rules={[{ required: true }]}>
            <Select
              style={{ width: 220 }}
              data-testid="bank-line"
              options={lines.map((l) => ({ value: l.id, label: `${l.code} · ${l.name}` }))}
            />
          </Form.Item>
          <Form.Item name="kind" label={t('cellBank.kind')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              data-testid="bank-kind"
              options={(['master', 'working'] as const).map((k) => ({
                value: k,
                label: t(`cellBank.kinds.${k}`),
              }))}
            />
          </Form.Item>
          {kind === 'working' && (
            <Form.Item name="parentBankId" label={t('labForms.parentBank')} rules={[{ required: true }]}>
              <Select
                style={{ width: 200 }}
                data-testid="bank-parent"
                options={banks
                  .filter((b) => b.kind === 'master' && (!lineId || b.cellLineId === lineId))
                  .map((b) => ({ value: b.id, label: b.lot }))}
              />
            </Form.Item>
          )}
        </Space>
        <Space wrap>
          <Form.Item name="lot" label={t('cellBank.lot')} rules={[{ required: true }]}>
            <Input data-testid="bank-lot" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="passage" label={t('cellBank.passage')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} data-testid="bank-passage" />
          </Form.Item>
          <Form.Item name="frozenOn" label={t('labForms.frozenOn')} rules={[{ required: true }]}>
            <Input type="date" data-testid="bank-frozen" />
          </Form.Item>
          <Form.Item name="expiresOn" label={t('cellBank.expiresOn')} rules={[{ required: true }]}>
            <Input type="date" data-testid="bank-expires" />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="labelPrefix" label={t('labForms.labelPrefix')} rules={[{ required: true }]}>
            <Input data-testid="bank-prefix" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="count" label={t('labForms.vialCount')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} data-testid="bank-count" />
          </Form.Item>
          <Form.Item name="tank" label={t('labForms.tank')} rules={[{ required: true }]}>
            <Input style={{ width: 100 }} data-testid="bank-tank" />
          </Form.Item>
          <Form.Item name="rack" label={t('labForms.rack')} rules={[{ required: true }]}>
            <Input style={{ width: 80 }} data-testid="bank-rack" />
          </Form.Item>
          <Form.Item name="box" label={t('labForms.box')} rules={[{ required: true }]}>
            <Input style={{ width: 80 }} data-testid="bank-box" />
          </Form.Item>
          <Form.Item name="firstPosition" label={t('labForms.firstPosition')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} data-testid="bank-first" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/**
 * The vial picked on the box map: thaw it (for testing), discard it, issue it to an in-process batch made from
 * its working bank, or trace it to the batches and patients downstream.
 */
export function VialPanel({
  vial,
  bank,
  batches,
  canManage,
  onChanged,
  onTrace,
}: {
  vial: Vial;
  bank: CellBank;
  batches: Batch[];
  canManage: boolean;
  onChanged(): void;
  onTrace(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const [form] = Form.useForm<{ batchId?: string; note?: string }>();
  const act = (kind: 'thaw' | 'discard' | 'issue') => {
    const { batchId, note } = form.getFieldsValue();
    endpoints
      .vialEvent(vial.id, {
        kind,
        ...(kind === 'issue' && batchId ? { batchId } : {}),
        ...(note?.trim() ? { note: note.trim() } : {}),
      })
      .then((v) => {
        void message.success(
          t('labForms.vialDone', { label: v.label, status: t(`cellBank.vialStatus.${v.status}`) }),
        );
        form.resetFields();
        onChanged();
      })
      .catch(report);
  };
  const candidates = batches.filter((b) => b.status === 'in_process' && b.workingBankId === bank.id);
  return (
    <Card size="small" title={t('labForms.vialTitle', { label: vial.label })} data-testid="vial-panel">
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('cellBank.lot')}>{vial.lot}</Descriptions.Item>
        <Descriptions.Item label={t('cellBank.passage')}>{vial.passage}</Descriptions.Item>
        <Descriptions.Item label={t('cellBank.location')}>
          {`${vial.tank} / ${vial.rack} / ${vial.box} / ${vial.position}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.status')}>
          <span data-testid="vial-status">{t(`cellBank.vialStatus.${vial.status}`)}</span>
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="inline" style={{ marginTop: 8, rowGap: 8 }}>
        {canManage && vial.status === 'stored' && (
          <>
            <Form.Item name="note" label={t('labForms.note')}>
              <Input style={{ width: 220 }} data-testid="vial-note" />
            </Form.Item>
            <Button onClick={() => act('thaw')} data-testid="vial-thaw">
              {t('labForms.thaw')}
            </Button>
            <Button danger onClick={() => act('discard')} data-testid="vial-discard">
              {t('labForms.discard')}
            </Button>
            {bank.kind === 'working' && (
              <>
                <Form.Item name="batchId" label={t('labForms.toBatch')}>
                  <Select
                    style={{ width: 200 }}
                    data-testid="vial-batch"
                    options={candidates.map((b) => ({ value: b.id, label: b.reference }))}
                  />
                </Form.Item>
                <Button onClick={() => act('issue')} data-testid="vial-issue">
                  {t('labForms.issue')}
                </Button>
              </>
            )}
          </>
        )}
        <Button onClick={onTrace} data-testid="vial-trace">
          {t('cellBank.recall')}
        </Button>
      </Form>
    </Card>
  );
}

/** Freezes one more vial of the open bank's lot into the empty position picked on the box map. */
export function FreezeIntoPosition({
  bank,
  place,
  onDone,
}: {
  bank: CellBank;
  place: { tank: string; rack: string; box: string; position: number };
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ label: string }>();
  const { saving, error, run } = useFormSubmit(form, ['label', 'vials']);
  const submit = (v: { label: string }) =>
    run(async () => {
      const [vial] = await endpoints.freezeVials(bank.id, { vials: [{ label: v.label, ...place }] });
      void message.success(t('labForms.frozen', { label: vial?.label ?? v.label, position: place.position }));
      form.resetFields();
      onDone();
    });
  return (
    <Card
      size="small"
      title={t('labForms.freezeTitle', { lot: bank.lot, place: `${place.box} / ${place.position}` })}
      data-testid="freeze-panel"
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="inline" onFinish={submit}>
        <Form.Item name="label" label={t('labForms.vialLabel')} rules={[{ required: true }]}>
          <Input data-testid="freeze-label" />
        </Form.Item>
        <Button htmlType="submit" loading={saving} data-testid="freeze-submit">
          {t('labForms.freeze')}
        </Button>
      </Form>
    </Card>
  );
}
