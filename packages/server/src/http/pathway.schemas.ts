import { FILING_DECISIONS } from '@cgtlink/domain/pathway/filing-status';
import { DONOR_RELATIONS } from '@cgtlink/domain/pathway/sources';
import { TECHNOLOGIES } from '@cgtlink/domain/pathway/tables';
import { z } from 'zod';
import { Uuid } from './schemas';

/** API contract of filings, consent, eligibility, enrolment and the pathway (issue 6). */
const IsoDate = z.iso.date();
const IsoDateTime = z.iso.datetime({ offset: true });
const Password = z.string().min(1).max(256);
const ProductCode = z
  .string()
  .regex(/^[A-Z][0-9]{4}[A-Z0-9]{3}$/, 'ISBT 128 product code: a letter, 4 digits, 3 letters or digits');
const ScannedDin = z.string().trim().min(1).max(40);
const Base64 = z
  .string()
  .max(700_000)
  .regex(/^[A-Za-z0-9+/=\s]*$/, 'base64');

export const Technology = z.enum(TECHNOLOGIES);
export const Criteria = z.strictObject({
  ageMinYears: z.number().int().min(0).max(120),
  ageMaxYears: z.number().int().min(0).max(120),
  requireTransfusionDependence: z.boolean(),
  minCardiacT2StarMs: z.number().positive().optional(),
  maxLicMgG: z.number().positive().optional(),
  maxTransaminaseTimesUln: z.number().positive().optional(),
  minEgfr: z.number().positive().optional(),
});

export const FilingCreate = z.strictObject({
  sponsorId: Uuid.nullable().optional(),
  laboratoryId: Uuid,
  technology: Technology,
  indication: z.string().trim().min(1).max(300),
  productName: z.string().trim().min(1).max(200),
  productCode: ProductCode,
  specificationVersion: z.string().trim().min(1).max(50),
  protocolVersion: z.string().trim().min(1).max(50),
  ethicsApprovalRef: z.string().trim().min(1).max(100),
  ethicsDocument: z
    .strictObject({ name: z.string().trim().min(1).max(200), contentBase64: Base64 })
    .nullable()
    .optional(),
  storageMaxCelsius: z.number().min(-273).max(40).optional(),
  targetEnrolment: z.number().int().min(1).max(100_000),
  criteria: Criteria.optional(),
  password: Password,
});

