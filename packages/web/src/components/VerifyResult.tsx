import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { VerifyReport } from '../api/types';

/** The answer of GET /api/audit/verify: intact with the number of entries checked, or the first broken one. */
export function VerifyResult({ report }: { report: VerifyReport }) {
  const { t } = useTranslation();
  if (report.ok) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="verify-result"
        title={t('audit.intact', { count: report.checked })}
        description={report.unsealed > 0 ? t('audit.unsealedNote', { count: report.unsealed }) : undefined}
        style={{ marginBottom: 16 }}
      />
    );
  }
  const broken = report.firstBroken;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="verify-result"
      title={t('audit.broken', {
        seq: broken?.seq ?? report.lastSeq,
        eventId: broken?.eventId ?? '?',
        problem: broken?.problem ?? '',
      })}
      style={{ marginBottom: 16 }}
    />
  );
}
