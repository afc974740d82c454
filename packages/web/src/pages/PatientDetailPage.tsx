import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { HlaTypingPanel } from '../components/HlaTypingPanel';
import { PatientRecord } from '../components/PatientRecord';
import { usePrincipal } from '../session/SessionContext';
import { ConsentsCard } from './ConsentsCard';

export function PatientDetailPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const principal = usePrincipal();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/patients')}>
          {t('common.back')}
        </Button>
        <Button onClick={() => navigate(`/patients/${id}/followup`)} data-testid="patient-followup">
          {t('followup.open')}
        </Button>
        <Button onClick={() => navigate(`/patients/${id}/hla`)} data-testid="patient-hla">
          {t('hla.openDonors')}
        </Button>
      </Space>
      <PatientRecord patientId={id} title={t('patient.detailTitle')} />
      <HlaTypingPanel patientId={id} />
      {principal.organizationKind === 'hospital' && <ConsentsCard patientId={id} />}
    </Space>
  );
}
