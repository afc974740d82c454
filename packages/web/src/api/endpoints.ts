import type { ExportableFilingOut } from '@cgtlink/server/http/export.schemas';
import type { z } from 'zod';
import { api } from './client';
import type {
  AdverseEvent,
  AdverseEventCreate,
  Alert,
  AuditQuery,
  AuditRecord,
  BankCreate,
  Batch,
  BatchCreate,
  BatchRecord,
  CellBank,
  CellLine,
  CellLineCreate,
  ChangeLine,
  ControlMaterial,
  Disposition,
  FollowupSummary,
  FreezeRequest,
  GradeProposal,
  ImportReport,
  ImportRequest,
  Investigation,
  InvestigationPatch,
  KoosCreate,
  KoosResponse,
  LeveyJennings,
  MonitoringReport,
  Observation,
  ObservationCreate,
  Organization,
  OrganizationCreate,
  OrganizationPatch,
  OverdueVisit,
  Patient,
  PatientCreate,
  QcResult,
  Recall,
  Session,
  Signature,
  SignatureMeaning,
  Specification,
  SymptomReport,
  SymptomReportCreate,
  TransfusionCreate,
  Trend,
  Upstream,
  User,
  UserCreate,
  UserPatch,
  VerifyReport,
  Vial,
  VialEventRequest,
} from './types';

