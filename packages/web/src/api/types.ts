import type * as Followup from '@cgtlink/server/http/followup.schemas';
import type * as Contract from '@cgtlink/server/http/schemas';
import type * as Lab from '@cgtlink/server/laboratory/contract';
import type { z } from 'zod';

// The server's zod schemas are the contract; only their types cross into the browser bundle.
export type Principal = z.infer<typeof Contract.PrincipalOut>;
export type Session = z.infer<typeof Contract.SessionOut>;
export type OrganizationBrief = z.infer<typeof Contract.OrganizationBrief>;
export type Organization = z.infer<typeof Contract.OrganizationOut>;
export type OrganizationCreate = z.infer<typeof Contract.OrganizationCreate>;
export type OrganizationPatch = z.infer<typeof Contract.OrganizationPatch>;
export type User = z.infer<typeof Contract.UserOut>;
export type UserCreate = z.infer<typeof Contract.UserCreate>;
export type UserPatch = z.infer<typeof Contract.UserPatch>;
export type Patient = z.infer<typeof Contract.PatientOut>;
export type PatientCreate = z.infer<typeof Contract.PatientCreate>;
export type Sex = z.infer<typeof Contract.Sex>;
/** Query of GET /api/audit; the server defaults `limit`. */
export type AuditQuery = Omit<z.infer<typeof Contract.AuditQuery>, 'limit'> & { limit?: number };
export type AuditRecord = z.infer<typeof Contract.AuditRecordOut>;
export type ChangeLine = z.infer<typeof Contract.ChangeLineOut>;
export type VerifyReport = z.infer<typeof Contract.VerifyOut>;
export type Signature = z.infer<typeof Contract.SignatureOut>;
export type SignatureMeaning = z.infer<typeof Contract.SignatureMeaning>;

// The laboratory end (issue 7).
export type Specification = Lab.SpecificationView;
export type Batch = Lab.BatchView;
export type BatchRecord = Lab.BatchRecord;
export type BatchCreate = z.input<typeof Lab.BatchCreate>;
export type QcResult = Lab.ResultView;
export type Investigation = Lab.InvestigationView;
export type InvestigationPatch = Lab.InvestigationPatchInput;
export type ImportReport = Lab.ImportReport;
export type ImportRequest = z.input<typeof Lab.ImportBody>;
export type Disposition = Lab.DispositionInput;
export type CellBank = Lab.BankView;
export type Vial = Lab.VialView;
export type Recall = Lab.Recall;

// ---- follow-up (issue 8) ----

export type FollowupSummary = z.infer<typeof Followup.FollowupOut>;
export type Observation = z.infer<typeof Followup.ObservationOut>;
export type ObservationCreate = z.input<typeof Followup.ObservationCreate>;
export type TransfusionCreate = z.input<typeof Followup.TransfusionCreate>;
export type AdverseEvent = z.infer<typeof Followup.AdverseEventOut>;
export type AdverseEventCreate = z.input<typeof Followup.AdverseEventCreate>;
export type GradeProposal = z.infer<typeof Followup.GradeProposalOut>;
export type SymptomReport = z.infer<typeof Followup.SymptomReportOut>;
export type SymptomReportCreate = z.input<typeof Followup.SymptomReportCreate>;
export type Alert = z.infer<typeof Followup.AlertOut>;
export type Upstream = Lab.Upstream;
export type ControlMaterial = Lab.ControlMaterialView;
export type LeveyJennings = Lab.LeveyJennings;
export type Trend = Lab.Trend;
// Laboratory forms (issue 7, cell bank and control runs)
export type CellLine = Lab.CellLineView;
export type CellLineCreate = Lab.CellLineCreateInput;
export type BankCreate = Lab.BankCreateInput;
export type FreezeRequest = Lab.FreezeInput;
export type VialEventRequest = Lab.VialEventInput;
export type MonitoringReport = z.infer<typeof Followup.MonitoringOut>;
export type OverdueVisit = z.infer<typeof Followup.OverdueVisitOut>;

// follow-up measures (0013)
export type Measures = NonNullable<FollowupSummary['measures']>;
export type KoosResponse = z.infer<typeof Followup.KoosOut>;
export type KoosCreate = z.input<typeof Followup.KoosCreate>;
