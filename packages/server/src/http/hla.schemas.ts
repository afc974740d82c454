import { MATCH_LOCI } from '@cgtlink/domain/hla/match';
import { z } from 'zod';
import {
  ABO_GROUPS,
  CMV_STATUSES,
  DONOR_SEXES,
  RELATIONS,
  TYPING_METHODS,
  TYPING_RESOLUTIONS,
} from '../hla/donor.service';

/** API contract of HLA typings, donors, the family work-up and the registry search (issue 5). */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Locus = z.enum(MATCH_LOCI);
const Pair = z.tuple([z.string(), z.string()]);
/** A genotype as the domain returns it (read-only pair). */
const ReadonlyPair = z.tuple([z.string(), z.string()]).readonly();

export const PatientIdParams = z.object({ patientId: z.uuid() });
export const DonorIdParams = z.object({ donorId: z.uuid() });
export const TypingIdParams = z.object({ typingId: z.uuid() });

export const ReferenceStatusOut = z.object({
  loaded: z.boolean(),
  directory: z.string(),
  version: z.string().nullable(),
  message: z.string().nullable(),
  indexedDonors: z.number().int().nullable(),
});

export const TypingBody = z.strictObject({
  glString: z
    .string()
    .trim()
    .min(1)
    .max(20000)
    .describe('GL String as reported, e.g. A*01:01+A*02:01^B*08:01+B*07:02'),
  typingLab: z.string().trim().min(1).max(200),
  method: z.enum(TYPING_METHODS),
  resolution: z.enum(TYPING_RESOLUTIONS),
  typedOn: IsoDate,
});
export const TypingCorrection = TypingBody.extend({
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(1000),
});

export const ReducedOut = z.object({
  lgx: z.string(),
  serology: z.string().nullable(),
  loci: z.partialRecord(Locus, Pair),
  ambiguous: z.array(z.string()),
});
export const TypingOut = z.object({
  id: z.string(),
  subject: z.enum(['patient', 'donor']),
  patientId: z.string().nullable(),
  donorId: z.string().nullable(),
  glString: z.string(),
  releaseVersion: z.string(),
  reduced: ReducedOut,
  typingLab: z.string(),
  method: z.string(),
  resolution: z.string(),
  typedOn: z.string(),
  status: z.string(),
  correctionReason: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
});

const Antibody = z.strictObject({
  specificity: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .describe('allele (A*24:02), allele group (A*24) or antigen (A24)'),
  mfi: z.number().finite().min(0).max(100000),
});

const DonorFields = {
  sex: z.enum(DONOR_SEXES),
  birthDate: IsoDate,
  abo: z.enum(ABO_GROUPS).optional(),
  cmv: z.enum(CMV_STATUSES).optional(),
  parity: z.number().int().min(0).max(30).nullish(),
  dsa: z.array(Antibody).max(50).optional(),
};

export const RelatedDonorCreate = z.strictObject({
  relation: z.enum(RELATIONS),
  name: z.string().trim().min(1).max(100),
  ...DonorFields,
  typing: TypingBody.optional(),
});
export const UnrelatedDonorCreate = z.strictObject({
  registry: z.string().trim().min(1).max(40),
  registryDonorId: z.string().trim().min(1).max(60),
  ...DonorFields,
  typing: TypingBody.optional(),
});
export const DonorPatch = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(100).optional(),
  relation: z.enum(RELATIONS).optional(),
  sex: z.enum(DONOR_SEXES).optional(),
  birthDate: IsoDate.optional(),
  abo: z.enum(ABO_GROUPS).optional(),
  cmv: z.enum(CMV_STATUSES).optional(),
  parity: z.number().int().min(0).max(30).nullish(),
  dsa: z.array(Antibody).max(50).optional(),
  status: z.enum(['active', 'inactive']).optional(),
});

export const DonorOut = z.object({
  id: z.string(),
  donorNo: z.number().int(),
  kind: z.enum(['related', 'unrelated']),
  hospitalId: z.string().nullable(),
  patientId: z.string().nullable(),
  relation: z.string().nullable(),
  name: z.string().nullable(),
  registry: z.string().nullable(),
  registryDonorId: z.string().nullable(),
  sex: z.string(),
  birthDate: z.string().nullable(),
  birthYear: z.number().int(),
  age: z.number().int(),
  abo: z.string(),
  cmv: z.string(),
  parity: z.number().int().nullable(),
  dsa: z.array(z.object({ specificity: z.string(), mfi: z.number() })),
  status: z.string(),
  version: z.number().int(),
  typing: TypingOut.nullable(),
});

const PatientSource = z.union([
  z.strictObject({ patientId: z.uuid() }),
  z.strictObject({ glString: z.string().trim().min(1).max(20000) }),
]);

