import type { Principal } from '@cgtlink/domain/access/index';
import { MATCH_LOCI, type MatchLocus } from '@cgtlink/domain/hla/match';
import { lgxAllelePools, mulberry32, syntheticDonors } from '@cgtlink/domain/hla/registry/synthetic';
import { appendAudit } from '../audit/audit-log';
import { asSystem } from '../db/scoped';
import type { TypingInput } from '../hla/donor.service';
import type { ReducedTyping } from '../hla/reference';
import type { Platform } from '../platform';

/**
 * The HLA part of the demo world: typings for a thalassemia patient (李小明, NSH) and the family of related
 * donors a physician would work up, and a synthetic unrelated registry (domain generator; made-up frequencies)
 * with a few hand-made donors close to the patient so that a search finds something to explain. All invented.
 * Skipped, with a note, when the IPD-IMGT/HLA release is not loaded.
 */

// Haplotypes (A~C~B~DRB1~DQB1) of the demo family, as lgx names of release 3.58.0.
const HAPLOTYPES = {
  // Father: a / b; mother: c / d; the patient inherited a (paternal) and c (maternal).
  a: ['A*11:01', 'C*07:02', 'B*40:01', 'DRB1*09:01', 'DQB1*03:03'],
  b: ['A*24:02', 'C*03:04', 'B*13:01', 'DRB1*12:02', 'DQB1*03:01'],
  c: ['A*02:07', 'C*01:02', 'B*46:01', 'DRB1*08:03', 'DQB1*06:01'],
  d: ['A*33:03', 'C*03:02', 'B*58:01', 'DRB1*03:01', 'DQB1*02:01'],
} as const;
const HAPLOTYPE_LOCI = ['A', 'C', 'B', 'DRB1', 'DQB1'] as const;

/** A GL String of two haplotypes (and optionally a DPB1 genotype). */
export function familyGl(
  h1: readonly string[],
  h2: readonly string[],
  dpb1?: readonly [string, string],
): string {
  const loci = HAPLOTYPE_LOCI.map((_, i) => `${h1[i]}+${h2[i]}`);
  if (dpb1) loci.push(`${dpb1[0]}+${dpb1[1]}`);
  return loci.join('^');
}

const PATIENT_GL = familyGl(HAPLOTYPES.a, HAPLOTYPES.c, ['DPB1*05:01', 'DPB1*02:01']);

const FAMILY = [
  {
    relation: 'father',
    name: '李建华',
    sex: 'M',
    birthDate: '1983-04-12',
    abo: 'A',
    cmv: 'pos',
    gl: familyGl(HAPLOTYPES.a, HAPLOTYPES.b, ['DPB1*05:01', 'DPB1*04:01']),
  },
  {
    relation: 'mother',
    name: '陈秀兰',
    sex: 'F',
    birthDate: '1985-09-03',
    abo: 'O',
    cmv: 'pos',
    parity: 2,
    gl: familyGl(HAPLOTYPES.c, HAPLOTYPES.d, ['DPB1*02:01', 'DPB1*13:01']),
  },
  {
    relation: 'sibling',
    name: '李小红',
    sex: 'F',
    birthDate: '2008-06-20',
    abo: 'A',
    cmv: 'neg',
    parity: 0,
    gl: familyGl(HAPLOTYPES.b, HAPLOTYPES.c, ['DPB1*04:01', 'DPB1*02:01']),
  },
  {
    relation: 'sibling',
    name: '李小刚',
    sex: 'M',
    birthDate: '2015-01-30',
    abo: 'O',
    cmv: 'neg',
    gl: familyGl(HAPLOTYPES.b, HAPLOTYPES.d, ['DPB1*04:01', 'DPB1*13:01']),
  },
] as const;

/** Hand-made registry donors near the demo patient: a 10/10 match, one B mismatch, one DRB1 mismatch. */
const NEAR_DONORS = [
  { id: 'CMDP-0000001', sex: 'M', age: 24, abo: 'A', cmv: 'neg', gl: PATIENT_GL },
  {
    id: 'CMDP-0000002',
    sex: 'F',
    age: 31,
    abo: 'O',
    cmv: 'pos',
    gl: familyGl(
      HAPLOTYPES.a,
      ['A*02:07', 'C*01:02', 'B*13:01', 'DRB1*08:03', 'DQB1*06:01'],
      ['DPB1*05:01', 'DPB1*04:01'],
    ),
  },
  {
    id: 'TCSC-0000003',
    sex: 'M',
    age: 38,
    abo: 'B',
    cmv: 'neg',
    gl: familyGl(HAPLOTYPES.c, ['A*11:01', 'C*07:02', 'B*40:01', 'DRB1*12:02', 'DQB1*03:03']),
  },
] as const;

const LAB = '南沙医院 HLA 实验室 Nansha Hospital HLA laboratory';

function typing(glString: string, typedOn: string): TypingInput {
  return { glString, typingLab: LAB, method: 'NGS', resolution: 'high', typedOn };
}

/** The demo registry size: CGTLINK_DEMO_REGISTRY (0 turns it off), default 20,000. */
export function demoRegistrySize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CGTLINK_DEMO_REGISTRY;
  const n = raw === undefined || raw === '' ? 20_000 : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new Error('CGTLINK_DEMO_REGISTRY must be an integer 0–1000000');
  return n;
}

