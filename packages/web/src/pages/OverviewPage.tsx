import { SafetyCertificateOutlined } from '@ant-design/icons';
import { ORGANIZATION_KINDS } from '@cgtlink/domain/access/index';
import { Button, Card, Col, List, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { Patient, VerifyReport } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { VerifyResult } from '../components/VerifyResult';
import { formatDateTime } from '../format';

/** Every patient in scope, page by page (the list route caps a page at 500). */
async function allPatients(): Promise<Patient[]> {
  const all: Patient[] = [];
  for (;;) {
    const page = await endpoints.patients(500, all.length);
    all.push(...page);
    if (page.length < 500) return all;
  }
}

/** The diagnosis up to its first qualifier: "β-thalassemia major (β0/β0 …)" counts as "β-thalassemia major". */
function diagnosisGroup(diagnosis: string): string {
  return diagnosis.split(/[(,（]/)[0]!.trim() || diagnosis;
}

/** The regulator's landing page: how many patients and organizations, recent activity, the chain's state. */
export function OverviewPage() {
  const { t } = useTranslation();
  const patients = useLoad(allPatients, []);
  const orgs = useLoad(() => endpoints.organizations(), []);
  const recent = useLoad(() => endpoints.audit({ limit: 8 }), []);
  // Verifying reads the whole chain, so it runs when asked rather than on every visit.
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setReport(await endpoints.verifyAudit());
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  };

  const byDiagnosis = new Map<string, number>();
  for (const p of patients.data ?? []) {
    const group = diagnosisGroup(p.diagnosis);
    byDiagnosis.set(group, (byDiagnosis.get(group) ?? 0) + 1);
  }
  const countKind = (kind: string) => (orgs.data ?? []).filter((o) => o.kind === kind).length;

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('overview.title')}
      </Typography.Title>
      <ErrorAlert error={patients.error ?? orgs.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            <Link to="/patients">
              <Statistic
                title={t('overview.patients')}
                value={patients.data?.length ?? 0}
                loading={patients.loading}
              />
            </Link>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t('overview.hospitals')} value={countKind('hospital')} loading={orgs.loading} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('overview.laboratories')}
              value={countKind('laboratory')}
              loading={orgs.loading}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.byDiagnosis')} size="small">
            <Table
              size="small"
              pagination={false}
              rowKey="diagnosis"
              loading={patients.loading}
              dataSource={[...byDiagnosis]
                .sort((a, b) => b[1] - a[1])
                .map(([diagnosis, count]) => ({ diagnosis, count }))}
              columns={[
                { title: t('patient.diagnosis'), dataIndex: 'diagnosis' },
                { title: t('overview.patients'), dataIndex: 'count', width: 120 },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.byKind')} size="small">
            <Table
              size="small"
              pagination={false}
              rowKey="kind"
              loading={orgs.loading}
              dataSource={ORGANIZATION_KINDS.map((kind) => ({ kind, count: countKind(kind) }))}
              columns={[
                { title: t('org.kind'), dataIndex: 'kind', render: (k: string) => t(`orgKind.${k}`) },
                { title: t('overview.organizations'), dataIndex: 'count', width: 120 },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            title={t('overview.chain')}
            size="small"
            extra={
              <Button
                size="small"
                icon={<SafetyCertificateOutlined />}
                loading={verifying}
                onClick={() => void verify()}
                data-testid="audit-verify"
              >
                {t('audit.verify')}
              </Button>
            }
          >
            <ErrorAlert error={verifyError} />
            {report && <VerifyResult report={report} />}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            title={t('overview.recentActivity')}
            size="small"
            extra={<Link to="/audit">{t('nav.audit')}</Link>}
          >
            <List
              size="small"
              loading={recent.loading}
              dataSource={recent.data ?? []}
              renderItem={(r) => (
                <List.Item>
                  <Typography.Text type="secondary">{formatDateTime(r.occurredAt)}</Typography.Text>{' '}
                  {r.actorName} <Tag>{t(`action.${r.action}`, { defaultValue: r.action })}</Tag>
                  {t(`entity.${r.entityType}`, { defaultValue: r.entityType })}
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
