import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables: one interface per table, named as the table. Migrations are the source. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export interface OrganizationTable {
  id: Generated<string>;
  code: string;
  kind: string;
  name_zh: string;
  name_en: string;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppUserTable {
  id: Generated<string>;
  organization_id: string;
  username: string;
  display_name: string;
  role: string;
  patient_id: string | null;
  password_hash: string;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  password_changed_at: Timestamp;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  kind: 'cookie' | 'bearer';
  csrf_token: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  username: string;
  ip: string;
  succeeded: boolean;
  at: Timestamp;
}

export interface PatientTable {
  id: Generated<string>;
  hospital_id: string;
  pseudonym: string;
  sex: string;
  birth_date: string;
  birth_year: ColumnType<number, never, never>;
  diagnosis: string;
  name_enc: string;
  national_id_enc: string | null;
  phone_enc: string | null;
  identity_hash: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Timestamp;
  txid: Generated<number>;
  actor_user_id: string | null;
  actor_name: string;
  organization_id: string | null;
  role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  old_values: Json | null;
  new_values: Json | null;
  reason: string | null;
  request_id: string | null;
}

export interface AuditSealTable {
  seq: number;
  event_id: number;
  prev_hash: string;
  hash: string;
  sealed_at: Timestamp;
}

export interface SignatureTable {
  id: Generated<string>;
  entity_type: string;
  entity_id: string;
  meaning: string;
  signer_user_id: string;
  organization_id: string;
  printed_name: string;
  role: string;
  content_hash: string;
  signed_at: Timestamp;
}

export interface Schema extends PathwaySchema {
  organization: OrganizationTable;
  app_user: AppUserTable;
  session: SessionTable;
  login_attempt: LoginAttemptTable;
  patient: PatientTable;
  audit_event: AuditEventTable;
  audit_seal: AuditSealTable;
  signature: SignatureTable;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type AppUserRow = Selectable<AppUserTable>;
export type PatientRow = Selectable<PatientTable>;
export type NewPatientRow = Insertable<PatientTable>;
export type PatientUpdate = Updateable<PatientTable>;
export type AuditEventRow = Selectable<AuditEventTable>;

// ---- 0002_pathway: filings, consent, eligibility, therapy, pathway, chain of identity and custody ----

type Uuid = string;
/** Patient-linked rows carry the patient, the hospital and the filing's laboratory for row-level security. */
interface TherapyLinked {
  therapy_id: Uuid;
  patient_id: Uuid;
  hospital_id: Uuid;
  laboratory_id: Uuid;
}

export interface FilingTable {
  id: Generated<Uuid>;
  reference: string;
  hospital_id: Uuid;
  sponsor_id: Uuid | null;
  laboratory_id: Uuid;
  technology: string;
  indication: string;
  product_name: string;
  product_code: string;
  specification_version: string;
  protocol_version: string;
  ethics_approval_ref: string;
  ethics_document_name: string | null;
  ethics_document_sha256: string | null;
  ethics_document_b64: string | null;
  storage_max_celsius: Generated<number>;
  target_enrolment: number;
  criteria: Json;
  status: Generated<string>;
  version: Generated<number>;
  created_by: Uuid;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FilingDecisionTable {
  id: Generated<Uuid>;
  filing_id: Uuid;
  decision: string;
  from_status: string | null;
  to_status: string;
  comment: string | null;
  actor_user_id: Uuid;
  actor_name: string;
  organization_id: Uuid;
  signature_id: Uuid | null;
  decided_at: Timestamp;
}

export interface ConsentDocumentTable {
  id: Generated<Uuid>;
  filing_id: Uuid;
  version: number;
  title: string;
  body: string;
  created_by: Uuid;
  created_at: Timestamp;
}

export interface ConsentTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  filing_id: Uuid;
  document_id: Uuid;
  document_version: number;
  signed_by: string;
  signer_name_enc: string;
  signed_on: string;
  recorded_by: Uuid;
  signature_id: Uuid | null;
  status: Generated<string>;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  version: Generated<number>;
  created_at: Timestamp;
}

export interface EligibilityAssessmentTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  filing_id: Uuid;
  input: Json;
  result: Json;
  all_met: boolean;
  assessed_by: Uuid;
  assessed_at: Timestamp;
}

export interface TherapyTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  patient_pseudonym: string;
  hospital_id: Uuid;
  laboratory_id: Uuid;
  filing_id: Uuid;
  technology: string;
  chain_of_identity: string;
  consent_id: Uuid;
  eligibility_id: Uuid;
  exception_reason: string | null;
  exception_signature_id: Uuid | null;
  consent_status: Generated<string>;
  state: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PathwayEventTable extends TherapyLinked {
  id: Generated<Uuid>;
  seq: number;
  step: string;
  kind: string;
  corrects_id: Uuid | null;
  occurred_at: Date | string;
  recorded_at: Timestamp;
  actor_user_id: Uuid;
  actor_name: string;
  organization_id: Uuid;
  data: Json;
  attachments: Json;
  reason: string | null;
  signature_id: Uuid | null;
}

export interface CollectionTable extends TherapyLinked {
  id: Generated<Uuid>;
  din: string;
  check_character: string;
  event_id: Uuid;
  collected_at: Date | string;
}

export interface ProductTable extends TherapyLinked {
  id: Generated<Uuid>;
  din: string;
  product_code: string;
  expires_at: Date | string;
  status: Generated<string>;
  released_at: Timestamp;
  release_signature_id: Uuid | null;
  event_id: Uuid;
}

export interface CustodyScanTable extends TherapyLinked {
  id: Generated<Uuid>;
  din: string;
  seq: number;
  stage: string;
  direction: string;
  product_code: string | null;
  actor_user_id: Uuid;
  actor_name: string;
  organization_id: Uuid;
  scanned_at: Timestamp;
}

export interface DeviationTable extends TherapyLinked {
  id: Generated<Uuid>;
  kind: string;
  din: string | null;
  detail: Json;
  status: Generated<string>;
  assessment: string | null;
  assessed_by: Uuid | null;
  assessed_at: Date | string | null;
  assessment_signature_id: Uuid | null;
  reported_by: Uuid;
  created_at: Timestamp;
  version: Generated<number>;
}

export interface TemperatureLogTable extends TherapyLinked {
  id: Generated<Uuid>;
  din: string;
  leg: string;
  file_sha256: string;
  readings: number;
  first_at: Date | string | null;
  last_at: Date | string | null;
  min_celsius: number | null;
  max_celsius: number | null;
  limit_celsius: number;
  excursions: Json;
  deviation_id: Uuid | null;
  uploaded_by: Uuid;
  uploaded_at: Timestamp;
}

export interface BedsideVerificationTable extends TherapyLinked {
  id: Generated<Uuid>;
  scanned_patient: string;
  scanned_din: string;
  scanned_product_code: string;
  ok: boolean;
  problems: Json;
  verifier_user_id: Uuid;
  second_verifier_user_id: Uuid;
  signature_id: Uuid | null;
  second_signature_id: Uuid | null;
  verified_at: Timestamp;
}

export interface NotificationTable {
  id: Generated<Uuid>;
  organization_id: Uuid;
  kind: string;
  subject: string;
  entity_type: string;
  entity_id: string;
  created_at: Timestamp;
  read_at: Date | string | null;
}

export interface PathwayAttachmentTable extends TherapyLinked {
  id: Generated<Uuid>;
  event_id: Uuid;
  name: string;
  sha256: string;
  bytes: number;
  content_b64: string;
  created_at: Timestamp;
}

interface PatientLinked {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  recorded_by: Uuid;
  recorded_at: Timestamp;
}
export interface PatientGenotypeTable extends PatientLinked {
  allele1_class: string;
  allele1_hgvs: string | null;
  allele2_class: string;
  allele2_hgvs: string | null;
  label: string;
  alpha_genotype: string | null;
}
export interface PatientWeightTable extends PatientLinked {
  measured_on: string;
  weight_kg: number;
}
export interface PatientTransfusionTable extends PatientLinked {
  transfused_on: string;
  volume_ml: number | null;
  pre_hb_g_dl: number | null;
}

/** The pathway tables, merged into the database schema below. */
export interface PathwaySchema {
  patient_genotype: PatientGenotypeTable;
  patient_weight: PatientWeightTable;
  patient_transfusion: PatientTransfusionTable;
  pathway_attachment: PathwayAttachmentTable;
  filing: FilingTable;
  filing_decision: FilingDecisionTable;
  consent_document: ConsentDocumentTable;
  consent: ConsentTable;
  eligibility_assessment: EligibilityAssessmentTable;
  therapy: TherapyTable;
  pathway_event: PathwayEventTable;
  collection: CollectionTable;
  product: ProductTable;
  custody_scan: CustodyScanTable;
  deviation: DeviationTable;
  temperature_log: TemperatureLogTable;
  bedside_verification: BedsideVerificationTable;
  notification: NotificationTable;
}