export const FilingOut = z.object({
  id: z.string(),
  reference: z.string(),
  hospitalId: z.string(),
  sponsorId: z.string().nullable(),
  laboratoryId: z.string(),
  technology: Technology,
  indication: z.string(),
  productName: z.string(),
  productCode: z.string(),
  specificationVersion: z.string(),
  protocolVersion: z.string(),
  ethicsApprovalRef: z.string(),
  ethicsDocumentName: z.string().nullable(),
  ethicsDocumentSha256: z.string().nullable(),
  storageMaxCelsius: z.number(),
  targetEnrolment: z.number().int(),
  criteria: Criteria,
  status: z.enum(['submitted', 'returned', 'approved', 'suspended', 'closed']),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ConsentDocumentOut = z.object({
  id: z.string(),
  filingId: z.string(),
  version: z.number().int(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
});
export const FilingDetailOut = FilingOut.extend({
  decisions: z.array(
    z.object({
      id: z.string(),
      decision: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      comment: z.string().nullable(),
      actorName: z.string(),
      signatureId: z.string().nullable(),
      decidedAt: z.string(),
    }),
  ),
  consentDocuments: z.array(ConsentDocumentOut),
});
export const FilingDecisionBody = z.strictObject({
  decision: z.enum(FILING_DECISIONS),
  comment: z.string().trim().max(2000).nullable().optional(),
  version: z.number().int().positive(),
  password: Password,
});
export const ConsentDocumentCreate = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(100_000),
});

export const ConsentCreate = z.strictObject({
  filingId: Uuid,
  documentId: Uuid,
  signedBy: z.enum(['patient', 'guardian']),
  signerName: z.string().trim().min(1).max(100),
  signedOn: IsoDate,
  password: Password,
});
export const ConsentOut = z.object({
  id: z.string(),
  patientId: z.string(),
  filingId: z.string(),
  documentId: z.string(),
  documentVersion: z.number().int(),
  signedBy: z.enum(['patient', 'guardian']),
  signerName: z.string(),
  signedOn: z.string(),
  status: z.enum(['active', 'withdrawn']),
  withdrawnOn: z.string().nullable(),
  withdrawalReason: z.string().nullable(),
  signatureId: z.string().nullable(),
  version: z.number().int(),
});
export const ConsentWithdraw = z.strictObject({
  withdrawnOn: IsoDate,
  reason: z.string().trim().min(1).max(1000),
  version: z.number().int().positive(),
});

export const EligibilityBody = z.strictObject({
  filingId: Uuid,
  referenceDate: IsoDate,
  weightKg: z.number().positive().max(300).optional(),
  transfusions: z
    .array(
      z.strictObject({
        date: IsoDate,
        volumeMl: z.number().min(0).max(5000).optional(),
        weightKg: z.number().positive().optional(),
      }),
    )
    .max(2000)
    .optional(),
  cardiacT2StarMs: z.number().positive().max(200).optional(),
  licMgG: z.number().min(0).max(100).optional(),
  altUL: z.number().min(0).max(10_000).optional(),
  astUL: z.number().min(0).max(10_000).optional(),
  transaminaseUlnUL: z.number().positive().max(1000).optional(),
  egfr: z.number().min(0).max(300).optional(),
});
export const EligibilityOut = z.object({
  id: z.string(),
  patientId: z.string(),
  filingId: z.string(),
  allMet: z.boolean(),
  result: z.object({
    allMet: z.boolean(),
    criteria: z
      .array(
        z.object({
          id: z.string(),
          value: z.string(),
          verdict: z.enum(['met', 'not-met', 'missing']),
          reason: z.string(),
        }),
      )
      .readonly(),
  }),
  assessedAt: z.string(),
});

export const EnrolBody = z.strictObject({
  filingId: Uuid,
  eligibilityId: Uuid,
  consentId: Uuid,
  exceptionReason: z.string().trim().max(2000).nullable().optional(),
  password: Password,
});
export const EnrolmentOut = z.object({
  therapyId: z.string(),
  chainOfIdentity: z.string(),
  state: z.string(),
  version: z.number().int(),
  exception: z.object({ reason: z.string(), signatureId: z.string() }).nullable(),
});

export const TherapySummaryOut = z.object({
  id: z.string(),
  patientId: z.string(),
  patientPseudonym: z.string(),
  hospitalId: z.string(),
  laboratoryId: z.string(),
  filingId: z.string(),
  technology: Technology,
  chainOfIdentity: z.string(),
  consentStatus: z.string(),
  state: z.string(),
  version: z.number().int(),
  exceptionReason: z.string().nullable(),
  createdAt: z.string(),
});
const Problem = z.object({ code: z.string(), message: z.string() });
export const TherapyDetailOut = TherapySummaryOut.extend({
  entries: z.array(
    z.object({
      id: z.string(),
      seq: z.number().int(),
      step: z.string(),
      kind: z.enum(['step', 'correction']),
      correctsId: z.string().nullable(),
      occurredAt: z.string(),
      recordedAt: z.string(),
      actorName: z.string(),
      data: z.record(z.string(), z.unknown()),
      attachments: z.array(z.object({ name: z.string(), sha256: z.string() }).loose()),
      reason: z.string().nullable(),
      signatureId: z.string().nullable(),
    }),
  ),
  nextSteps: z.array(z.string()),
  collections: z.array(z.object({ din: z.string(), checkCharacter: z.string(), collectedAt: z.string() })),
  products: z.array(
    z.object({
      id: z.string(),
      din: z.string(),
      productCode: z.string(),
      expiresAt: z.string(),
      status: z.string(),
      releasedAt: z.string(),
      label: z.object({
        eyeReadableDin: z.string(),
        checkCharacter: z.string(),
        barcodeDin: z.string(),
        productCode: z.string(),
        expiresAt: z.string(),
        patient: z.string(),
        chainOfIdentity: z.string(),
      }),
    }),
  ),
  custody: z.array(
    z.object({
      din: z.string(),
      seq: z.number().int(),
      stage: z.string(),
      direction: z.string(),
      actorName: z.string(),
      scannedAt: z.string(),
    }),
  ),
  nextCustody: z.record(z.string(), z.string().nullable()),
  deviations: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      din: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()),
      status: z.string(),
      assessment: z.string().nullable(),
      createdAt: z.string(),
      version: z.number().int(),
    }),
  ),
  temperatureLogs: z.array(
    z.object({
      id: z.string(),
      din: z.string(),
      leg: z.string(),
      readings: z.number().int(),
      minCelsius: z.number().nullable(),
      maxCelsius: z.number().nullable(),
      limitCelsius: z.number(),
      excursions: z.number().int(),
      uploadedAt: z.string(),
    }),
  ),
  bedside: z.array(
    z.object({ id: z.string(), ok: z.boolean(), problems: z.array(Problem), verifiedAt: z.string() }),
  ),
  donor: z
    .object({
      code: z.string(),
      donorId: z.string().nullable(),
      relation: z.string(),
      hlaMatch: z.string(),
      consentedOn: z.string().nullable(),
      consentSignedBy: z.string().nullable(),
      eligibility: z.string(),
      markers: z.array(z.object({ test: z.string(), result: z.string() })),
      collectionDin: z.string().nullable(),
      version: z.number().int(),
    })
    .nullable(),
  lot: z
    .object({
      batchId: z.string(),
      batchReference: z.string(),
      batchProductCode: z.string(),
      workingBankId: z.string(),
      bankLot: z.string(),
      din: z.string(),
      allocatedAt: z.string(),
    })
    .nullable(),
});

