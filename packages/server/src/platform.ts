import type { Logger } from 'pino';
import { AuditTrailService } from './audit/audit-trail.service';
import { Sealer } from './audit/sealer';
import { AuthService } from './auth/auth.service';
import type { Config } from './config';
import { type Database, openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { BatchService, batchSignable } from './laboratory/batches';
import { CellBankService } from './laboratory/cell-bank';
import { ChartService } from './laboratory/charts';
import { SpecificationService, specificationSignable } from './laboratory/specifications';
import { OrganizationService } from './organizations/organization.service';
import { organizationSignable } from './organizations/organization.signable';
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
  sealer: Sealer;
  specifications: SpecificationService;
  batches: BatchService;
  cellBank: CellBankService;
  charts: ChartService;
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
  const sealer = new Sealer(db, (error) => logger?.error({ err: error }, 'audit sealing failed'));
  return {
    config,
    database,
    auth,
    organizations: new OrganizationService(db),
    users: new UserService(db),
    patients: new PatientService(db, new IdentifierCrypto(config.secret)),
    audit: new AuditTrailService(db),
    signatures,
    sealer,
    specifications: new SpecificationService(db, auth, signatures),
    batches: new BatchService(db, auth, signatures),
    cellBank: new CellBankService(db),
    charts: new ChartService(db),
    async close() {
      await sealer.stop();
      await sealer.flush();
      await database.close();
    },
  };
}
