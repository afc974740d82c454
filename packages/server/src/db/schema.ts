import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

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
  /** SHA-256 of the canonical content, computed by the database (0022_audit_digest). */
  digest: GeneratedAlways<Uint8Array>;
}

export interface AuditSealTable {
  seq: number;
  event_id: number;
  prev_hash: string;
  hash: string;
  sealed_at: Timestamp;
  /** 1: hash over the canonical text built by the application; 2: hash over the database's entry digest. */
  scheme: Generated<number>;
  /** Scheme 2: the entry's digest at sealing time; null for scheme 1. */
  digest: Uint8Array | null;
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

export interface Schema
  extends PathwaySchema,
    LaboratorySchema,
    FollowupSchema,
    HlaSchema,
    PathwaySourcesSchema,
    FollowupMeasuresSchema,
    EvaluationSchema,
    EvaluationScaleSchema {
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

// ---- 0010_laboratory: specifications, batches, QC, investigations, the seed cell bank ----

interface LaboratoryOwned {
  laboratory_id: string;
}

export interface SpecificationTable extends LaboratoryOwned {
  id: Generated<string>;
  product_code: string;
  product_name: string;
  version: number;
  tests: Json;
  status: Generated<string>;
  approval_signature_id: string | null;
  approved_at: Date | string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface CellLineTable extends LaboratoryOwned {
  id: Generated<string>;
  code: string;
  name: string;
  tissue_source: string;
  donor_code: string;
  donor_eligibility: string;
  consent_reference: string;
  donor_testing: Json;
  created_by: string;
  created_at: Timestamp;
}

export interface CellBankTable extends LaboratoryOwned {
  id: Generated<string>;
  cell_line_id: string;
  kind: string;
  parent_bank_id: string | null;
  lot: string;
  passage: number;
  frozen_on: string;
  expires_on: string;
  vials_available: Generated<number>;
  created_by: string;
  created_at: Timestamp;
  version: Generated<number>;
}

export interface VialTable extends LaboratoryOwned {
  id: Generated<string>;
  bank_id: string;
  label: string;
  passage: number;
  tank: string;
  rack: string;
  box: string;
  position: number;
  status: Generated<string>;
  version: Generated<number>;
}

export interface BatchTable extends LaboratoryOwned {
  id: Generated<string>;
  reference: string;
  kind: string;
  specification_id: string;
  product_code: string;
  patient_id: string | null;
  hospital_id: string | null;
  patient_pseudonym: string | null;
  chain_of_identity: string | null;
  din: string | null;
  din_verified_at: Date | string | null;
  patient_weight_kg: number | null;
  working_bank_id: string | null;
  /** 0014: the pathway therapy and collection an autologous batch was received from. */
  therapy_id: string | null;
  collection_id: string | null;
  excursion: Generated<string>;
  excursion_assessment: string | null;
  status: Generated<string>;
  disposition_signature_id: string | null;
  disposition_reason: string | null;
  disposed_at: Date | string | null;
  disposed_by: string | null;
  started_at: Timestamp;
  version: Generated<number>;
  created_by: string;
  updated_at: Timestamp;
}

export interface BatchStepTable extends LaboratoryOwned {
  id: Generated<string>;
  batch_id: string;
  step: string;
  parameters: Json;
  operator_user_id: string;
  operator_name: string;
  started_at: Date | string;
  ended_at: Date | string;
  recorded_at: Timestamp;
}

export interface QcResultTable extends LaboratoryOwned {
  id: Generated<string>;
  batch_id: string;
  analyte: string;
  value_number: number | null;
  value_text: string | null;
  unit: string | null;
  outcome: string;
  criterion: string;
  source: string;
  instrument: string | null;
  is_current: Generated<boolean>;
  entered_by: string;
  entered_by_name: string;
  entered_at: Timestamp;
}

export interface InvestigationTable extends LaboratoryOwned {
  id: Generated<string>;
  batch_id: string;
  result_id: string;
  analyte: string;
  phase: Generated<string>;
  root_cause: string | null;
  capa: string | null;
  conclusion: string | null;
  status: Generated<string>;
  opened_at: Timestamp;
  closed_at: Date | string | null;
  closed_by: string | null;
  version: Generated<number>;
}

export interface BatchDispatchTable extends LaboratoryOwned {
  id: Generated<string>;
  batch_id: string;
  patient_id: string;
  hospital_id: string;
  patient_pseudonym: string;
  dispatched_by: string;
  dispatched_at: Timestamp;
}

export interface VialEventTable extends LaboratoryOwned {
  id: Generated<string>;
  vial_id: string;
  bank_id: string;
  kind: string;
  batch_id: string | null;
  actor_user_id: string;
  actor_name: string;
  note: string | null;
  occurred_at: Timestamp;
}

export interface InstrumentMappingTable extends LaboratoryOwned {
  id: Generated<string>;
  instrument: string;
  mapping: Json;
  version: Generated<number>;
  updated_at: Timestamp;
}

/** The laboratory tables, merged into the database schema above. */
export interface LaboratorySchema {
  specification: SpecificationTable;
  cell_line: CellLineTable;
  cell_bank: CellBankTable;
  vial: VialTable;
  batch: BatchTable;
  batch_step: BatchStepTable;
  qc_result: QcResultTable;
  investigation: InvestigationTable;
  batch_dispatch: BatchDispatchTable;
  vial_event: VialEventTable;
  instrument_mapping: InstrumentMappingTable;
  control_material: ControlMaterialTable;
  control_run: ControlRunTable;
}

export interface ControlMaterialTable extends LaboratoryOwned {
  id: Generated<string>;
  analyte: string;
  material: string;
  lot: string;
  unit: string;
  target_mean: number;
  target_sd: number;
  created_at: Timestamp;
}

export interface ControlRunTable extends LaboratoryOwned {
  id: Generated<string>;
  material_id: string;
  value: number;
  run_at: Date | string;
  entered_by: string;
  entered_at: Timestamp;
}

// ---- 0011_followup: enrolment in follow-up, observations, transfusions, adverse events, symptoms, alerts ----

export interface FollowupEnrolmentTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  filing_id: Uuid | null;
  product_name: string;
  graft_source: string;
  protocol: string;
  infusion_date: string;
  reference_terms: Json;
  status: Generated<string>;
  version: Generated<number>;
  created_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObservationTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  code: string;
  loinc: string | null;
  value: number;
  unit: string;
  value_canonical: number;
  canonical_unit: string;
  lln_canonical: number | null;
  uln_canonical: number | null;
  observed_on: string;
  source: string;
  status: Generated<string>;
  version: Generated<number>;
  recorded_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TransfusionTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  given_on: string;
  product: string;
  volume_ml: number | null;
  units: number | null;
  source: string;
  status: Generated<string>;
  version: Generated<number>;
  recorded_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdverseEventTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  filing_id: Uuid | null;
  product_name: string | null;
  term: string;
  ctcae_term: string | null;
  grade: number;
  proposed_grade: number | null;
  proposal: Json | null;
  override_reason: string | null;
  source_observation_id: Uuid | null;
  symptom_report_id: Uuid | null;
  onset_date: string;
  resolution_date: string | null;
  seriousness: Json;
  serious: boolean;
  causality_product: string;
  causality_procedure: string;
  expected: boolean;
  outcome: string;
  awareness_date: string;
  expedited_required: boolean;
  expedited_days: number | null;
  expedited_due: string | null;
  expedited_submitted_on: string | null;
  narrative: string | null;
  version: Generated<number>;
  reported_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdverseEventFollowupTable {
  id: Generated<Uuid>;
  adverse_event_id: Uuid;
  patient_id: Uuid;
  hospital_id: Uuid;
  reported_on: string;
  changes: Json;
  note: string | null;
  reported_by: Uuid | null;
  created_at: Timestamp;
}

export interface SymptomReportTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  reported_by: Uuid;
  reported_on: string;
  items: Json;
  note: string | null;
  status: Generated<string>;
  adverse_event_id: Uuid | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * Per-patient and registry alerts. A patient account may insert (and read back) only its own
 * `pro-ctcae-severe` alerts, keyed by one of its symptom reports (0026_pro_alert).
 */
export interface AlertTable {
  id: Generated<Uuid>;
  scope: string;
  patient_id: Uuid | null;
  hospital_id: Uuid | null;
  rule: string;
  dedup_key: string;
  message: string;
  detail: Json;
  status: Generated<string>;
  assigned_to: Uuid | null;
  note: string | null;
  raised_at: Timestamp;
  acknowledged_at: Date | string | null;
  closed_at: Date | string | null;
  version: Generated<number>;
}

export interface FollowupVisitTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  label: string;
  due_date: string;
  window_start: string;
  window_end: string;
  attended_on: string | null;
  version: Generated<number>;
}

export interface FollowupSchema {
  followup_enrolment: FollowupEnrolmentTable;
  observation: ObservationTable;
  transfusion: TransfusionTable;
  adverse_event: AdverseEventTable;
  adverse_event_followup: AdverseEventFollowupTable;
  symptom_report: SymptomReportTable;
  alert: AlertTable;
  followup_visit: FollowupVisitTable;
}

// HLA typings and donors (migration 0012_hla).
export interface DonorTable {
  id: Generated<Uuid>;
  donor_no: ColumnType<number, never, never>;
  kind: string;
  hospital_id: Uuid | null;
  patient_id: Uuid | null;
  relation: string | null;
  name_enc: string | null;
  registry: string | null;
  registry_donor_id: string | null;
  sex: string;
  birth_date: string;
  birth_year: ColumnType<number, never, never>;
  abo: Generated<string>;
  cmv: Generated<string>;
  parity: number | null;
  dsa: Json;
  status: Generated<string>;
  version: Generated<number>;
  created_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HlaTypingTable {
  id: Generated<Uuid>;
  subject: string;
  patient_id: Uuid | null;
  donor_id: Uuid | null;
  hospital_id: Uuid | null;
  shared: Generated<boolean>;
  gl_string: string;
  release_version: string;
  reduced: Json;
  typing_lab: string;
  method: string;
  resolution: string;
  typed_on: string;
  status: Generated<string>;
  correction_reason: string | null;
  version: Generated<number>;
  recorded_by: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HlaSchema {
  donor: DonorTable;
  hla_typing: HlaTypingTable;
}

// ---- 0015_pathway_sources: the donor of an allogeneic/haplo transplant, the MSC lot of a patient ----

export interface TherapyDonorTable extends TherapyLinked {
  id: Generated<Uuid>;
  donor_code: string;
  donor_id: Uuid | null;
  relation: string;
  hla_match: string;
  selected_event_id: Uuid;
  consented_on: string | null;
  consent_signed_by: string | null;
  consent_event_id: Uuid | null;
  eligibility: Generated<string>;
  eligibility_detail: ColumnType<unknown, string | null | undefined, string | null>;
  eligibility_event_id: Uuid | null;
  collection_din: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TherapyLotTable extends TherapyLinked {
  id: Generated<Uuid>;
  batch_id: Uuid;
  batch_reference: string;
  batch_product_code: string;
  working_bank_id: Uuid;
  bank_lot: string;
  din: string;
  event_id: Uuid;
  allocated_at: Timestamp;
}

export interface PathwaySourcesSchema {
  therapy_donor: TherapyDonorTable;
  therapy_lot: TherapyLotTable;
}

// ---- 0013_followup_measures: observation method and patient KOOS, filing expected serious-event rate ----
// (declaration merging adds the new columns to the tables declared above)

export interface ObservationTable {
  method: string | null;
  koos_response_id: Uuid | null;
}

export interface FilingTable {
  expected_serious_per_patient_year: number | null;
}

export interface KoosResponseTable {
  id: Generated<Uuid>;
  patient_id: Uuid;
  hospital_id: Uuid;
  answered_on: string;
  items: Json;
  scores: Json;
  source: string;
  reported_by: Uuid;
  created_at: Timestamp;
}

export interface FollowupMeasuresSchema {
  koos_response: KoosResponseTable;
}

// ---- 0020_evaluation: signed, immutable evaluation reports ----

export interface EvaluationReportTable {
  id: Generated<Uuid>;
  filing_id: Uuid;
  version: number;
  title: string;
  cutoff: Date | string;
  filters: Json;
  snapshot: Json;
  snapshot_sha256: string;
  status: Generated<string>;
  evaluator_signature_id: Uuid | null;
  evaluator_user_id: Uuid | null;
  reviewer_signature_id: Uuid | null;
  reviewer_user_id: Uuid | null;
  created_by: Uuid;
  created_by_name: string;
  organization_id: Uuid;
  created_at: Timestamp;
  signed_at: Date | string | null;
}

export interface EvaluationSchema {
  evaluation_report: EvaluationReportTable;
}

// ---- 0021_evaluation_scale: the patients of each filing (kept by triggers) ----

export interface FilingPatientTable {
  filing_id: Uuid;
  patient_id: Uuid;
  hospital_id: Uuid;
  sponsor_id: Uuid | null;
  technology: string;
  added_at: Timestamp;
}

export interface PatientTransfusionSummaryTable {
  patient_id: Uuid;
  hospital_id: Uuid;
  last_red_cell_on: string | null;
  red_cells: Generated<number>;
}

/** A treated patient's outcomes as last computed from the records (migration 0023); a cache, see there. */
/** Registry monitoring results, latest read by the regulator's safety page (migration 0027). */
export interface SafetyMonitoringRunTable {
  id: Generated<string>;
  computed_at: Timestamp;
  as_of: string;
  trigger: 'change' | 'schedule' | 'request';
  expected_per_patient_year: number | null;
  raised: number;
  duration_ms: number;
  report: Json;
}

/** One row per statement that changed a monitoring source since the last run (migration 0027). */
export interface SafetyMonitoringChangeTable {
  id: Generated<string>;
  changed_at: Timestamp;
}

export interface EvaluationPatientOutcomeTable {
  patient_id: Uuid;
  hospital_id: Uuid;
  stale: Generated<boolean>;
  computed_at: Timestamp | null;
  records_until: Timestamp | null;
  dated_until: string | null;
  last_contact: string | null;
  has_hb: boolean | null;
  died_on: string | null;
  cause: string | null;
  ti_start: string | null;
  ti_in_progress: boolean | null;
  neutrophil_day: number | null;
  platelet_day: number | null;
  graft_failure: boolean | null;
  failure_day: number | null;
  windows: unknown;
  anc_by_day42: boolean | null;
  hb_by_day90: boolean | null;
  visits: unknown;
  measures: unknown;
}

export interface EvaluationScaleSchema {
  filing_patient: FilingPatientTable;
  patient_transfusion_summary: PatientTransfusionSummaryTable;
  evaluation_patient_outcome: EvaluationPatientOutcomeTable;
  safety_monitoring_run: SafetyMonitoringRunTable;
  safety_monitoring_change: SafetyMonitoringChangeTable;
}