function isoYearsAgo(today: string, years: number, random: () => number): string {
  const year = Number(today.slice(0, 4)) - years - 1;
  const dayOfYear = Math.floor(random() * 360);
  const date = new Date(Date.UTC(year, 0, 1) + dayOfYear * 86_400_000);
  return date.toISOString().slice(0, 10);
}

/** Seeds the demo family through the services (as the patient's physician) and `registry` synthetic donors. */
export async function seedHla(
  platform: Platform,
  physician: Principal,
  patientId: string,
  options: { registry?: number } = {},
): Promise<{ seeded: boolean; registry: number }> {
  if (!platform.hlaReference.status().loaded) return { seeded: false, registry: 0 };
  const ctx = { principal: physician, requestId: 'demo-seed' };
  await platform.donors.addPatientTyping(ctx, patientId, typing(PATIENT_GL, '2026-01-08'));
  for (const member of FAMILY) {
    await platform.donors.addRelatedDonor(ctx, {
      patientId,
      relation: member.relation,
      name: member.name,
      sex: member.sex,
      birthDate: member.birthDate,
      abo: member.abo,
      cmv: member.cmv,
      ...('parity' in member ? { parity: member.parity } : {}),
      // The patient's anti-HLA antibodies (single-antigen beads), recorded on the donor they were tested against.
      ...(member.relation === 'father' ? { dsa: [{ specificity: 'A*24:02', mfi: 6200 }] } : {}),
      typing: typing(member.gl, '2026-01-15'),
    });
  }
  const count = await seedRegistry(platform, options.registry ?? 0);
  return { seeded: true, registry: count };
}

/** Bulk-loads a registry (system work, as a registry import would be) and drops the server's stale index. */
export async function seedRegistry(
  platform: Platform,
  size: number,
  options: { near?: boolean } = {},
): Promise<number> {
  const release = platform.hlaReference.get();
  const { db } = platform.database;
  const today = new Date().toISOString().slice(0, 10);
  const random = mulberry32(2026);
  const rows: {
    registry: string;
    registryDonorId: string;
    sex: string;
    birthDate: string;
    abo: string;
    cmv: string;
    gl: string;
    loci: Partial<Record<MatchLocus, [string, string]>>;
  }[] = (options.near === false ? [] : NEAR_DONORS).map((d) => {
    const loci: Partial<Record<MatchLocus, [string, string]>> = {};
    for (const part of d.gl.split('^')) {
      const [x, y] = part.split('+') as [string, string];
      loci[x.split('*')[0] as MatchLocus] = [x, y];
    }
    return {
      registry: d.id.slice(0, 4),
      registryDonorId: d.id,
      sex: d.sex,
      birthDate: isoYearsAgo(today, d.age, random),
      abo: d.abo,
      cmv: d.cmv,
      gl: d.gl,
      loci,
    };
  });
  if (size > 0) {
    const registries = ['CMDP', 'TCSC', 'HKBMDR', 'DKMS'];
    let n = 0;
    for (const donor of syntheticDonors({
      donors: size,
      seed: 5,
      alleles: lgxAllelePools(release),
      registries,
    })) {
      const loci = donor.typing as Partial<Record<MatchLocus, [string, string]>>;
      rows.push({
        registry: donor.registry,
        registryDonorId: `${donor.registry}-S${String(++n).padStart(7, '0')}`,
        sex: donor.sex,
        birthDate: isoYearsAgo(today, donor.age, random),
        abo: donor.abo,
        cmv: donor.cmv,
        gl: MATCH_LOCI.filter((l) => loci[l])
          .map((l) => `${loci[l]?.[0]}+${loci[l]?.[1]}`)
          .join('^'),
        loci,
      });
    }
  }
  const BATCH = 2000;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    await asSystem(db, async (tx) => {
      const ids = await tx
        .insertInto('donor')
        .values(
          batch.map((r) => ({
            kind: 'unrelated',
            hospital_id: null,
            registry: r.registry,
            registry_donor_id: r.registryDonorId,
            sex: r.sex,
            birth_date: r.birthDate,
            abo: r.abo,
            cmv: r.cmv,
            dsa: '[]',
          })),
        )
        .returning('id')
        .execute();
      await tx
        .insertInto('hla_typing')
        .values(
          batch.map((r, i) => {
            const reduced: ReducedTyping = { lgx: r.gl, serology: null, loci: r.loci, ambiguous: [] };
            return {
              subject: 'donor',
              donor_id: ids[i]?.id as string,
              hospital_id: null,
              shared: true,
              gl_string: r.gl,
              release_version: release.version,
              reduced: JSON.stringify(reduced),
              typing_lab: 'registry (synthetic demo data)',
              method: 'NGS',
              resolution: 'high',
              typed_on: '2025-06-30',
            };
          }),
        )
        .execute();
      await appendAudit(
        tx,
        { system: 'demo seed' },
        {
          action: 'create',
          entityType: 'donor',
          entityId: null,
          newValues: { registryImport: batch.length, first: batch[0]?.registryDonorId ?? null },
        },
      );
    });
  }
  // The server's index is rebuilt from the records on its next use (or when the HTTP app starts).
  platform.registry.reset();
  return rows.length;
}
