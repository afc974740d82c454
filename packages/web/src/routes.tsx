import { endOf } from '@cgtlink/domain/access/index';
import { Spin } from 'antd';
import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AppLayout } from './layout/AppLayout';
import { homePathFor, mayOpen, type NavKey } from './layout/menu';
import { LoginPage } from './pages/LoginPage';
import { ForbiddenPage, NotFoundPage } from './pages/StatusPages';
import { useSession } from './session/SessionContext';

// Each screen is its own chunk: a hospital user never downloads the audit viewer.
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const OverviewPage = page(() => import('./pages/OverviewPage'), 'OverviewPage');
const PatientsPage = page(() => import('./pages/PatientsPage'), 'PatientsPage');
const PatientDetailPage = page(() => import('./pages/PatientDetailPage'), 'PatientDetailPage');
const MyRecordPage = page(() => import('./pages/MyRecordPage'), 'MyRecordPage');
const OrganizationsPage = page(() => import('./pages/OrganizationsPage'), 'OrganizationsPage');
const UsersPage = page(() => import('./pages/UsersPage'), 'UsersPage');
const AuditPage = page(() => import('./pages/AuditPage'), 'AuditPage');
const LaboratoryPage = page(() => import('./pages/LaboratoryPage'), 'LaboratoryPage');
const BatchesPage = page(() => import('./pages/BatchesPage'), 'BatchesPage');
const BatchRecordPage = page(() => import('./pages/BatchRecordPage'), 'BatchRecordPage');
const CertificatePage = page(() => import('./pages/CertificatePage'), 'CertificatePage');
const CellBankPage = page(() => import('./pages/CellBankPage'), 'CellBankPage');
const FollowupPage = page(() => import('./pages/FollowupPage'), 'FollowupPage');
const MyHealthPage = page(() => import('./pages/MyHealthPage'), 'MyHealthPage');
const SymptomInboxPage = page(() => import('./pages/SymptomInboxPage'), 'SymptomInboxPage');
const AlertsPage = page(() => import('./pages/AlertsPage'), 'AlertsPage');
const SafetyPage = page(() => import('./pages/SafetyPage'), 'SafetyPage');
const FilingsPage = page(() => import('./pages/FilingsPage'), 'FilingsPage');
const TherapiesPage = page(() => import('./pages/TherapiesPage'), 'TherapiesPage');
const TherapyPage = page(() => import('./pages/TherapyPage'), 'TherapyPage');
const ControlChartsPage = page(() => import('./pages/ControlChartsPage'), 'ControlChartsPage');
const HlaFamilyPage = page(() => import('./pages/HlaFamilyPage'), 'HlaFamilyPage');
const DonorSearchPage = page(() => import('./pages/DonorSearchPage'), 'DonorSearchPage');
const NotificationsPage = page(() => import('./pages/NotificationsPage'), 'NotificationsPage');
const ProductLabelsPage = page(() => import('./pages/ProductLabelsPage'), 'ProductLabelsPage');
const EvaluationPage = page(() => import('./pages/EvaluationPage'), 'EvaluationPage');
const ExportsPage = page(() => import('./pages/ExportsPage'), 'ExportsPage');

export function Loading() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: 48 }}>
      <Spin size="large" />
    </div>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'restoring') return <Loading />;
  if (status === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return children;
}

/** Pages outside the principal's menu answer "not permitted" instead of a failing API call. */
function Guard({ nav, children }: { nav: NavKey; children: ReactNode }) {
  const { principal } = useSession();
  if (!principal || !mayOpen(endOf(principal.role), nav)) return <ForbiddenPage />;
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function Home() {
  const { principal } = useSession();
  return principal ? <Navigate to={homePathFor(endOf(principal.role))} replace /> : <Loading />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route path="overview" element={<Guard nav="overview">{<OverviewPage />}</Guard>} />
        <Route path="patients" element={<Guard nav="patients">{<PatientsPage />}</Guard>} />
        <Route path="patients/:id" element={<Guard nav="patients">{<PatientDetailPage />}</Guard>} />
        <Route path="my-record" element={<Guard nav="myRecord">{<MyRecordPage />}</Guard>} />
        <Route path="organizations" element={<Guard nav="organizations">{<OrganizationsPage />}</Guard>} />
        <Route path="users" element={<Guard nav="users">{<UsersPage />}</Guard>} />
        <Route path="audit" element={<Guard nav="audit">{<AuditPage />}</Guard>} />
        <Route path="laboratory" element={<Guard nav="laboratory">{<LaboratoryPage />}</Guard>} />
        <Route path="batches" element={<Guard nav="batches">{<BatchesPage />}</Guard>} />
        <Route path="batches/:id" element={<Guard nav="batches">{<BatchRecordPage />}</Guard>} />
        <Route path="batches/:id/certificate" element={<Guard nav="batches">{<CertificatePage />}</Guard>} />
        <Route path="cell-bank" element={<Guard nav="cellBank">{<CellBankPage />}</Guard>} />
        <Route path="patients/:id/followup" element={<Guard nav="patients">{<FollowupPage />}</Guard>} />
        <Route path="my-health" element={<Guard nav="myHealth">{<MyHealthPage />}</Guard>} />
        <Route path="symptoms" element={<Guard nav="symptoms">{<SymptomInboxPage />}</Guard>} />
        <Route path="alerts" element={<Guard nav="alerts">{<AlertsPage />}</Guard>} />
        <Route path="safety" element={<Guard nav="safety">{<SafetyPage />}</Guard>} />
        <Route path="filings" element={<Guard nav="filings">{<FilingsPage />}</Guard>} />
        <Route path="therapies" element={<Guard nav="therapies">{<TherapiesPage />}</Guard>} />
        <Route path="therapies/:id" element={<Guard nav="therapies">{<TherapyPage />}</Guard>} />
        <Route path="control-charts" element={<Guard nav="controlCharts">{<ControlChartsPage />}</Guard>} />
        <Route path="patients/:id/hla" element={<Guard nav="patients">{<HlaFamilyPage />}</Guard>} />
        <Route path="donor-search" element={<Guard nav="donorSearch">{<DonorSearchPage />}</Guard>} />
        <Route path="notifications" element={<Guard nav="notifications">{<NotificationsPage />}</Guard>} />
        <Route path="therapies/:id/labels" element={<Guard nav="therapies">{<ProductLabelsPage />}</Guard>} />
        <Route path="evaluation" element={<Guard nav="evaluation">{<EvaluationPage />}</Guard>} />
        <Route path="exports" element={<Guard nav="exports">{<ExportsPage />}</Guard>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
