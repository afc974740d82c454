import { HistoryOutlined } from '@ant-design/icons';
import { can } from '@cgtlink/domain/access/index';
import { Button, Card, Descriptions, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { usePrincipal } from '../session/SessionContext';
import { ErrorAlert } from './errors';
import { HistoryDrawer } from './HistoryDrawer';
import { useLoad } from './useLoad';

/**
 * One patient record as the server decided the reader may see it: identified for the patient's own hospital
 * and the patient, de-identified (pseudonym, sex, birth year, diagnosis) for the regulator.
 */
export function PatientRecord({ patientId, title }: { patientId: string; title: string }) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const [historyOpen, setHistoryOpen] = useState(false);
  const record = useLoad(() => endpoints.patient(patientId), [patientId]);
  const patient = record.data;
  const identified = patient?.view === 'identified';
  return (
    <Card
      title={title}
      loading={record.loading && !patient}
      extra={
        can(principal, 'audit.read') && (
          <Button
            icon={<HistoryOutlined />}
            onClick={() => setHistoryOpen(true)}
            data-testid="patient-history"
          >
            {t('audit.history')}
          </Button>
        )
      }
    >
      <ErrorAlert error={record.error} />
      {patient && (
        <>
          <Descriptions bordered column={1} size="middle" data-testid="patient-record">
            <Descriptions.Item label={t('patient.pseudonym')}>{patient.pseudonym}</Descriptions.Item>
            {identified && <Descriptions.Item label={t('patient.name')}>{patient.name}</Descriptions.Item>}
            {identified && (
              <Descriptions.Item label={t('patient.nationalId')}>
                {patient.nationalId ?? t('common.none')}
              </Descriptions.Item>
            )}
            {identified && (
              <Descriptions.Item label={t('patient.phone')}>
                {patient.phone ?? t('common.none')}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('patient.sex')}>{t(`sex.${patient.sex}`)}</Descriptions.Item>
            {identified ? (
              <Descriptions.Item label={t('patient.birthDate')}>{patient.birthDate}</Descriptions.Item>
            ) : (
              <Descriptions.Item label={t('patient.birthYear')}>{patient.birthYear}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('patient.diagnosis')}>{patient.diagnosis}</Descriptions.Item>
            <Descriptions.Item label={t('patient.view')}>
              <Tag color={identified ? 'orange' : 'blue'}>
                {t(identified ? 'patient.identified' : 'patient.deidentified')}
              </Tag>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('patient.readAudited')}
          </Typography.Paragraph>
        </>
      )}
      <HistoryDrawer
        target={historyOpen ? { entityType: 'patient', entityId: patientId } : null}
        onClose={() => setHistoryOpen(false)}
      />
    </Card>
  );
}