/** The HTTP routes of packages/server/src/http/routes, one typed function each. */
export const endpoints = {
  login: (username: string, password: string) => api.post<Session>('/api/auth/login', { username, password }),
  session: () => api.get<Session>('/api/auth/session'),
  logout: () => api.post<void>('/api/auth/logout'),

  organizations: () => api.get<Organization[]>('/api/organizations'),
  createOrganization: (body: OrganizationCreate) => api.post<Organization>('/api/organizations', body),
  updateOrganization: (id: string, body: OrganizationPatch) =>
    api.patch<Organization>(`/api/organizations/${encodeURIComponent(id)}`, body),

  users: () => api.get<User[]>('/api/users'),
  createUser: (body: UserCreate) => api.post<User>('/api/users', body),
  updateUser: (id: string, body: UserPatch) => api.patch<User>(`/api/users/${encodeURIComponent(id)}`, body),

  patients: (limit: number, offset: number) => api.get<Patient[]>('/api/patients', { limit, offset }),
  patient: (id: string) => api.get<Patient>(`/api/patients/${encodeURIComponent(id)}`),
  createPatient: (body: PatientCreate) => api.post<Patient>('/api/patients', body),

  audit: (query: AuditQuery) =>
    api.get<AuditRecord[]>('/api/audit', {
      entityType: query.entityType,
      entityId: query.entityId,
      actorUserId: query.actorUserId,
      action: query.action,
      from: query.from,
      to: query.to,
      limit: query.limit,
      before: query.before,
    }),
  history: (entityType: string, entityId: string) =>
    api.get<ChangeLine[]>(
      `/api/audit/history/${encodeURIComponent(entityType)}/${encodeURIComponent(entityId)}`,
    ),
  verifyAudit: () => api.get<VerifyReport>('/api/audit/verify'),

  signatures: (entityType: string, entityId: string) =>
    api.get<Signature[]>('/api/signatures', { entityType, entityId }),
  sign: (body: { entityType: string; entityId: string; meaning: SignatureMeaning; password: string }) =>
    api.post<Signature>('/api/signatures', body),
  specifications: () => api.get<Specification[]>('/api/specifications'),
  batches: () => api.get<Batch[]>('/api/batches'),
  createBatch: (body: BatchCreate) => api.post<Batch>('/api/batches', body),
  batch: (id: string) => api.get<BatchRecord>(`/api/batches/${encodeURIComponent(id)}`),
  addResult: (id: string, body: { analyte: string; value: number | string; unit?: string }) =>
    api.post<{ result: QcResult; investigation: Investigation | null }>(
      `/api/batches/${encodeURIComponent(id)}/results`,
      body,
    ),
  importResults: (id: string, body: ImportRequest) =>
    api.post<ImportReport>(`/api/batches/${encodeURIComponent(id)}/import`, body),
  updateInvestigation: (id: string, body: InvestigationPatch) =>
    api.patch<Investigation>(`/api/investigations/${encodeURIComponent(id)}`, body),
  assessExcursion: (id: string, body: { assessment: string; version: number }) =>
    api.post<Batch>(`/api/batches/${encodeURIComponent(id)}/excursion-assessment`, body),
  dispose: (id: string, body: Disposition) =>
    api.post<BatchRecord>(`/api/batches/${encodeURIComponent(id)}/disposition`, body),
  cellBanks: () => api.get<CellBank[]>('/api/cell-banks'),
  vials: (query: { bankId?: string; tank?: string; rack?: string; box?: string }) =>
    api.get<Vial[]>('/api/vials', query),
  recall: (query: { bankId?: string; vialId?: string }) => api.get<Recall>('/api/traceability/recall', query),
  // follow-up (issue 8)
  followup: (patientId: string) =>
    api.get<FollowupSummary>(`/api/patients/${encodeURIComponent(patientId)}/followup`),
  addObservation: (patientId: string, body: ObservationCreate) =>
    api.post<Observation>(`/api/patients/${encodeURIComponent(patientId)}/observations`, body),
  addTransfusion: (patientId: string, body: TransfusionCreate) =>
    api.post<unknown>(`/api/patients/${encodeURIComponent(patientId)}/followup/transfusions`, body),
  gradeProposal: (observationId: string) =>
    api.get<GradeProposal>(`/api/observations/${encodeURIComponent(observationId)}/grade-proposal`),
  reportAdverseEvent: (patientId: string, body: AdverseEventCreate) =>
    api.post<AdverseEvent>(`/api/patients/${encodeURIComponent(patientId)}/adverse-events`, body),
  adverseEvents: (expeditedOnly: boolean) =>
    api.get<AdverseEvent[]>('/api/adverse-events', { expedited: expeditedOnly ? 'true' : undefined }),
  reportSymptoms: (body: SymptomReportCreate) => api.post<SymptomReport>('/api/symptom-reports', body),
  symptomReports: (query: { patientId?: string; status?: string } = {}) =>
    api.get<SymptomReport[]>('/api/symptom-reports', query),
  alerts: (status?: string) => api.get<Alert[]>('/api/alerts', { status }),
  acknowledgeAlert: (id: string, version: number) =>
    api.post<Alert>(`/api/alerts/${encodeURIComponent(id)}/acknowledge`, { version }),
  closeAlert: (id: string, version: number, note: string) =>
    api.post<Alert>(`/api/alerts/${encodeURIComponent(id)}/close`, { version, note }),
  addStep: (
    id: string,
    body: { step: string; parameters: Record<string, number | string>; startedAt: string; endedAt: string },
  ) => api.post<{ id: string }>(`/api/batches/${encodeURIComponent(id)}/steps`, body),
  issueVials: (bankId: string, body: { batchId: string; count: number }) =>
    api.post<Vial[]>(`/api/cell-banks/${encodeURIComponent(bankId)}/issue`, body),
  dispatch: (id: string, patientPseudonym: string) =>
    api.post<{ id: string }>(`/api/batches/${encodeURIComponent(id)}/dispatch`, { patientPseudonym }),
  createSpecification: (body: { productCode: string; productName: string; tests: unknown[] }) =>
    api.post<Specification>('/api/specifications', body),
  approveSpecification: (id: string, password: string) =>
    api.post<Specification>(`/api/specifications/${encodeURIComponent(id)}/approve`, { password }),
  upstream: (patientId: string) =>
    api.get<Upstream>(`/api/traceability/patients/${encodeURIComponent(patientId)}`),
  controlMaterials: () => api.get<ControlMaterial[]>('/api/control-materials'),
  leveyJennings: (id: string) =>
    api.get<LeveyJennings>(`/api/control-materials/${encodeURIComponent(id)}/levey-jennings`),
  trend: (productCode: string, parameter: string) =>
    api.get<Trend>('/api/trends', { productCode, parameter }),
  monitoring: () => api.get<MonitoringReport>('/api/safety/monitoring'),
  runMonitoring: (expectedPerPatientYear: number | null) =>
    api.post<MonitoringReport>('/api/safety/monitoring', { expectedPerPatientYear }),
  overdueVisits: () => api.get<OverdueVisit[]>('/api/followup/overdue-visits'),
  attendVisit: (id: string, attendedOn: string, version: number) =>
    api.post<unknown>(`/api/followup/visits/${encodeURIComponent(id)}/attended`, { attendedOn, version }),
  enrol: (
    patientId: string,
    body: {
      productName: string;
      graftSource: string;
      protocol: string;
      infusionDate: string;
      referenceTerms: string[];
    },
  ) => api.post<unknown>(`/api/patients/${encodeURIComponent(patientId)}/followup/enrolment`, body),
  reportTransfusion: (body: TransfusionCreate) => api.post<unknown>('/api/transfusion-diary', body),
  confirmTransfusion: (id: string, version: number) =>
    api.post<unknown>(`/api/transfusions/${encodeURIComponent(id)}/confirm`, { version }),
  // laboratory forms (issue 7): cell lines, banks, vials on the box map, control runs, the certificate PDF
  cellLines: () => api.get<CellLine[]>('/api/cell-lines'),
  createCellLine: (body: CellLineCreate) => api.post<CellLine>('/api/cell-lines', body),
  createBank: (body: BankCreate) => api.post<CellBank>('/api/cell-banks', body),
  freezeVials: (bankId: string, body: FreezeRequest) =>
    api.post<Vial[]>(`/api/cell-banks/${encodeURIComponent(bankId)}/vials`, body),
  vialEvent: (vialId: string, body: VialEventRequest) =>
    api.post<Vial>(`/api/vials/${encodeURIComponent(vialId)}/events`, body),
  addControlRun: (materialId: string, body: { value: number; runAt: string }) =>
    api.post<LeveyJennings>(`/api/control-materials/${encodeURIComponent(materialId)}/runs`, body),
  certificatePdfUrl: (batchId: string) => `/api/batches/${encodeURIComponent(batchId)}/certificate.pdf`,
  // follow-up measures (0013): sets of observations, KOOS questionnaires, the filing's expected rate
  addObservations: (patientId: string, observations: ObservationCreate[]) =>
    api.post<Observation[]>(`/api/patients/${encodeURIComponent(patientId)}/observations/batch`, {
      observations,
    }),
  koos: (patientId: string) => api.get<KoosResponse[]>(`/api/patients/${encodeURIComponent(patientId)}/koos`),
  reportKoos: (body: KoosCreate) => api.post<KoosResponse>('/api/koos-responses', body),
  // Evaluation exports (issue 9, item 4); the download itself is a plain link (the session cookie goes along).
  exportableFilings: () => api.get<ExportableFiling[]>('/api/exports/filings'),
};

export type ExportableFiling = z.infer<typeof ExportableFilingOut>;
export const exportDownloadUrl = (filingId: string, format: 'rwe' | 'cibmtr' | 'ebmt') =>
  `/api/exports/filings/${encodeURIComponent(filingId)}/${format}`;
