/**
 * Organizations and roles of the linkage platform. Each role belongs to one end of the platform and may only
 * be held in an organization of the matching kind (a QC manager works for a laboratory, not a hospital).
 */
export const ORGANIZATION_KINDS = [
  'platform',
  'regulator',
  'hospital',
  'laboratory',
  'sponsor',
  'foundation',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ROLES = [
  'platform_admin',
  'regulator_inspector',
  'hospital_physician',
  'hospital_coordinator',
  'lab_analyst',
  'qc_manager',
  'qualified_person',
  'sponsor_user',
  'foundation_user',
  'patient',
  // The evaluation centre (issue 9): a regulator-side role, held in the evaluation centre's organization.
  'evaluator',
] as const;
export type Role = (typeof ROLES)[number];

/** The four ends of CGTLink, plus the platform's own administration and the sponsors' and foundations' views. */
export type End =
  | 'admin'
  | 'regulator'
  | 'hospital'
  | 'laboratory'
  | 'sponsor'
  | 'foundation'
  | 'patient'
  // The evaluation centre: regulator-side (its organization is of kind regulator), with its own menu.
  | 'evaluation';

const ROLE_END: Record<Role, End> = {
  platform_admin: 'admin',
  regulator_inspector: 'regulator',
  hospital_physician: 'hospital',
  hospital_coordinator: 'hospital',
  lab_analyst: 'laboratory',
  qc_manager: 'laboratory',
  qualified_person: 'laboratory',
  sponsor_user: 'sponsor',
  foundation_user: 'foundation',
  // A patient (or guardian) account belongs to the hospital that registered the patient.
  patient: 'patient',
  evaluator: 'evaluation',
};

const ROLE_ORG_KIND: Record<Role, OrganizationKind> = {
  platform_admin: 'platform',
  regulator_inspector: 'regulator',
  hospital_physician: 'hospital',
  hospital_coordinator: 'hospital',
  lab_analyst: 'laboratory',
  qc_manager: 'laboratory',
  qualified_person: 'laboratory',
  sponsor_user: 'sponsor',
  foundation_user: 'foundation',
  patient: 'hospital',
  evaluator: 'regulator',
};

export function endOf(role: Role): End {
  return ROLE_END[role];
}

/** The organization kind a role must be held in. */
export function organizationKindFor(role: Role): OrganizationKind {
  return ROLE_ORG_KIND[role];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isOrganizationKind(value: string): value is OrganizationKind {
  return (ORGANIZATION_KINDS as readonly string[]).includes(value);
}
