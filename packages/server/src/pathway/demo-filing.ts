import { randomUUID } from 'node:crypto';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { GENE_THERAPY_CRITERIA } from '@cgtlink/domain/pathway/eligibility';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { Schema } from '../db/schema';
import { asSystem } from '../db/scoped';
import { contentHash } from '../signatures/signature.service';
import { decisionContent } from './filing.service';

/** The demo's product code for the autologous gene therapy (ISBT 128 data structure 003 form; invented). */
export const DEMO_PRODUCT_CODE = 'S1234A00';

/**
 * The demo world's approved filing: an autologous gene-modified HSC therapy for transfusion-dependent
 * β-thalassaemia at NSH, sponsored by NS-GENE, released by GBA-SCB — filed by dr.zhou and approved by the
 * inspector, each decision signed, with consent document version 1. All names and numbers are invented.
 */
export async function seedDemoFiling(db: Kysely<Schema>): Promise<void> {
  await asSystem(db, async (tx) => {
    const org = async (code: string) =>
      (await tx.selectFrom('organization').select('id').where('code', '=', code).executeTakeFirstOrThrow())
        .id;
    const user = async (username: string) =>
      tx
        .selectFrom('app_user')
        .select(['id', 'display_name', 'role', 'organization_id'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
    const physician = await user('dr.zhou');
    const inspector = await user('inspector');
    const filing = await tx
      .insertInto('filing')
      .values({
        reference: 'F-2026-NSGT01',
        hospital_id: await org('NSH'),
        sponsor_id: await org('NS-GENE'),
        laboratory_id: await org('GBA-SCB'),
        technology: 'autologous_gene_hsc',
        indication: 'Transfusion-dependent β-thalassaemia (non-β0/β0 and β0/β0), age 4–50',
        product_name: 'NSG-101 autologous CD34+ cells transduced with a βA-T87Q lentiviral vector',
        product_code: DEMO_PRODUCT_CODE,
        specification_version: 'SPEC-NSG101 v1.2',
        protocol_version: 'NSG-101-CT01 v2.0',
        ethics_approval_ref: 'NSH-EC-2026-017',
        target_enrolment: 12,
        criteria: canonicalJson(GENE_THERAPY_CRITERIA),
        created_by: physician.id,
        status: 'approved',
        version: 3,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const steps = [
      {
        signer: physician,
        decision: 'submit',
        from: null,
        to: 'submitted',
        meaning: 'authored',
        comment: null,
      },
      {
        signer: inspector,
        decision: 'approve',
        from: 'submitted',
        to: 'approved',
        meaning: 'approved',
        comment: '材料齐全，同意备案。',
      },
    ] as const;
    for (const s of steps) {
      const decision = {
        id: randomUUID(),
        filing_id: filing.id,
        decision: s.decision,
        from_status: s.from,
        to_status: s.to,
        comment: s.comment,
        actor_user_id: s.signer.id,
        actor_name: s.signer.display_name,
        organization_id: s.signer.organization_id,
        signature_id: null,
        decided_at: new Date(),
      };
      const signature = await tx
        .insertInto('signature')
        .values({
          entity_type: 'filing_decision',
          entity_id: decision.id,
          meaning: s.meaning,
          signer_user_id: s.signer.id,
          organization_id: s.signer.organization_id,
          printed_name: s.signer.display_name,
          role: s.signer.role,
          content_hash: contentHash(decisionContent(decision, filing)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('filing_decision')
        .values({ ...decision, signature_id: signature.id })
        .execute();
    }
    await tx
      .insertInto('consent_document')
      .values({
        filing_id: filing.id,
        version: 1,
        title: 'NSG-101 临床应用知情同意书 v1 / Informed consent v1',
        body: '本人（或监护人）已被告知 NSG-101 自体基因修饰造血干细胞治疗的目的、流程、风险与获益，自愿参加，并可随时撤回同意。',
        created_by: physician.id,
      })
      .execute();
    await appendAudit(
      tx,
      { system: 'demo seed' },
      {
        action: 'create',
        entityType: 'filing',
        entityId: filing.id,
        newValues: { reference: filing.reference, status: 'approved' },
      },
    );
  });
}
