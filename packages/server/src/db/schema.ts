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

export interface Schema {
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
