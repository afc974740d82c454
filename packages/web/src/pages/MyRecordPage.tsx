import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { PatientRecord } from '../components/PatientRecord';
import { usePrincipal } from '../session/SessionContext';

/** The patient end: a patient or guardian account sees the one record it is bound to. */
export function MyRecordPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  if (!principal.patientId) return <Empty description={t('myRecord.noPatient')} />;
  return <PatientRecord patientId={principal.patientId} title={t('myRecord.title')} />;
}
