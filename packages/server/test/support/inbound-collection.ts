import { dinCheckCharacter } from '@cgtlink/domain/isbt128/index';
import { asSystem } from '../../src/db/scoped';
import type { TestPlatform } from './platform';

/** Hand-offs before the laboratory's receipt, in the pathway's custody order (collection → courier → lab). */
const HANDED_TO_LABORATORY = [
  ['collection', 'out', 'dr.zhou'],
  ['courier_to_lab', 'in', 'dr.zhou'],
  ['courier_to_lab', 'out', 'analyst.wu'],
] as const;

export interface InboundTherapy {
  therapyId: string;
  patientId: string;
  pseudonym: string;
  chainOfIdentity: string;
}

export interface InboundCollection extends InboundTherapy {
  din: string;
  /** The DIN as scanned: 13 characters and the ISO/IEC 7064 MOD 37-2 check character. */
  scanned: string;
}

/**
 * The pathway state a laboratory receipt starts from, written as the pathway would have left it (issue 6's own
 * tests walk that path through its API): an enrolled therapy on the demo filing (NSH → GBA-SCB) for one NSH
 * patient. `addInboundCollection` adds an apheresis collection with its DIN and the custody scans up to the
 * courier's hand-over to the laboratory (`handedOver: false` stops after the collection is scanned out).
 */
export async function seedInboundTherapy(
  t: TestPlatform,
  input: { patientIndex: number; chainOfIdentity: string },
): Promise<InboundTherapy> {
  return asSystem(t.platform.database.db, async (tx) => {
    const filing = await tx
      .selectFrom('filing')
      .select(['id', 'hospital_id', 'laboratory_id', 'technology'])
      .where('reference', '=', 'F-2026-NSGT01')
      .executeTakeFirstOrThrow();
    const document = await tx
      .selectFrom('consent_document')
      .select(['id', 'version'])
      .where('filing_id', '=', filing.id)
      .executeTakeFirstOrThrow();
    const patients = await tx
      .selectFrom('patient')
      .select(['id', 'pseudonym'])
      .where('hospital_id', '=', filing.hospital_id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const patient = patients[input.patientIndex]!;
    const users = await tx
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name', 'organization_id'])
      .where('username', 'in', ['dr.zhou', 'analyst.wu'])
      .execute();
    const user = (name: string) => users.find((u) => u.username === name)!;
    const linked = {
      patient_id: patient.id,
      hospital_id: filing.hospital_id,
    };
    const consent = await tx
      .insertInto('consent')
      .values({
        ...linked,
        filing_id: filing.id,
        document_id: document.id,
        document_version: document.version,
        signed_by: 'guardian',
        signer_name_enc: 'fixture',
        signed_on: '2026-01-05',
        recorded_by: user('dr.zhou').id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const eligibility = await tx
      .insertInto('eligibility_assessment')
      .values({
        ...linked,
        filing_id: filing.id,
        input: '{}',
        result: '[]',
        all_met: true,
        assessed_by: user('dr.zhou').id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const therapy = await tx
      .insertInto('therapy')
      .values({
        ...linked,
        patient_pseudonym: patient.pseudonym,
        laboratory_id: filing.laboratory_id,
        filing_id: filing.id,
        technology: filing.technology,
        chain_of_identity: input.chainOfIdentity,
        consent_id: consent.id,
        eligibility_id: eligibility.id,
        state: 'apheresis',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return {
      therapyId: therapy.id,
      patientId: patient.id,
      pseudonym: patient.pseudonym,
      chainOfIdentity: input.chainOfIdentity,
    };
  });
}

export async function addInboundCollection(
  t: TestPlatform,
  therapy: InboundTherapy,
  input: { dinSerial: number; handedOver?: boolean },
): Promise<InboundCollection> {
  const din = `G123426${String(input.dinSerial).padStart(6, '0')}`;
  return asSystem(t.platform.database.db, async (tx) => {
    const row = await tx
      .selectFrom('therapy')
      .select(['id', 'patient_id', 'hospital_id', 'laboratory_id'])
      .where('id', '=', therapy.therapyId)
      .executeTakeFirstOrThrow();
    const users = await tx
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name', 'organization_id'])
      .where('username', 'in', ['dr.zhou', 'analyst.wu'])
      .execute();
    const user = (name: string) => users.find((u) => u.username === name)!;
    const seq = await tx
      .selectFrom('pathway_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('therapy_id', '=', row.id)
      .executeTakeFirstOrThrow();
    const therapyLinked = {
      therapy_id: row.id,
      patient_id: row.patient_id,
      hospital_id: row.hospital_id,
      laboratory_id: row.laboratory_id,
    };
    const event = await tx
      .insertInto('pathway_event')
      .values({
        ...therapyLinked,
        seq: Number(seq.n) + 1,
        step: 'apheresis',
        kind: 'step',
        occurred_at: '2026-11-10T02:00:00Z',
        actor_user_id: user('dr.zhou').id,
        actor_name: user('dr.zhou').display_name,
        organization_id: row.hospital_id,
        data: JSON.stringify({ din }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('collection')
      .values({
        ...therapyLinked,
        din,
        check_character: dinCheckCharacter(din),
        event_id: event.id,
        collected_at: '2026-11-10T02:00:00Z',
      })
      .execute();
    const scans = input.handedOver === false ? HANDED_TO_LABORATORY.slice(0, 1) : HANDED_TO_LABORATORY;
    for (const [i, [stage, direction, username]] of scans.entries()) {
      await tx
        .insertInto('custody_scan')
        .values({
          ...therapyLinked,
          din,
          seq: i + 1,
          stage,
          direction,
          actor_user_id: user(username).id,
          actor_name: user(username).display_name,
          organization_id: user(username).organization_id,
        })
        .execute();
    }
    return { ...therapy, din, scanned: `${din}${dinCheckCharacter(din)}` };
  });
}
