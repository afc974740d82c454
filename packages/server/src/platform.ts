import type { Logger } from 'pino';
import { AuditTrailService } from './audit/audit-trail.service';
import { Sealer } from './audit/sealer';
import { AuthService } from './auth/auth.service';
import type { Config } from './config';
import { type Database, openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { EvaluationService, evaluationReportSignable } from './evaluation/evaluation.service';
import { OutcomeRefresher } from './evaluation/outcome-store';
import { ExportService } from './exports/export.service';
import { ExportKeys } from './exports/export-keys';
import { AlertService } from './followup/alert.service';
import { FollowupService } from './followup/followup.service';
import { KoosService } from './followup/koos.service';
import { MonitoringRefresher, SafetyMonitorService } from './followup/safety-monitor.service';
import { SymptomService } from './followup/symptom.service';
import { DonorService } from './hla/donor.service';
import { HlaReference } from './hla/reference';
import { RegistryService } from './hla/registry.service';
import { BatchService, batchSignable } from './laboratory/batches';
import { CellBankService } from './laboratory/cell-bank';
import { ChartService } from './laboratory/charts';
import { SpecificationService, specificationSignable } from './laboratory/specifications';
import { OrganizationService } from './organizations/organization.service';
import { organizationSignable } from './organizations/organization.signable';
import { ClinicalHistoryService } from './pathway/clinical-history.service';
import { EnrolmentService } from './pathway/enrolment.service';
import { FilingService } from './pathway/filing.service';
import { PathwayService } from './pathway/pathway.service';
import { filingDecisionSignable, productReleaseSignable } from './pathway/pathway.signables';
import { IdentifierCrypto } from './patients/identifier-crypto';
import { PatientService } from './patients/patient.service';
import { SignatureService } from './signatures/signature.service';
import { UserService } from './users/user.service';

/** Everything a running CGTLink holds: the database, the services over it, and the audit sealer. */
export interface Platform {
  config: Config;
  database: Database;
  auth: AuthService;
  organizations: OrganizationService;
  users: UserService;
  patients: PatientService;
  audit: AuditTrailService;
  signatures: SignatureService;
  filings: FilingService;
  enrolment: EnrolmentService;
  clinicalHistory: ClinicalHistoryService;
  pathway: PathwayService;
  sealer: Sealer;
  /** Keeps the evaluation's stored per-patient outcomes fresh; started with the server. */
  outcomes: OutcomeRefresher;
  specifications: SpecificationService;
  batches: BatchService;
  cellBank: CellBankService;
  followup: FollowupService;
  symptoms: SymptomService;
  alerts: AlertService;
  safetyMonitor: SafetyMonitorService;
  /** Runs the registry safety monitoring after writes to its sources and daily; started with the server. */
  monitoring: MonitoringRefresher;
  koos: KoosService;
  charts: ChartService;
  // HLA typings, donors, family work-up and registry search (issue 5).
  hlaReference: HlaReference;
  donors: DonorService;
  registry: RegistryService;
  evaluation: EvaluationService;
  // Evaluation exports (issue 9, item 4)
  exports: ExportService;
  close(): Promise<void>;
}

/** Opens the configured database, brings it to the latest migration and wires the services. */
export async function openPlatform(config: Config, logger?: Logger): Promise<Platform> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(database.db);
  return assemblePlatform(config, database, logger);
}

export function assemblePlatform(config: Config, database: Database, logger?: Logger): Platform {
  const { db } = database;
  const auth = new AuthService(db, {
    idleMinutes: config.sessionIdleMinutes,
    absoluteHours: config.sessionAbsoluteHours,
  });
  const signatures = new SignatureService(db, auth);
  signatures.register(organizationSignable);
  signatures.register(specificationSignable);
  signatures.register(batchSignable);
  signatures.register(filingDecisionSignable);
  signatures.register(productReleaseSignable);
  signatures.register(evaluationReportSignable);
  const identifiers = new IdentifierCrypto(config.secret);
  const hlaReference = new HlaReference(config.imgtDir);
  const donors = new DonorService(db, identifiers, hlaReference);
  const registry = new RegistryService(db, hlaReference, donors);
  const sealer = new Sealer(db, (error) => logger?.error({ err: error }, 'audit sealing failed'));
  const outcomes = new OutcomeRefresher(db, (error) =>
    logger?.error({ err: error }, 'refreshing stored evaluation outcomes failed'),
  );
  const safetyMonitor = new SafetyMonitorService(db);
  const monitoring = new MonitoringRefresher(safetyMonitor, (error) =>
    logger?.error({ err: error }, 'registry safety monitoring failed'),
  );
  return {
    config,
    database,
    auth,
    organizations: new OrganizationService(db, () => auth.forgetSessions()),
    users: new UserService(db, () => auth.forgetSessions()),
    patients: new PatientService(db, identifiers),
    audit: new AuditTrailService(db),
    signatures,
    filings: new FilingService(db, auth),
    enrolment: new EnrolmentService(db, auth, identifiers),
    clinicalHistory: new ClinicalHistoryService(db),
    pathway: new PathwayService(db, auth),
    sealer,
    outcomes,
    specifications: new SpecificationService(db, auth, signatures),
    batches: new BatchService(db, auth, signatures),
    cellBank: new CellBankService(db),
    followup: new FollowupService(db),
    symptoms: new SymptomService(db),
    alerts: new AlertService(db),
    safetyMonitor,
    monitoring,
    koos: new KoosService(db),
    charts: new ChartService(db),
    hlaReference,
    donors,
    registry,
    evaluation: new EvaluationService(db, auth, signatures),
    exports: new ExportService(db, new ExportKeys(config.secret)),
    async close() {
      await outcomes.stop();
      await monitoring.stop();
      await sealer.stop();
      await sealer.flush();
      await database.close();
    },
  };
}
