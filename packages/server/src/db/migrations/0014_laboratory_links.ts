import { type Kysely, sql } from 'kysely';

/**
 * Binds an autologous batch to the pathway (issue 7 on top of issue 6): the therapy whose chain of identity it
 * carries and the collection whose DIN the laboratory scanned on receipt. The release check then reads the
 * pathway's own custody and temperature records (the inbound leg's excursion deviation) instead of a flag kept
 * on the batch. The constraints hold for rows written from now on (NOT VALID): batches received before this
 * migration keep their text-only link.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE batch ADD COLUMN therapy_id uuid REFERENCES therapy(id);
ALTER TABLE batch ADD COLUMN collection_id uuid REFERENCES collection(id);
ALTER TABLE batch ADD CONSTRAINT batch_autologous_linked
  CHECK (kind <> 'autologous' OR (therapy_id IS NOT NULL AND collection_id IS NOT NULL)) NOT VALID;
ALTER TABLE batch ADD CONSTRAINT batch_allogeneic_unlinked
  CHECK (kind <> 'allogeneic' OR (therapy_id IS NULL AND collection_id IS NULL)) NOT VALID;
CREATE INDEX batch_therapy_idx ON batch (therapy_id);
-- One batch in process or released per collection: a second receipt of the same bag is refused.
CREATE UNIQUE INDEX batch_collection_open_idx ON batch (collection_id) WHERE status <> 'rejected';
`)
    .execute(db);
}
