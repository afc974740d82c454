import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { can, endOf } from '@cgtlink/domain/access/index';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { type HTMLAttributes, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { Patient, PatientCreate, Sex } from '../api/types';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { DATE_FORMAT } from '../format';
import { usePrincipal } from '../session/SessionContext';

const PAGE = 50;
const SEXES: readonly Sex[] = ['female', 'male', 'unknown'];
const PATIENT_FIELDS = ['name', 'nationalId', 'phone', 'sex', 'birthDate', 'diagnosis'] as const;

interface PatientForm {
  name: string;
  nationalId?: string;
  phone?: string;
  sex: Sex;
  birthDate: Dayjs;
  diagnosis: string;
}

function RegisterPatient({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PatientForm>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (values: PatientForm) => {
    setSaving(true);
    setError(null);
    const body: PatientCreate = {
      name: values.name,
      nationalId: values.nationalId?.trim() || null,
      phone: values.phone?.trim() || null,
      sex: values.sex,
      birthDate: values.birthDate.format(DATE_FORMAT),
      diagnosis: values.diagnosis,
    };
    try {
      const created = await endpoints.createPatient(body);
      void message.success(t('patient.registered', { pseudonym: created.pseudonym }));
      form.resetFields();
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, PATIENT_FIELDS);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('patient.registerTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'patient-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<PatientForm> form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t('patient.name')} rules={[{ required: true }]}>
          <Input data-testid="patient-name" />
        </Form.Item>
        <Form.Item name="nationalId" label={t('patient.nationalId')}>
          <Input data-testid="patient-national-id" />
        </Form.Item>
        <Form.Item name="phone" label={t('patient.phone')}>
          <Input data-testid="patient-phone" />
        </Form.Item>
        <Form.Item name="sex" label={t('patient.sex')} rules={[{ required: true }]}>
          <Select
            data-testid="patient-sex"
            options={SEXES.map((s) => ({ value: s, label: t(`sex.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="birthDate" label={t('patient.birthDate')} rules={[{ required: true }]}>
          <DatePicker format={DATE_FORMAT} style={{ width: '100%' }} data-testid="patient-birth-date" />
        </Form.Item>
        <Form.Item name="diagnosis" label={t('patient.diagnosis')} rules={[{ required: true }]}>
          <Input data-testid="patient-diagnosis" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Patients in the principal's scope: the own hospital's, identified; every hospital's, de-identified, for the regulator. */
export function PatientsPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const deidentified = endOf(principal.role) === 'regulator';
  const [rows, setRows] = useState<Patient[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [exhausted, setExhausted] = useState(false);
  const [registering, setRegistering] = useState(false);

  const load = useCallback(async (offset: number) => {
    setLoading(true);
    try {
      const page = await endpoints.patients(PAGE, offset);
      setRows((before) => (offset === 0 ? page : [...before, ...page]));
      setExhausted(page.length < PAGE);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(0);
  }, [load]);

  const open = (p: Patient) => (
    <Link to={`/patients/${p.id}`} data-testid="patient-open">
      {t('patient.open')}
    </Link>
  );
  const columns = deidentified
    ? [
        { title: t('patient.pseudonym'), dataIndex: 'pseudonym', key: 'pseudonym' },
        { title: t('patient.sex'), dataIndex: 'sex', key: 'sex', render: (s: Sex) => t(`sex.${s}`) },
        { title: t('patient.birthYear'), dataIndex: 'birthYear', key: 'birthYear' },
        { title: t('patient.diagnosis'), dataIndex: 'diagnosis', key: 'diagnosis' },
        { title: t('common.actions'), key: 'open', render: (_: unknown, p: Patient) => open(p) },
      ]
    : [
        { title: t('patient.pseudonym'), dataIndex: 'pseudonym', key: 'pseudonym' },
        { title: t('patient.name'), dataIndex: 'name', key: 'name' },
        { title: t('patient.sex'), dataIndex: 'sex', key: 'sex', render: (s: Sex) => t(`sex.${s}`) },
        { title: t('patient.birthDate'), dataIndex: 'birthDate', key: 'birthDate' },
        { title: t('patient.diagnosis'), dataIndex: 'diagnosis', key: 'diagnosis' },
        { title: t('common.actions'), key: 'open', render: (_: unknown, p: Patient) => open(p) },
      ];

  return (
    <Card
      title={t(deidentified ? 'nav.patientsDeid' : 'patient.listTitle')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load(0)}>
            {t('common.reload')}
          </Button>
          {can(principal, 'patient.create') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setRegistering(true)}
              data-testid="patient-register"
            >
              {t('patient.registerTitle')}
            </Button>
          )}
        </Space>
      }
    >
      {deidentified && (
        <Alert type="info" showIcon title={t('patient.deidNotice')} style={{ marginBottom: 16 }} />
      )}
      <ErrorAlert error={error} />
      <Table<Patient>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows}
        columns={columns}
        pagination={false}
        data-testid="patient-table"
        onRow={() => ({ 'data-testid': 'patient-row' }) as HTMLAttributes<HTMLElement>}
      />
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        <Button onClick={() => void load(rows.length)} disabled={exhausted || loading}>
          {exhausted ? t('common.noMore') : t('common.loadMore')}
        </Button>
      </div>
      <RegisterPatient
        open={registering}
        onClose={() => setRegistering(false)}
        onDone={() => {
          setRegistering(false);
          void load(0);
        }}
      />
    </Card>
  );
}
