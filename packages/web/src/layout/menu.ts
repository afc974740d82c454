import type { End } from '@cgtlink/domain/access/index';

/** The pages of the web app; which of them an end sees is decided by `menuFor`. */
export type NavKey =
  | 'overview'
  | 'patients'
  | 'myRecord'
  | 'audit'
  | 'organizations'
  | 'users'
  | 'laboratory'
  | 'batches'
  | 'cellBank'
  | 'symptoms'
  | 'alerts'
  | 'safety'
  | 'myHealth'
  | 'filings'
  | 'therapies'
  | 'controlCharts'
  | 'donorSearch'
  | 'notifications'
  | 'evaluation'
  | 'exports';

export interface NavEntry {
  key: NavKey;
  path: string;
  /** i18n key of the menu label. */
  labelKey: string;
  /** Stable hook for the browser tests. */
  testId: string;
}

const entry = (key: NavKey, path: string, labelKey: string, testId: string): NavEntry => ({
  key,
  path,
  labelKey,
  testId,
});

const OVERVIEW = entry('overview', '/overview', 'nav.overview', 'nav-overview');
const PATIENTS = entry('patients', '/patients', 'nav.patients', 'nav-patients');
const PATIENTS_DEID = entry('patients', '/patients', 'nav.patientsDeid', 'nav-patients');
const MY_RECORD = entry('myRecord', '/my-record', 'nav.myRecord', 'nav-my-record');
const AUDIT = entry('audit', '/audit', 'nav.audit', 'nav-audit');
const ORGANIZATIONS = entry('organizations', '/organizations', 'nav.organizations', 'nav-organizations');
const DIRECTORY = entry('organizations', '/organizations', 'nav.directory', 'nav-organizations');
const USERS = entry('users', '/users', 'nav.users', 'nav-users');
const LABORATORY = entry('laboratory', '/laboratory', 'nav.laboratory', 'nav-laboratory');
const BATCHES = entry('batches', '/batches', 'nav.batches', 'nav-batches');
const CELL_BANK = entry('cellBank', '/cell-bank', 'nav.cellBank', 'nav-cell-bank');
const SYMPTOMS = entry('symptoms', '/symptoms', 'nav.symptoms', 'nav-symptoms');
const ALERTS = entry('alerts', '/alerts', 'nav.alerts', 'nav-alerts');
const SAFETY = entry('safety', '/safety', 'nav.safety', 'nav-safety');
const MY_HEALTH = entry('myHealth', '/my-health', 'nav.myHealth', 'nav-my-health');
const FILINGS = entry('filings', '/filings', 'nav.filings', 'nav-filings');
const THERAPIES = entry('therapies', '/therapies', 'nav.therapies', 'nav-therapies');
const DONOR_SEARCH = entry('donorSearch', '/donor-search', 'hla.nav', 'nav-donor-search');
const CONTROL_CHARTS = entry('controlCharts', '/control-charts', 'nav.controlCharts', 'nav-control-charts');
const NOTIFICATIONS = entry('notifications', '/notifications', 'nav.notifications', 'nav-notifications');
const EVALUATION = entry('evaluation', '/evaluation', 'nav.evaluation', 'nav-evaluation');
// Evaluation exports (issue 9, item 4): the regulator and the sponsor of a filing.
const EXPORTS = entry('exports', '/exports', 'nav.exports', 'nav-exports');

// One menu per end of the platform (DESIGN.md §1): what each kind of user comes to the platform to do.
const MENUS: Record<End, readonly NavEntry[]> = {
  admin: [ORGANIZATIONS, USERS, AUDIT],
  regulator: [
    OVERVIEW,
    PATIENTS_DEID,
    FILINGS,
    THERAPIES,
    BATCHES,
    SAFETY,
    ALERTS,
    AUDIT,
    EVALUATION,
    EXPORTS,
  ],
  hospital: [
    PATIENTS,
    THERAPIES,
    FILINGS,
    BATCHES,
    SYMPTOMS,
    ALERTS,
    DONOR_SEARCH,
    NOTIFICATIONS,
    EVALUATION,
  ],
  laboratory: [LABORATORY, THERAPIES, FILINGS, BATCHES, CELL_BANK, CONTROL_CHARTS, NOTIFICATIONS],
  patient: [MY_RECORD, MY_HEALTH],
  sponsor: [DIRECTORY, FILINGS, EVALUATION, EXPORTS],
  foundation: [DIRECTORY],
  evaluation: [EVALUATION],
};

/** The side menu of an end, in display order. */
export function menuFor(end: End): readonly NavEntry[] {
  return MENUS[end];
}

/** Where an end lands after signing in: the first entry of its menu. */
export function homePathFor(end: End): string {
  return MENUS[end][0]!.path;
}

/** Whether a page belongs to an end's menu (pages outside it answer "not permitted"). */
export function mayOpen(end: End, key: NavKey): boolean {
  return MENUS[end].some((e) => e.key === key);
}
