import { ctcaeTermForSymptom } from '@cgtlink/domain/followup/pro-ctcae';
import { Button, Card, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { SymptomReport } from '../api/types';
import { AdverseEventForm } from '../components/AdverseEventForm';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';

/** The hospital's inbox of patients' symptom reports; a report becomes an adverse event in one step. */
export function SymptomInboxPage() {
  const { t } = useTranslation();
  const reports = useLoad(() => endpoints.symptomReports(), []);
  const [converting, setConverting] = useState<SymptomReport | null>(null);
  const answers = (r: SymptomReport) =>
    r.items
      .map((i) => {
        const parts = (['frequency', 'severity', 'interference', 'presence'] as const)
          .filter((a) => i[a] !== undefined)
          .map(
            (a) => `${t(`symptoms.attributes.${a}`)}: ${t(`symptoms.scale.${a}`).split('|')[i[a] as number]}`,
          );
        return `${t(`symptoms.names.${i.symptom}`)}（${parts.join('；')}）`;
      })
      .join(' ');
  return (
    <Card title={t('symptoms.inbox')}>
      <ErrorAlert error={reports.error} />
      <Table<SymptomReport>
        rowKey="id"
        data-testid="symptom-inbox"
        loading={reports.loading}
        dataSource={reports.data ?? []}
        columns={[
          { title: t('symptoms.reportedOn'), dataIndex: 'reportedOn' },
          {
            title: t('symptoms.patient'),
            render: (_, r) => <Link to={`/patients/${r.patientId}/followup`}>{r.pseudonym}</Link>,
          },
          { title: t('symptoms.answers'), render: (_, r) => answers(r) },
          { title: t('symptoms.note'), dataIndex: 'note' },
          {
            title: t('common.status'),
            render: (_, r) => (
              <>
                <Tag color={r.worst >= 3 ? 'red' : r.status === 'new' ? 'blue' : 'default'}>
                  {t(`symptoms.status.${r.status}`)}
                </Tag>
                {r.hospitalAlert && (
                  <Link to="/alerts">
                    <Tag color="red">{t('symptoms.alerted')}</Tag>
                  </Link>
                )}
              </>
            ),
          },
          {
            title: t('common.actions'),
            render: (_, r) =>
              r.status !== 'converted' && (
                <Button size="small" onClick={() => setConverting(r)} data-testid="symptom-convert">
                  {t('symptoms.convert')}
                </Button>
              ),
          },
        ]}
      />
      {converting && (
        <AdverseEventForm
          open
          patientId={converting.patientId}
          symptomReportId={converting.id}
          initialTerm={ctcaeTermForSymptom(converting.items[0]!.symptom)}
          onClose={() => setConverting(null)}
          onDone={() => {
            setConverting(null);
            reports.reload();
          }}
        />
      )}
    </Card>
  );
}
