import type { Evaluation, PatientRef } from '@cgtlink/server/evaluation/evaluate';
import type { Comparison, Report, ReportSummary } from '@cgtlink/server/evaluation/evaluation.service';
import type { ComparisonRequest, EvaluationFilters } from '@cgtlink/server/evaluation/filters';
import { api } from './client';

// The server's types are the contract; only the types cross into the browser bundle.
export type {
  Comparison,
  ComparisonRequest,
  Evaluation,
  EvaluationFilters,
  PatientRef,
  Report,
  ReportSummary,
};

export interface EvaluableFiling {
  id: string;
  reference: string;
  technology: string;
  indication: string;
  productName: string;
  status: string;
  patients: number;
}

const id = encodeURIComponent;
const query = (f: EvaluationFilters) => ({ ...f }) as Record<string, string | undefined>;

/** The routes of packages/server/src/http/routes/evaluation.routes.ts used by the evaluation screens. */
export const evaluationApi = {
  filings: () => api.get<EvaluableFiling[]>('/api/evaluation/filings'),
  evaluate: (filters: EvaluationFilters) => api.get<Evaluation>('/api/evaluation', query(filters)),
  patients: (filters: EvaluationFilters, metric: string, term?: string) =>
    api.get<PatientRef[]>('/api/evaluation/patients', { ...query(filters), metric, term }),
  compare: (body: ComparisonRequest) => api.post<Comparison>('/api/evaluation/compare', body),
  reports: (filingId?: string) => api.get<ReportSummary[]>('/api/evaluation/reports', { filingId }),
  report: (reportId: string) => api.get<Report>(`/api/evaluation/reports/${id(reportId)}`),
  createReport: (filingId: string) => api.post<Report>('/api/evaluation/reports', { filingId }),
  sign: (reportId: string, meaning: 'authored' | 'reviewed', password: string) =>
    api.post<Report>(`/api/evaluation/reports/${id(reportId)}/sign`, { meaning, password }),
  reproduce: (reportId: string) =>
    api.post<{ matches: boolean; storedSha256: string; recomputedSha256: string; differences: string[] }>(
      `/api/evaluation/reports/${id(reportId)}/reproduce`,
      {},
    ),
  printUrl: (reportId: string, lang: 'zh-CN' | 'en', download = false) =>
    `/api/evaluation/reports/${id(reportId)}/print?lang=${lang}${download ? '&download=1' : ''}`,
  pdfUrl: (reportId: string, lang: 'zh-CN' | 'en') =>
    `/api/evaluation/reports/${id(reportId)}/pdf?lang=${lang}`,
};
