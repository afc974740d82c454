import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { isbtProductCodeBarcodeText } from '@cgtlink/domain/isbt128/code128';
import { Button, Card, Empty, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { pathwayApi, type TherapyDetail } from '../api/pathway';
import { Code128Barcode } from '../components/Code128Barcode';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';

type Product = TherapyDetail['products'][number];

/**
 * One bag label (ISBT 128, ICCBBA ST-001 layout in spirit): the DIN as a Code 128 symbol (`=`, DIN, flag check
 * value) over its eye-readable form with the boxed MOD 37-2 check character, the product code symbol
 * (`=<` and the code), the expiry, and the link to the patient by pseudonym and chain of identity.
 */
function BagLabel({ product, therapy }: { product: Product; therapy: TherapyDetail }) {
  const { t } = useTranslation();
  const { label } = product;
  return (
    <div
      className="cgt-label"
      data-testid="product-label"
      data-din={product.din}
      style={{
        width: '100mm',
        minHeight: '100mm',
        border: '1px solid #000',
        padding: '4mm',
        boxSizing: 'border-box',
        background: '#fff',
        color: '#000',
        breakInside: 'avoid',
        display: 'grid',
        gridTemplateColumns: '1fr 1fr',
        gap: '3mm',
      }}
    >
      <div style={{ gridColumn: '1 / span 2' }}>
        <Code128Barcode text={label.barcodeDin} caption={label.barcodeDin} testId="label-din-barcode" />
        <div style={{ fontFamily: 'monospace', fontSize: 16, fontWeight: 600 }} data-testid="label-din-text">
          {label.eyeReadableDin}{' '}
          <span style={{ border: '1px solid #000', padding: '0 3px' }}>{label.checkCharacter}</span>
        </div>
      </div>
      <div style={{ gridColumn: '1 / span 2' }}>
        <Code128Barcode
          text={isbtProductCodeBarcodeText(label.productCode)}
          caption={label.productCode}
          testId="label-product-barcode"
        />
        <div style={{ fontSize: 12 }}>{t(`pathway.technologies.${therapy.technology}`)}</div>
      </div>
      <div>
        <div style={{ fontSize: 11 }}>{t('pathwayMore.labelExpiry')}</div>
        <b>{formatDateTime(label.expiresAt)}</b>
      </div>
      <div>
        <div style={{ fontSize: 11 }}>{t('pathwayMore.labelPatient')}</div>
        <b data-testid="label-patient">{label.patient}</b>
        <div style={{ fontSize: 11 }}>COI {label.chainOfIdentity}</div>
      </div>
      <div style={{ gridColumn: '1 / span 2', fontSize: 10 }}>{t('pathwayMore.labelWarning')}</div>
    </div>
  );
}

/** The printable labels of a therapy's released products (print from the browser, one label per bag). */
export function ProductLabelsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const therapy = useLoad(() => pathwayApi.therapy(id), [id]);
  const th = therapy.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <style>
        {
          '@media print { .ant-layout-sider, .ant-layout-header, .cgt-no-print { display: none !important; } }'
        }
      </style>
      <Space className="cgt-no-print">
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/therapies/${id}`)}>
          {t('common.back')}
        </Button>
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="labels-print">
          {t('pathwayMore.print')}
        </Button>
      </Space>
      <ErrorAlert error={therapy.error} />
      <Card title={t('pathwayMore.labelsTitle')} loading={therapy.loading}>
        {th && th.products.length === 0 && <Empty description={t('pathwayMore.noLabels')} />}
        <Space wrap size="large">
          {th?.products.map((p) => (
            <BagLabel key={p.id} product={p} therapy={th} />
          ))}
        </Space>
      </Card>
    </Space>
  );
}
