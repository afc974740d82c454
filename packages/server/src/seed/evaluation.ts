import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { expeditedClock } from '@cgtlink/domain/followup/expedited';
import { GENE_THERAPY_CRITERIA } from '@cgtlink/domain/pathway/eligibility';
import { appendAudit } from '../audit/audit-log';
import { asSystem } from '../db/scoped';
import type { Platform } from '../platform';

/**
 * The evaluation centre's demonstration data on top of the follow-up cohort: each cohort product is linked to
 * a filing (the approved NSG-101 filing, a second NS-GENE filing for the v2 vector, and NBCH's haploidentical
 * transplant filing), and a few patients die during follow-up (a fatal adverse event with its cause; records
 * after the death are removed), so that survival, competing risks and death causes show real figures.
 * Deterministic (seeded PRNG over the enrolments in infusion order). All names and numbers are invented.
 */
export async function seedEvaluationCohort(platform: Platform): Promise<void> {
  let a = 20261123;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  await asSystem(platform.database.db, async (tx) => {
    const org = async (code: string) =>
      (await tx.selectFrom('organization').select('id').where('code', '=', code).executeTakeFirstOrThrow())
        .id;
    const user = async (username: string) =>
      (
        await tx
          .selectFrom('app_user')
          .select('id')
          .where('username', '=', username)
          .executeTakeFirstOrThrow()
      ).id;
    const first = await tx
      .selectFrom('filing')
      .select(['id'])
      .where('reference', '=', 'F-2026-NSGT01')
      .executeTakeFirstOrThrow();
    const common = {
      laboratory_id: await org('GBA-SCB'),
      specification_version: 'SPEC-NSG101 v1.2',
      ethics_approval_ref: 'NSH-EC-2026-031',
      target_enrolment: 150,
      criteria: canonicalJson(GENE_THERAPY_CRITERIA),
      status: 'approved',
    };
    const second = await tx
      .insertInto('filing')
      .values({
        ...common,
        reference: 'F-2026-NSGT02',
        hospital_id: await org('NSH'),
        sponsor_id: await org('NS-GENE'),
        technology: 'autologous_gene_hsc',
        indication: 'Transfusion-dependent β-thalassaemia, age 4–35 (second-generation vector)',
        product_name: 'NSG-102 autologous CD34+ cells, second-generation βA-T87Q lentiviral vector',
        product_code: 'S1235A00',
        protocol_version: 'NSG-102-CT01 v1.0',
        created_by: await user('dr.zhou'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const haplo = await tx
      .insertInto('filing')
      .values({
        ...common,
        reference: 'F-2026-NBCH-H01',
        hospital_id: await org('NBCH'),
        sponsor_id: null,
        technology: 'haploidentical_hsct',
        indication: 'Transfusion-dependent β-thalassaemia, haploidentical donor, age 2–18',
        product_name: 'Haploidentical G-CSF-mobilised peripheral blood stem cells',
        product_code: 'S2001A00',
        protocol_version: 'NBCH-HAPLO v3.1',
        specification_version: 'SPEC-PBSC v2.0',
        ethics_approval_ref: 'NBCH-EC-2025-009',
        created_by: await user('dr.he'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const byProduct: Record<string, string> = {
      'NS-β-globin LVV CD34+': first.id,
      'NS-β-globin LVV CD34+ v2': second.id,
      'Haploidentical HSCT (PBSC)': haplo.id,
    };
    for (const [product, filingId] of Object.entries(byProduct)) {
      await tx
        .updateTable('followup_enrolment')
        .set({ filing_id: filingId })
        .where('product_name', '=', product)
        .execute();
    }
    const enrolments = await tx
      .selectFrom('followup_enrolment')
      .select(['patient_id', 'hospital_id', 'product_name', 'protocol', 'infusion_date'])
      .orderBy('infusion_date')
      .orderBy('product_name')
      .execute();
    const today = new Date().toISOString().slice(0, 10);
    let deaths = 0;
    for (const e of enrolments) {
      const infusion =
        typeof e.infusion_date === 'string'
          ? e.infusion_date
          : new Date(e.infusion_date).toISOString().slice(0, 10);
      const follow = Math.floor((Date.parse(today) - Date.parse(infusion)) / 86_400_000);
      const allo = e.protocol === 'allogeneic-hsct';
      if (follow < 30 || random() >= (allo ? 0.12 : 0.04)) continue;
      const day = 20 + Math.floor(random() * Math.min(follow - 20, allo ? 400 : 1500));
      const died = new Date(Date.parse(infusion) + day * 86_400_000).toISOString().slice(0, 10);
      const cause = allo
        ? random() < 0.5
          ? 'Acute GVHD'
          : 'Sepsis'
        : random() < 0.5
          ? 'Sepsis'
          : 'Veno-occlusive disease';
      await tx
        .deleteFrom('observation')
        .where('patient_id', '=', e.patient_id)
        .where('observed_on', '>', died)
        .execute();
      await tx
        .deleteFrom('transfusion')
        .where('patient_id', '=', e.patient_id)
        .where('given_on', '>', died)
        .execute();
      await tx
        .deleteFrom('adverse_event')
        .where('patient_id', '=', e.patient_id)
        .where('onset_date', '>=', died)
        .execute();
      await tx
        .deleteFrom('followup_visit')
        .where('patient_id', '=', e.patient_id)
        .where('due_date', '>', died)
        .execute();
      const clock = expeditedClock({
        seriousness: ['death'],
        causalityProduct: 'possible',
        causalityProcedure: 'unrelated',
        expected: false,
        awarenessDate: died,
      });
      await tx
        .insertInto('adverse_event')
        .values({
          patient_id: e.patient_id,
          hospital_id: e.hospital_id,
          product_name: e.product_name,
          term: cause,
          ctcae_term: cause,
          grade: 5,
          onset_date: died,
          resolution_date: died,
          seriousness: JSON.stringify(['death']),
          serious: true,
          causality_product: 'possible',
          causality_procedure: 'unrelated',
          expected: false,
          outcome: 'fatal',
          awareness_date: died,
          expedited_required: clock.required,
          expedited_days: clock.days,
          expedited_due: clock.dueDate,
          expedited_submitted_on: clock.dueDate,
        })
        .execute();
      await tx
        .updateTable('followup_enrolment')
        .set({ status: 'deceased' })
        .where('patient_id', '=', e.patient_id)
        .execute();
      deaths++;
    }
    await appendAudit(
      tx,
      { system: 'demo seed' },
      {
        action: 'create',
        entityType: 'evaluation-demo',
        entityId: second.id,
        newValues: { filings: Object.values(byProduct), deaths },
      },
    );
  });
}
