import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './migrations/0001_foundation';
import * as m0002 from './migrations/0002_pathway';
import * as m0003 from './migrations/0003_pathway_attachments';
import * as m0004 from './migrations/0004_patient_history';
import * as m0010 from './migrations/0010_laboratory';
import * as m0011 from './migrations/0011_followup';
import * as m0012 from './migrations/0012_hla';
import * as m0013 from './migrations/0013_followup_measures';
import * as m0014 from './migrations/0014_laboratory_links';
import * as m0015 from './migrations/0015_pathway_sources';
import * as m0020 from './migrations/0020_evaluation';
import * as m0021 from './migrations/0021_evaluation_scale';
import * as m0022 from './migrations/0022_audit_digest';
import * as m0023 from './migrations/0023_evaluation_outcome';
import * as m0026 from './migrations/0026_pro_alert';
import * as m0027 from './migrations/0027_safety_monitoring';
import * as m0028 from './migrations/0028_restorable_functions';

/**
 * Forward-only, versioned migrations. A new file is added at the end of this list; a migration that has run
 * is never edited. There is no `down`: a mistake is corrected by a new migration.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_pathway': m0002,
  '0003_pathway_attachments': m0003,
  '0004_patient_history': m0004,
  '0010_laboratory': m0010,
  '0011_followup': m0011,
  '0012_hla': m0012,
  '0013_followup_measures': m0013,
  '0014_laboratory_links': m0014,
  '0015_pathway_sources': m0015,
  '0020_evaluation': m0020,
  '0021_evaluation_scale': m0021,
  '0022_audit_digest': m0022,
  '0023_evaluation_outcome': m0023,
  '0026_pro_alert': m0026,
  '0027_safety_monitoring': m0027,
  '0028_restorable_functions': m0028,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrationReport {
  applied: string[];
  pending: number;
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: false });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).map((r) => r.migrationName), pending: 0 };
}
