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
export type Upstream = Lab.Upstream;
export type ControlMaterial = Lab.ControlMaterialView;
export type LeveyJennings = Lab.LeveyJennings;
export type Trend = Lab.Trend;
