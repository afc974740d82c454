import type { Principal } from './principal';
import { endOf, type Role } from './roles';

/**
 * The role × action policy of CGTLink, decided in one pure place so the server and the web app agree.
 * Row scoping (which patients, which batches) is the data layer's job; this module decides whether a role may
 * attempt an action at all and how much of a patient record it may see.
 */
export const ACTIONS = [
  'organization.read',
  'organization.manage',
  'user.read',
  'user.manage',
  'patient.list',
  'patient.read',
  'patient.create',
  'patient.update',
  'audit.read',
  'audit.verify',
  'signature.sign',
  'filing.read',
  'filing.submit',
  'filing.review',
  'patient.enrol',
  'pathway.read',
  'pathway.record',
  'product.release',
  'deviation.assess',
  'batch.read',
  'batch.manage',
  'qc.enter',
  'investigation.manage',
  'specification.manage',
  'specification.approve',
  'batch.dispose',
  'cellbank.read',
  'cellbank.manage',
  'traceability.read',
  'followup.read',
  'followup.write',
  'adverse-event.report',
  'symptom.report',
  'alert.manage',
  'safety.monitor',
  // HLA typings and donors (issue 5).
  'hla.read',
  'hla.write',
  'donor.search',
  // The evaluation centre (issue 9).
  'evaluation.read',
  'evaluation.report',
  // Evaluation exports (issue 9, item 4)
  'export.deidentified',
] as const;
export type Action = (typeof ACTIONS)[number];

const HOSPITAL_STAFF: readonly Role[] = ['hospital_physician', 'hospital_coordinator'];
const LAB_STAFF: readonly Role[] = ['lab_analyst', 'qc_manager', 'qualified_person'];
const EVERYONE: readonly Role[] = [
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
  'evaluator',
];
const STAFF = EVERYONE.filter((r) => r !== 'patient');

const MATRIX: Record<Action, readonly Role[]> = {
  'organization.read': STAFF,
  'organization.manage': ['platform_admin'],
  'user.read': STAFF,
  'user.manage': ['platform_admin'],
  'patient.list': [...HOSPITAL_STAFF, 'regulator_inspector'],
  'patient.read': [...HOSPITAL_STAFF, 'regulator_inspector', 'patient'],
  'patient.create': HOSPITAL_STAFF,
  'patient.update': HOSPITAL_STAFF,
  'audit.read': ['regulator_inspector', 'platform_admin'],
  'audit.verify': ['regulator_inspector', 'platform_admin'],
  // Signing needs a real person with a password; what they may sign is decided by each signed act.
  'signature.sign': STAFF,
  // Filings (NHC 2018 measures; DESIGN.md §5): the hospital files, the regulator reviews; the sponsor and the
  // named laboratory follow the filings that name them (rows scoped in the database).
  'filing.read': [...HOSPITAL_STAFF, ...LAB_STAFF, 'regulator_inspector', 'sponsor_user'],
  'filing.submit': HOSPITAL_STAFF,
  'filing.review': ['regulator_inspector'],
  'patient.enrol': HOSPITAL_STAFF,
  'pathway.read': [...HOSPITAL_STAFF, ...LAB_STAFF, 'regulator_inspector', 'patient'],
  'pathway.record': [...HOSPITAL_STAFF, ...LAB_STAFF],
  // Release of a product is the qualified person's signed act (DESIGN.md §3.5).
  'product.release': ['qualified_person'],
  'deviation.assess': ['hospital_physician', 'qc_manager', 'qualified_person'],
  // The laboratory end (issue 7). Hospitals read the batches of their own patients (rows scoped by the
  // database); the regulator reads everything de-identified; the qualified person alone disposes of a batch.
  'batch.read': [...LAB_STAFF, ...HOSPITAL_STAFF, 'regulator_inspector'],
  'batch.manage': LAB_STAFF,
  'qc.enter': ['lab_analyst', 'qc_manager'],
  'investigation.manage': ['qc_manager'],
  'specification.manage': ['qc_manager'],
  'specification.approve': ['qc_manager', 'qualified_person'],
  'batch.dispose': ['qualified_person'],
  'cellbank.read': [...LAB_STAFF, 'regulator_inspector'],
  'cellbank.manage': LAB_STAFF,
  'traceability.read': [...LAB_STAFF, 'regulator_inspector'],
  // Follow-up (issue 8): the hospital records and reports, the patient reads its own and reports symptoms,
  // the regulator reads de-identified records and monitors safety.
  'followup.read': [...HOSPITAL_STAFF, 'regulator_inspector', 'patient'],
  'followup.write': HOSPITAL_STAFF,
  'adverse-event.report': HOSPITAL_STAFF,
  'symptom.report': ['patient'],
  'alert.manage': [...HOSPITAL_STAFF, 'regulator_inspector'],
  'safety.monitor': ['regulator_inspector'],
  // HLA typings and donors (issue 5): the hospital types its patients and their donors, works up families and
  // searches the registry; the regulator reads de-identified typings and donors; patient accounts see neither.
  'hla.read': [...HOSPITAL_STAFF, 'regulator_inspector'],
  'hla.write': HOSPITAL_STAFF,
  'donor.search': HOSPITAL_STAFF,
  // Evaluation (issue 9): the evaluation centre, the regulator and a sponsor (its own filings) read
  // de-identified views; a hospital reads the views of its own patients. Only evaluators compute and sign
  // reports (one as evaluator, another as reviewer).
  'evaluation.read': ['evaluator', 'regulator_inspector', 'sponsor_user', ...HOSPITAL_STAFF],
  'evaluation.report': ['evaluator'],
  // Evaluation exports (issue 9, item 4): de-identified patient-level data and registry minimum data, for the
  // sponsor of a filing (its own filings only, scoped in the database) and the regulator.
  'export.deidentified': ['regulator_inspector', 'sponsor_user'],
};

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Whether a principal's role may perform an action at all. */
export function decide(principal: Pick<Principal, 'role'>, action: Action): Decision {
  const allowed = MATRIX[action].includes(principal.role);
  return {
    allowed,
    reason: allowed ? `${principal.role} may ${action}` : `role ${principal.role} may not ${action}`,
  };
}

export function can(principal: Pick<Principal, 'role'>, action: Action): boolean {
  return decide(principal, action).allowed;
}

/** How much of a patient record a principal may see. Regulators see de-identified data only. */
export type PatientView = 'identified' | 'deidentified' | 'none';

export function patientViewFor(
  principal: Pick<Principal, 'role' | 'organizationId' | 'patientId'>,
  patient: { id: string; hospitalId: string },
): PatientView {
  switch (endOf(principal.role)) {
    case 'hospital':
      return patient.hospitalId === principal.organizationId ? 'identified' : 'none';
    case 'patient':
      return patient.id === principal.patientId ? 'identified' : 'none';
    case 'regulator':
    case 'evaluation':
      return 'deidentified';
    default:
      return 'none';
  }
}

/**
 * The database role a principal's queries run as. Ends that must never see direct identifiers run as a role
 * without column privileges on them, so the database refuses what a forgetful query would leak. Sponsors run
 * as cgtlink_sponsor, a member of cgtlink_deid with its own policies (the follow-up of its filings' patients).
 */
export function databaseRoleFor(
  principal: Pick<Principal, 'role'>,
): 'cgtlink_app' | 'cgtlink_deid' | 'cgtlink_sponsor' {
  const end = endOf(principal.role);
  if (end === 'sponsor') return 'cgtlink_sponsor';
  return end === 'regulator' || end === 'evaluation' || end === 'foundation' ? 'cgtlink_deid' : 'cgtlink_app';
}
