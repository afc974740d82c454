import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';

/**
 * Certificate of analysis, a printable page: the product and batch identity (chain of identity, DIN or source
 * lot), every result against its limit under the specification version the batch was tested against, the
 * disposition and its electronic signature (with whether it still matches the record).
 */
export function CertificatePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const loaded = useLoad(() => endpoints.batch(id), [id]);
  const record = loaded.data;
  if (!record) return <Card loading={loaded.loading}>{<ErrorAlert error={loaded.error} />}</Card>;
  const { batch, specification } = record;
  const current = new Map(record.results.filter((r) => r.current).map((r) => [r.analyte, r]));
  const methods = new Map(specification.tests.map((x) => [x.analyte, x.method]));
  return (
    <Card
      title={t('coa.title')}
      extra={
        <Space className="no-print">
          <Button
            icon={<FilePdfOutlined />}
            href={endpoints.certificatePdfUrl(batch.id)}
            target="_blank"
            data-testid="coa-pdf"
          >
            {t('labForms.pdf')}
          </Button>
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
            {t('coa.print')}
          </Button>
        </Space>
      }
      data-testid="certificate"
    >
      <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('batch.product')}>
          {specification.productName} ({batch.productCode})
        </Descriptions.Item>
        <Descriptions.Item label={t('batch.reference')}>{batch.reference}</Descriptions.Item>
        <Descriptions.Item label={t('batch.specVersion')}>v{specification.version}</Descriptions.Item>
        <Descriptions.Item label={t('common.status')}>
          <span data-testid="coa-status">{t(`batch.statuses.${batch.status}`)}</span>
        </Descriptions.Item>
        {batch.kind === 'autologous' ? (
          <>
            <Descriptions.Item label={t('batch.chainOfIdentity')}>{batch.chainOfIdentity}</Descriptions.Item>
            <Descriptions.Item label="DIN">{batch.din}</Descriptions.Item>
            <Descriptions.Item label={t('batch.patient')}>{batch.patientPseudonym}</Descriptions.Item>
          </>
        ) : (
          <Descriptions.Item label={t('batch.workingBank')}>{batch.workingBankId}</Descriptions.Item>
        )}
        <Descriptions.Item label={t('batch.disposedAt')}>
          {formatDateTime(batch.disposedAt)}
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="analyte"
        pagination={false}
        dataSource={record.evaluation.outcomes}
        data-testid="coa-results"
        columns={[
          { title: t('batch.analyte'), dataIndex: 'analyte' },
          { title: t('coa.method'), key: 'method', render: (_: unknown, o) => methods.get(o.analyte) },
          { title: t('batch.criterion'), dataIndex: 'criterion' },
          {
            title: t('batch.value'),
            key: 'value',
            render: (_: unknown, o) => {
              const r = current.get(o.analyte);
              return r ? `${r.value} ${r.unit ?? ''}` : '—';
            },
          },
          {
            title: t('batch.outcome'),
            dataIndex: 'status',
            render: (s: 'pass' | 'fail' | 'missing') => t(`batch.outcomes.${s}`),
          },
        ]}
      />
      {record.inbound && (
        <>
          <h4 style={{ marginTop: 16 }}>{t('labForms.custody')}</h4>
          <ul data-testid="coa-custody">
            {record.inbound.custody.map((c) => (
              <li key={`${c.stage}:${c.direction}`}>
                {t(`labForms.custodyStage.${c.stage}` as 'labForms.custodyStage.laboratory', {
                  defaultValue: c.stage,
                })}{' '}
                {t(`labForms.direction.${c.direction as 'in'}`)} · {c.actorName} ·{' '}
                {formatDateTime(c.scannedAt)}
              </li>
            ))}
            {record.inbound.excursions.map((x) => (
              <li key={x.deviationId}>
                {t('labForms.excursionLine', { max: x.maxCelsius, limit: x.limitCelsius })} —{' '}
                {x.status === 'open'
                  ? t('batch.excursions.unassessed')
                  : `${t('batch.excursions.assessed')}: ${x.assessment ?? ''}`}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4 style={{ marginTop: 16 }}>{t('batch.investigations')}</h4>
      <ul data-testid="coa-investigations">
        {record.investigations.map((i) => (
          <li key={i.id}>
            {i.analyte}: {i.conclusion ? t(`batch.conclusions.${i.conclusion}`) : '—'} — {i.rootCause ?? ''}{' '}
            (CAPA: {i.capa ?? '—'})
          </li>
        ))}
      </ul>
      <h4>{t('batch.signatures')}</h4>
      <ul data-testid="coa-signatures">
        {record.signatures.map((s) => (
          <li key={s.id}>
            {s.printedName} ({t(`role.${s.role}` as 'role.qualified_person')}) ·{' '}
            {t(`batch.meanings.${s.meaning}`)} · {formatDateTime(s.signedAt)} · SHA-256{' '}
            {s.contentHash.slice(0, 16)}…{' '}
            <Tag color={s.valid ? 'green' : 'red'}>
              {t(s.valid ? 'batch.signatureValid' : 'batch.signatureInvalid')}
            </Tag>
          </li>
        ))}
      </ul>
    </Card>
  );
}