export const SearchBody = z.strictObject({
  patient: PatientSource.describe('the patient record (its current typing) or a GL String'),
  maxMismatches: z.number().int().min(0).max(12),
  loci: z.array(Locus).min(1).max(6).optional(),
  patientCmv: z.enum(CMV_STATUSES).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  filters: z
    .strictObject({
      minAge: z.number().int().min(0).max(255).optional(),
      maxAge: z.number().int().min(0).max(255).optional(),
      sex: z.array(z.enum(DONOR_SEXES)).optional(),
      cmv: z.array(z.enum(CMV_STATUSES)).optional(),
      abo: z.array(z.enum(ABO_GROUPS)).optional(),
      registries: z.array(z.string().min(1).max(40)).optional(),
    })
    .optional(),
});

const LocusHit = z.object({
  locus: z.string(),
  gvh: z.number().int(),
  hvg: z.number().int(),
  mismatches: z.number().int(),
  untyped: z.boolean(),
});
export const SearchOut = z.object({
  releaseVersion: z.string(),
  indexedDonors: z.number().int(),
  patientTyping: z.partialRecord(Locus, Pair),
  loci: z.array(z.string()),
  hits: z.array(
    z.object({
      position: z.number().int(),
      donorId: z.string(),
      registryDonorId: z.string().nullable(),
      donorNo: z.number().int(),
      mismatches: z.number().int(),
      gvh: z.number().int(),
      hvg: z.number().int(),
      dpb1: z.enum(['match', 'permissive', 'unknown', 'non-permissive']),
      age: z.number().int(),
      sex: z.string(),
      cmv: z.string(),
      abo: z.string(),
      registry: z.string(),
      loci: z.array(LocusHit),
    }),
  ),
});

export const MatchBody = z.strictObject({ patient: PatientSource, donorId: z.uuid() });

const Outcome = z.object({
  patient: Pair,
  donor: Pair,
  gvh: z.number().int(),
  hvg: z.number().int(),
  mismatches: z.number().int(),
  direction: z.enum(['none', 'GvH', 'HvG', 'bidirectional']),
  gvhLevels: z.array(z.enum(['allele', 'antigen'])),
  hvgLevels: z.array(z.enum(['allele', 'antigen'])),
  tce: z
    .enum(['match', 'permissive', 'non-permissive-GvH', 'non-permissive-HvG', 'unknown'])
    .optional()
    .describe('DPB1 T-cell-epitope permissiveness (DPB1 only)'),
});
const Grade = z.object({
  of8: z.number().int().optional(),
  of10: z.number().int().optional(),
  of12: z.number().int().optional(),
});
export const MatchOut = z.object({
  releaseVersion: z.string(),
  patientGlString: z.string(),
  donorGlString: z.string(),
  donor: DonorOut,
  loci: z.array(
    z.object({
      locus: z.string(),
      typed: z.boolean(),
      ambiguous: z.boolean(),
      best: Outcome.optional(),
      worst: Outcome.optional(),
    }),
  ),
  best: Grade,
  worst: Grade,
});

export const WorkupQuery = z.strictObject({
  patientAbo: z.enum(['O', 'A', 'B', 'AB']).optional(),
  patientCmv: z.enum(['pos', 'neg']).optional(),
  policy: z.enum(['ebmt', 'china']).optional(),
});

const Criterion = z.object({
  name: z.string(),
  value: z.string(),
  rank: z.number(),
  verdict: z.enum(['preferred', 'acceptable', 'caution', 'avoid', 'unknown']),
  note: z.string(),
});
export const WorkupOut = z.object({
  releaseVersion: z.string(),
  patientTyping: TypingOut,
  donors: z.array(DonorOut),
  excluded: z.array(z.object({ donorId: z.string(), reason: z.string() })),
  antibodies: z.array(z.object({ specificity: z.string(), mfi: z.number() })),
  haplotypes: z.object({
    labels: z.tuple([z.string(), z.string()]),
    haplotypes: z.tuple([z.record(z.string(), z.string()), z.record(z.string(), z.string())]),
    phase: z.record(z.string(), z.string()),
    notes: z.array(z.string()),
  }),
  relatives: z.array(
    z.object({
      id: z.string(),
      relation: z.string(),
      classification: z.enum(['HLA-identical', 'haploidentical', 'mismatched', 'undetermined']),
      sharedHaplotypes: z.array(z.number().int()),
      loci: z.array(
        z.object({
          locus: z.string(),
          relative: ReadonlyPair.optional(),
          patient: ReadonlyPair.optional(),
          identical: z.boolean().optional(),
        }),
      ),
      reasons: z.array(z.string()),
    }),
  ),
  ranking: z.array(
    z.object({
      id: z.string(),
      relation: z.string(),
      classification: z.string(),
      position: z.number().int(),
      criteria: z.array(Criterion),
    }),
  ),
});
