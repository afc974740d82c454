import type * as Contract from '@cgtlink/server/http/pathway.schemas';
import type { z } from 'zod';
import { api } from './client';

// The server's zod schemas are the contract; only their types cross into the browser bundle.
export type Filing = z.infer<typeof Contract.FilingOut>;
export type FilingDetail = z.infer<typeof Contract.FilingDetailOut>;
export type FilingCreate = z.infer<typeof Contract.FilingCreate>;
export type FilingDecisionBody = z.infer<typeof Contract.FilingDecisionBody>;
export type TherapySummary = z.infer<typeof Contract.TherapySummaryOut>;
export type TherapyDetail = z.infer<typeof Contract.TherapyDetailOut>;
export type StepBody = z.infer<typeof Contract.StepBody>;
export type BedsideBody = z.infer<typeof Contract.BedsideBody>;
export type CustodyBody = z.infer<typeof Contract.CustodyBody>;
export type TemperatureBody = z.infer<typeof Contract.TemperatureBody>;
export type ReleaseBody = z.infer<typeof Contract.ReleaseBody>;
export type EligibilityOut = z.infer<typeof Contract.EligibilityOut>;
export type EligibilityBody = z.infer<typeof Contract.EligibilityBody>;
export type ConsentCreate = z.infer<typeof Contract.ConsentCreate>;
export type EnrolBody = z.infer<typeof Contract.EnrolBody>;
export type EnrolmentOut = z.infer<typeof Contract.EnrolmentOut>;
export type DeviationAssessBody = z.infer<typeof Contract.DeviationAssessBody>;
export type CorrectionBody = z.infer<typeof Contract.CorrectionBody>;
export type Consent = z.infer<typeof Contract.ConsentOut>;
export type ConsentWithdraw = z.infer<typeof Contract.ConsentWithdraw>;
export type Notification = z.infer<typeof Contract.NotificationOut>;
/** The fields of a laboratory batch the lot allocation offers (GET /api/batches). */
export interface BatchChoice {
  id: string;
  reference: string;
  kind: string;
  status: string;
  productCode: string;
}

const id = encodeURIComponent;

/** The routes of packages/server/src/http/routes/pathway.routes.ts used by the web screens. */
export const pathwayApi = {
  filings: () => api.get<Filing[]>('/api/filings'),
  filing: (filingId: string) => api.get<FilingDetail>(`/api/filings/${id(filingId)}`),
  createFiling: (body: FilingCreate) => api.post<FilingDetail>('/api/filings', body),
  decide: (filingId: string, body: FilingDecisionBody) =>
    api.post<FilingDetail>(`/api/filings/${id(filingId)}/decisions`, body),
  eligibility: (patientId: string, body: EligibilityBody) =>
    api.post<EligibilityOut>(`/api/patients/${id(patientId)}/eligibility`, body),
  consent: (patientId: string, body: ConsentCreate) =>
    api.post<{ id: string }>(`/api/patients/${id(patientId)}/consents`, body),
  enrol: (patientId: string, body: EnrolBody) =>
    api.post<EnrolmentOut>(`/api/patients/${id(patientId)}/enrolment`, body),
  therapies: (patientId?: string) => api.get<TherapySummary[]>('/api/therapies', { patientId }),
  therapy: (therapyId: string) => api.get<TherapyDetail>(`/api/therapies/${id(therapyId)}`),
  recordStep: (therapyId: string, body: StepBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/steps`, body),
  custody: (therapyId: string, body: CustodyBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/custody`, body),
  temperature: (therapyId: string, body: TemperatureBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/temperature-logs`, body),
  release: (therapyId: string, body: ReleaseBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/release`, body),
  assessDeviation: (deviationId: string, body: DeviationAssessBody) =>
    api.post<TherapyDetail>(`/api/deviations/${id(deviationId)}/assessment`, body),
  bedside: (therapyId: string, body: BedsideBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/bedside-verification`, body),
  correct: (therapyId: string, body: CorrectionBody) =>
    api.post<TherapyDetail>(`/api/therapies/${id(therapyId)}/corrections`, body),
  consents: (patientId: string) => api.get<Consent[]>(`/api/patients/${id(patientId)}/consents`),
  withdrawConsent: (consentId: string, body: ConsentWithdraw) =>
    api.post<Consent>(`/api/consents/${id(consentId)}/withdrawal`, body),
  notifications: (unread?: boolean) =>
    api.get<Notification[]>('/api/notifications', unread ? { unread: 'true' } : {}),
  markNotificationRead: (notificationId: string) =>
    api.post<Notification>(`/api/notifications/${id(notificationId)}/read`, {}),
  batches: () => api.get<BatchChoice[]>('/api/batches'),
  history: (therapyId: string) =>
    api.get<z.infer<typeof Contract.HistoryLineOut>[]>(`/api/therapies/${id(therapyId)}/history`),
};
