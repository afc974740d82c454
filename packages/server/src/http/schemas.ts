import { ORGANIZATION_KINDS, ROLES } from '@cgtlink/domain/access/index';
import { z } from 'zod';

/** API contract shared by the routes (validation and OpenAPI) and, as types, by the web app. */
export const Uuid = z.uuid();
export const IdParams = z.object({ id: Uuid });

export const OrganizationKind = z.enum(ORGANIZATION_KINDS);
export const Role = z.enum(ROLES);

export const PrincipalOut = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  organizationId: z.string(),
  organizationKind: OrganizationKind,
  patientId: z.string().nullable(),
});

export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const OrganizationBrief = z.object({
  id: z.string(),
  code: z.string(),
  kind: OrganizationKind,
  nameZh: z.string(),
  nameEn: z.string(),
});
export const SessionOut = z.object({
  principal: PrincipalOut,
  organization: OrganizationBrief,
  csrfToken: z.string().nullable(),
  expiresAt: z.string(),
});
export const TokenOut = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
  principal: PrincipalOut,
  organization: OrganizationBrief,
});

export const OrganizationOut = z.object({
  id: z.string(),
  code: z.string(),
  kind: OrganizationKind,
  nameZh: z.string(),
  nameEn: z.string(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const OrganizationCreate = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'upper-case letters, digits and hyphens, 2–32 characters'),
  kind: OrganizationKind,
  nameZh: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200),
});
export const OrganizationPatch = z.strictObject({
  nameZh: z.string().trim().min(1).max(200).optional(),
  nameEn: z.string().trim().min(1).max(200).optional(),
  active: z.boolean().optional(),
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(500).optional(),
});

export const UserOut = z.object({
  id: z.string(),
  organizationId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  patientId: z.string().nullable(),
  active: z.boolean(),
  version: z.number().int(),
});
export const UserCreate = z.strictObject({
  organizationId: Uuid,
  username: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, dot, underscore or hyphen; 3–64'),
  displayName: z.string().trim().min(1).max(200),
  role: Role,
  password: z.string().min(1).max(256),
  patientId: Uuid.nullable().optional(),
});
export const UserPatch = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(),
  active: z.boolean().optional(),
  password: z.string().min(1).max(256).optional(),
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(500).optional(),
});

const IsoDate = z.iso.date();
export const Sex = z.enum(['female', 'male', 'unknown']);
export const PatientOut = z.object({
  view: z.enum(['identified', 'deidentified']),
  id: z.string(),
  hospitalId: z.string(),
  pseudonym: z.string(),
  sex: Sex,
  birthYear: z.number().int(),
  diagnosis: z.string(),
  version: z.number().int(),
  name: z.string().optional(),
  nationalId: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  birthDate: z.string().optional(),
  /** On registration: the same national ID is registered at another hospital (nothing else is revealed). */
  duplicateElsewhere: z.boolean().optional(),
});
export const PatientCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  nationalId: z
    .string()
    .trim()
    .regex(/^[0-9]{17}[0-9Xx]$/, '18-character resident identity number')
    .nullable()
    .optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{6,20}$/, 'digits, spaces, hyphens; 6–20')
    .nullable()
    .optional(),
  sex: Sex,
  birthDate: IsoDate.refine((d) => d <= new Date().toISOString().slice(0, 10), 'must not be in the future'),
  diagnosis: z.string().trim().min(1).max(200),
});
export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const AuditQuery = z.object({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(128).optional(),
  actorUserId: Uuid.optional(),
  action: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).or(IsoDate).optional(),
  to: z.iso.datetime({ offset: true }).or(IsoDate).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export const AuditRecordOut = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string(),
  organizationId: z.string().nullable(),
  role: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  oldValues: z.record(z.string(), z.unknown()).nullable(),
  newValues: z.record(z.string(), z.unknown()).nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  sealed: z.boolean(),
});
export const ChangeLineOut = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  field: z.string().nullable(),
  from: z.unknown(),
  to: z.unknown(),
  reason: z.string().nullable(),
});
export const VerifyOut = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  lastSeq: z.number().int(),
  unsealed: z.number().int(),
  firstBroken: z.object({ seq: z.number().int(), eventId: z.number().int(), problem: z.string() }).nullable(),
  millis: z.number(),
  deep: z.object({ checked: z.number().int(), millis: z.number() }).nullable(),
});

export const SignatureMeaning = z.enum(['authored', 'reviewed', 'approved', 'released']);
export const SignBody = z.strictObject({
  entityType: z.string().min(1).max(64),
  entityId: z.string().min(1).max(128),
  meaning: SignatureMeaning,
  password: z.string().min(1).max(256),
});
export const SignatureQuery = z.object({
  entityType: z.string().min(1).max(64),
  entityId: z.string().min(1).max(128),
});
export const SignatureOut = z.object({
  id: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  meaning: SignatureMeaning,
  printedName: z.string(),
  role: z.string(),
  signedAt: z.string(),
  contentHash: z.string(),
  valid: z.boolean(),
});
