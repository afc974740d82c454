import { can } from '@cgtlink/domain/access/index';
import { App, Button, type ButtonProps, Card, Input, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { Specification } from '../api/types';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { ErrorAlert } from './errors';
import { useLoad } from './useLoad';

const STATUS_COLOR = { draft: 'default', approved: 'green', superseded: 'orange' } as const;

/**
 * Release specifications by product and version: the QC manager drafts the next version from the current
 * tests (edited as JSON); the QC manager or the qualified person approves a draft with a re-entered password.
 */
export function SpecificationsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const principal = usePrincipal();
  const specs = useLoad(() => endpoints.specifications(), []);
  const [approving, setApproving] = useState<Specification | null>(null);
  const [password, setPassword] = useState('');
  const [drafting, setDrafting] = useState<Specification | null>(null);
  const [tests, setTests] = useState('');
  const [error, setError] = useState<unknown>(null);
  const approve = async () => {
    if (!approving) return;
    setError(null);
    try {
      await endpoints.approveSpecification(approving.id, password);
      void message.success(t('spec.approved', { version: approving.version }));
      setApproving(null);
      specs.reload();
    } catch (e) {
      setError(e);
    } finally {
      setPassword('');
    }
  };
  const draft = async () => {
    if (!drafting) return;
    setError(null);
    try {
      const created = await endpoints.createSpecification({
        productCode: drafting.productCode,
        productName: drafting.productName,
        tests: JSON.parse(tests) as unknown[],
      });
      void message.success(t('spec.drafted', { version: created.version }));
      setDrafting(null);
      specs.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card title={t('spec.title')}>
      <ErrorAlert error={specs.error} />
      <Table<Specification>
        rowKey="id"
        size="small"
        pagination={false}
        loading={specs.loading}
        dataSource={specs.data ?? []}
        data-testid="spec-table"
        columns={[
          { title: t('batch.product'), dataIndex: 'productCode' },
          { title: t('spec.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('spec.tests'), dataIndex: 'tests', render: (x: Specification['tests']) => x.length },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: Specification['status']) => (
              <Tag color={STATUS_COLOR[s]}>{t(`spec.statuses.${s}`)}</Tag>
            ),
          },
          {
            title: t('spec.approvedAt'),
            dataIndex: 'approvedAt',
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s) => (
              <Space>
                {s.status === 'draft' && can(principal, 'specification.approve') && (
                  <Button size="small" onClick={() => setApproving(s)} data-testid="spec-approve">
                    {t('spec.approve')}
                  </Button>
                )}
                {s.status === 'approved' && can(principal, 'specification.manage') && (
                  <Button
                    size="small"
                    onClick={() => {
                      setTests(JSON.stringify(s.tests, null, 2));
                      setDrafting(s);
                    }}
                    data-testid="spec-new-version"
                  >
                    {t('spec.newVersion')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={approving !== null}
        title={t('spec.approveTitle', { product: approving?.productCode, version: approving?.version })}
        onCancel={() => setApproving(null)}
        onOk={() => void approve()}
        okText={t('batch.sign')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'spec-approve-sign' } as ButtonProps}
        destroyOnHidden
      >
        <ErrorAlert error={error} />
        <Input.Password
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder={t('batch.signPassword')}
          data-testid="spec-approve-password"
        />
      </Modal>
      <Modal
        open={drafting !== null}
        width={720}
        title={t('spec.newVersion')}
        onCancel={() => setDrafting(null)}
        onOk={() => void draft()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <ErrorAlert error={error} />
        <Input.TextArea
          rows={16}
          value={tests}
          onChange={(e) => setTests(e.target.value)}
          data-testid="spec-tests"
        />
      </Modal>
    </Card>
  );
}
