import type * as Contract from '@cgtlink/server/http/hla.schemas';
import type { z } from 'zod';
import { api, request } from './client';

// The server's zod schemas are the contract; only their types cross into the browser bundle.
export type HlaStatus = z.infer<typeof Contract.ReferenceStatusOut>;
export type Typing = z.infer<typeof Contract.TypingOut>;
export type TypingBody = z.infer<typeof Contract.TypingBody>;
export type TypingCorrection = z.infer<typeof Contract.TypingCorrection>;
export type Donor = z.infer<typeof Contract.DonorOut>;
export type RelatedDonorCreate = z.infer<typeof Contract.RelatedDonorCreate>;
export type DonorPatch = z.infer<typeof Contract.DonorPatch>;
export type SearchBody = z.infer<typeof Contract.SearchBody>;
export type SearchResult = z.infer<typeof Contract.SearchOut>;
export type SearchHit = SearchResult['hits'][number];
export type MatchBody = z.infer<typeof Contract.MatchBody>;
export type MatchExplanation = z.infer<typeof Contract.MatchOut>;
export type Workup = z.infer<typeof Contract.WorkupOut>;
export type WorkupQuery = z.infer<typeof Contract.WorkupQuery>;

const id = encodeURIComponent;

/** The routes of packages/server/src/http/routes/hla.routes.ts used by the web screens. */
export const hlaApi = {
  status: () => api.get<HlaStatus>('/api/hla/status'),
  patientTypings: (patientId: string) => api.get<Typing[]>(`/api/patients/${id(patientId)}/hla-typings`),
  addPatientTyping: (patientId: string, body: TypingBody) =>
    api.post<Typing>(`/api/patients/${id(patientId)}/hla-typings`, body),
  correctTyping: (typingId: string, body: TypingCorrection) =>
    request<Typing>('PUT', `/api/hla-typings/${id(typingId)}`, body),
  donors: (patientId: string) => api.get<Donor[]>(`/api/patients/${id(patientId)}/donors`),
  addDonor: (patientId: string, body: RelatedDonorCreate) =>
    api.post<Donor>(`/api/patients/${id(patientId)}/donors`, body),
  updateDonor: (donorId: string, body: DonorPatch) => api.patch<Donor>(`/api/donors/${id(donorId)}`, body),
  addDonorTyping: (donorId: string, body: TypingBody) =>
    api.post<Typing>(`/api/donors/${id(donorId)}/hla-typings`, body),
  workup: (patientId: string, query: WorkupQuery) =>
    api.get<Workup>(`/api/patients/${id(patientId)}/family-workup`, query),
  search: (body: SearchBody) => api.post<SearchResult>('/api/hla/registry/search', body),
  explain: (body: MatchBody) => api.post<MatchExplanation>('/api/hla/match', body),
};
