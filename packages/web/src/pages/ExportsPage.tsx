import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ExportableFiling, endpoints, exportDownloadUrl } from '../api/endpoints';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';

type Format = 'rwe' | 'cibmtr' | 'ebmt';
const FORMATS: Format[] = ['rwe', 'cibmtr', 'ebmt'];

/**
 * De-identified exports of a filing (issue 9, item 4): the regulator and a filing's sponsor choose the filing and
 * the format and download a ZIP of CSV files. The server scopes the filings and audits each download.
 */
export function ExportsPage() {
  const { t } = useTranslation();
  const filings = useLoad(() => endpoints.exportableFilings(), []);
  const [filingId, setFilingId] = useState<string>();
  const [format, setFormat] = useState<Format>('rwe');
  const list = filings.data ?? [];
  const chosen = list.find((f) => f.id === filingId);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={filings.error} />
      <Card title={t('exports.title')}>
        <Typography.Paragraph type="secondary">{t('exports.intro')}</Typography.Paragraph>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space wrap>
            {t('exports.filing')}
            <Select<string>
              style={{ minWidth: 360 }}
              placeholder={t('exports.chooseFiling')}
              loading={filings.loading}
              value={filingId}
              onChange={setFilingId}
              notFoundContent={t('exports.none')}
              data-testid="export-filing"
              options={list.map((f: ExportableFiling) => ({
                value: f.id,
                label: `${f.reference} · ${f.productName} (${t('exports.patients')} ${f.patients})`,
              }))}
            />
          </Space>
          <Radio.Group
            value={format}
            onChange={(e) => setFormat(e.target.value as Format)}
            data-testid="export-format"
          >
            <Space orientation="vertical">
              {FORMATS.map((f) => (
                <Radio key={f} value={f} data-testid={`export-format-${f}`}>
                  {t(`exports.formats.${f}`)}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('exports.files')}>{t(`exports.filesOf.${format}`)}</Descriptions.Item>
          </Descriptions>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            disabled={!chosen}
            href={chosen ? exportDownloadUrl(chosen.id, format) : undefined}
            download
            data-testid="export-download"
          >
            {t('exports.download')}
          </Button>
        </Space>
      </Card>
      <Alert
        type="info"
        showIcon
        title={t('exports.rules')}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            <li>{t('exports.ruleIdentifiers')}</li>
            <li>{t('exports.ruleDates')}</li>
            <li>{t('exports.ruleSmallCells')}</li>
          </ul>
        }
      />
    </Space>
  );
}