export const StepBody = z.strictObject({
  step: z.string().min(1).max(64),
  expectedVersion: z.number().int().positive(),
  occurredAt: IsoDateTime.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  attachments: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(200), contentBase64: Base64 }))
    .max(10)
    .optional(),
  din: ScannedDin.optional(),
  /** donor_selection (allogeneic/haploidentical): the donor by pseudonymous family or registry code. */
  donor: z
    .strictObject({
      /** The donor record with HLA typings (related donor of this patient, or registry donor). */
      donorId: Uuid.optional(),
      /** Required without a donor record; derived from it otherwise (FAM-n, REG-n by the donor number). */
      code: z
        .string()
        .trim()
        .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'upper-case letters, digits and hyphens')
        .optional(),
      /** Required without a donor record; checked against it otherwise. */
      relation: z.enum(DONOR_RELATIONS).optional(),
      hlaMatch: z.string().trim().min(3).max(5),
    })
    .optional(),
  /** donor_consent: the donor's own (or guardian's) consent. */
  donorConsent: z.strictObject({ signedBy: z.enum(['donor', 'guardian']), signedOn: IsoDate }).optional(),
  /** donor_eligibility: the verdict and the infectious-disease markers tested. */
  donorEligibility: z
    .strictObject({
      verdict: z.enum(['eligible', 'ineligible']),
      markers: z
        .array(
          z.strictObject({
            test: z.string().trim().min(1).max(100),
            result: z.string().trim().min(1).max(100),
          }),
        )
        .max(50),
    })
    .optional(),
  /** lot_allocation (MSC): the released laboratory batch, expanded from a working-bank lot. */
  batchId: Uuid.optional(),
});
export const CorrectionBody = z.strictObject({
  correctsId: Uuid,
  expectedVersion: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
  reason: z.string().trim().min(1).max(1000),
});
export const ReleaseBody = z.strictObject({
  din: ScannedDin,
  productCode: ProductCode,
  expiresAt: IsoDateTime,
  expectedVersion: z.number().int().positive(),
  password: Password,
});
export const CustodyBody = z.strictObject({
  din: ScannedDin,
  stage: z.enum(['collection', 'courier_to_lab', 'laboratory', 'courier_to_hospital', 'pharmacy', 'bedside']),
  direction: z.enum(['in', 'out']),
  chainOfIdentity: z.string().trim().min(1).max(32),
  productCode: z.string().trim().min(1).max(16).optional(),
});
export const TemperatureBody = z.strictObject({
  din: ScannedDin,
  leg: z.enum(['to_laboratory', 'to_hospital']),
  csv: z.string().min(1).max(900_000),
});
export const DeviationAssessBody = z.strictObject({
  assessment: z.string().trim().min(1).max(2000),
  version: z.number().int().positive(),
  password: Password,
});
export const BedsideBody = z.strictObject({
  wristband: z.string().trim().min(1).max(64),
  din: ScannedDin,
  productCode: z.string().trim().min(1).max(16),
  expectedVersion: z.number().int().positive(),
  password: Password,
  secondVerifier: z.strictObject({ username: z.string().min(1).max(64), password: Password }),
});
export const TherapyQuery = z.object({ patientId: Uuid.optional() });
export const NotificationOut = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export const HistoryLineOut = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  field: z.string().nullable(),
  from: z.unknown(),
  to: z.unknown(),
  reason: z.string().nullable(),
});
export const NotificationQuery = z.object({ unread: z.enum(['true', 'false']).optional() });

const HbbAllele = z.strictObject({
  alleleClass: z.enum(['β0', 'β+', 'βE', 'β']),
  hgvs: z.string().trim().max(100).nullable(),
});
export const GenotypeBody = z.strictObject({
  allele1: HbbAllele,
  allele2: HbbAllele,
  alphaGenotype: z.string().trim().max(100).nullable().optional(),
});
export const WeightsBody = z.strictObject({
  weights: z
    .array(z.strictObject({ measuredOn: IsoDate, weightKg: z.number().positive().max(400) }))
    .min(1)
    .max(1000),
});
export const TransfusionsBody = z.strictObject({
  transfusions: z
    .array(
      z.strictObject({
        transfusedOn: IsoDate,
        volumeMl: z.number().min(0).max(5000).optional(),
        preHbGdl: z.number().min(0).max(25).optional(),
      }),
    )
    .min(1)
    .max(2000),
});
export const ClinicalHistoryOut = z.object({
  genotype: z
    .object({
      allele1: HbbAllele,
      allele2: HbbAllele,
      label: z.string(),
      alphaGenotype: z.string().nullable(),
      recordedAt: z.string(),
    })
    .nullable(),
  weights: z.array(z.object({ measuredOn: z.string(), weightKg: z.number() })),
  transfusions: z.array(
    z.object({ transfusedOn: z.string(), volumeMl: z.number().nullable(), preHbGdl: z.number().nullable() }),
  ),
});
