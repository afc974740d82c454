import { api } from './client';
import type {
  AuditQuery,
  AuditRecord,
  ChangeLine,
  Organization,
  OrganizationCreate,
  OrganizationPatch,
  Patient,
  PatientCreate,
  Session,
  Signature,
  SignatureMeaning,
  User,
  UserCreate,
  UserPatch,
  VerifyReport,
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
};
