import { z } from 'zod';

/**
 * API contract of the laboratory end (issue 7): request bodies and response shapes shared by the routes
 * (validation and OpenAPI), the services (types) and the web app (types only).
 */
const Code = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'upper-case letters, digits and hyphens');
const Text = (max: number) => z.string().trim().min(1).max(max);
const IsoDate = z.iso.date();
const IsoDateTime = z.iso.datetime({ offset: true });

export const SpecificationTestIn = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('quantitative'),
    analyte: Text(100),
    method: Text(200),
    unit: Text(40),
    comparator: z.enum(['>=', '>', '<=', '<', 'between']),
    limit: z.number().finite().optional(),
    lower: z.number().finite().optional(),
    upper: z.number().finite().optional(),
  }),
  z.strictObject({
    kind: z.literal('qualitative'),
    analyte: Text(100),
    method: Text(200),
    expected: z.array(Text(100)).min(1).max(10),
  }),
]);

export const SpecificationCreate = z.strictObject({
  productCode: Code,
  productName: Text(200),
  tests: z.array(SpecificationTestIn).min(1).max(60),
});

export const SpecificationOut = z.object({
  id: z.string(),
  laboratoryId: z.string(),
  productCode: z.string(),
  productName: z.string(),
  version: z.number().int(),
  tests: z.array(SpecificationTestIn),
  status: z.enum(['draft', 'approved', 'superseded']),
  approvalSignatureId: z.string().nullable(),
  approvedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const PasswordBody = z.strictObject({ password: z.string().min(1).max(256) });

export const BatchCreate = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('autologous'),
    reference: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/),
    productCode: Code,
    patientPseudonym: z.string().regex(/^P-[0-9A-Z]{10}$/),
    chainOfIdentity: z.string().regex(/^[A-Z0-9]{1,32}$/, '1–32 upper-case letters or digits'),
    /** The DIN as scanned or keyed on receipt, followed by its check character (14 characters). */
    dinWithCheck: z.string().min(14).max(20),
    patientWeightKg: z.number().positive().max(500),
  }),
  z.strictObject({
    kind: z.literal('allogeneic'),
    reference: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/),
    productCode: Code,
    workingBankId: z.uuid(),
    excursion: z.enum(['none', 'unassessed']).default('none'),
  }),
]);

export const BatchOut = z.object({
  id: z.string(),
  laboratoryId: z.string(),
  reference: z.string(),
  kind: z.enum(['autologous', 'allogeneic']),
  productCode: z.string(),
  specificationId: z.string(),
  specificationVersion: z.number().int(),
  patientPseudonym: z.string().nullable(),
  hospitalId: z.string().nullable(),
  chainOfIdentity: z.string().nullable(),
  din: z.string().nullable(),
  dinVerifiedAt: z.string().nullable(),
  patientWeightKg: z.number().nullable(),
  workingBankId: z.string().nullable(),
  /** The pathway therapy an autologous batch was received from (null for allogeneic batches). */
  therapyId: z.string().nullable(),
  /** From the pathway's inbound temperature log when linked; the batch's own flag otherwise. */
  excursion: z.enum(['none', 'unassessed', 'assessed']),
  excursionAssessment: z.string().nullable(),
  status: z.enum(['in_process', 'released', 'rejected']),
  dispositionReason: z.string().nullable(),
  disposedAt: z.string().nullable(),
  startedAt: z.string(),
  version: z.number().int(),
});

export const StepCreate = z.strictObject({
  step: Text(100),
  parameters: z.record(z.string().max(60), z.union([z.number().finite(), z.string().max(200)])),
  startedAt: IsoDateTime,
  endedAt: IsoDateTime,
});

export const StepOut = z.object({
  id: z.string(),
  step: z.string(),
  parameters: z.record(z.string(), z.union([z.number(), z.string()])),
  operatorName: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
});

export const ResultCreate = z.strictObject({
  analyte: Text(100),
  value: z.union([z.number().finite(), Text(100)]),
  unit: z.string().trim().max(40).optional(),
});

export const ResultOut = z.object({
  id: z.string(),
  analyte: z.string(),
  value: z.union([z.number(), z.string()]),
  unit: z.string().nullable(),
  outcome: z.enum(['pass', 'fail']),
  criterion: z.string(),
  source: z.enum(['manual', 'instrument']),
  instrument: z.string().nullable(),
  current: z.boolean(),
  enteredBy: z.string(),
  enteredAt: z.string(),
});

export const InvestigationOut = z.object({
  id: z.string(),
  batchId: z.string(),
  resultId: z.string(),
  analyte: z.string(),
  phase: z.enum(['phase_1', 'phase_2']),
  rootCause: z.string().nullable(),
  capa: z.string().nullable(),
  conclusion: z.enum(['laboratory_error', 'confirmed_oos', 'inconclusive']).nullable(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  version: z.number().int(),
});

export const InvestigationPatch = z.strictObject({
  phase: z.enum(['phase_1', 'phase_2']).optional(),
  rootCause: Text(2000).optional(),
  capa: Text(2000).optional(),
  conclusion: z.enum(['laboratory_error', 'confirmed_oos', 'inconclusive']).optional(),
  close: z.boolean().optional(),
  version: z.number().int().positive(),
});

export const ExcursionAssessment = z.strictObject({
  assessment: Text(2000),
  version: z.number().int().positive(),
});

export const OutcomeOut = z.object({
  analyte: z.string(),
  status: z.enum(['pass', 'fail', 'missing']),
  criterion: z.string(),
  reason: z.string(),
});

export const SignatureOut = z.object({
  id: z.string(),
  meaning: z.string(),
  printedName: z.string(),
  role: z.string(),
  signedAt: z.string(),
  contentHash: z.string(),
  valid: z.boolean(),
});

export const BatchRecordOut = z.object({
  batch: BatchOut,
  specification: SpecificationOut,
  steps: z.array(StepOut),
  results: z.array(ResultOut),
  investigations: z.array(InvestigationOut),
  evaluation: z.object({
    status: z.enum(['pass', 'fail', 'incomplete']),
    outcomes: z.array(OutcomeOut),
    missing: z.array(z.string()),
    outOfSpecification: z.array(z.string()),
  }),
  /** The pathway records of an autologous batch's collection: custody hand-offs and inbound excursions. */
  inbound: z
    .object({
      therapyId: z.string(),
      collectionId: z.string().nullable(),
      custody: z.array(
        z.object({ stage: z.string(), direction: z.string(), actorName: z.string(), scannedAt: z.string() }),
      ),
      excursions: z.array(
        z.object({
          deviationId: z.string(),
          status: z.enum(['open', 'assessed']),
          assessment: z.string().nullable(),
          version: z.number().int(),
          maxCelsius: z.number().nullable(),
          limitCelsius: z.number(),
          loggedAt: z.string(),
        }),
      ),
    })
    .nullable(),
  /** Why a release would be refused now; empty when the batch may be released. */
  releaseBlockers: z.array(z.string()),
  /** SHA-256 of the record a disposition signature binds to; the signer sends back the one reviewed. */
  contentHash: z.string(),
  signatures: z.array(SignatureOut),
});

export const Disposition = z.strictObject({
  decision: z.enum(['release', 'reject']),
  password: z.string().min(1).max(256),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  reason: Text(2000).optional(),
});

export const MappingIn = z.strictObject({
  analyteColumn: Text(100),
  valueColumn: Text(100),
  unitColumn: Text(100).optional(),
  sampleColumn: Text(100).optional(),
  analytes: z.record(z.string().min(1).max(60), Text(100)),
});

export const ImportBody = z.strictObject({
  instrument: Text(100),
  csv: z.string().min(1).max(500_000),
  mapping: MappingIn.optional(),
  commit: z.boolean().default(false),
});

export const ImportOut = z.object({
  instrument: z.string(),
  committed: z.boolean(),
  rows: z.array(
    z.object({
      line: z.number().int(),
      analyte: z.string(),
      value: z.union([z.number(), z.string()]),
      unit: z.string().nullable(),
      outcome: z.enum(['pass', 'fail']),
      criterion: z.string(),
    }),
  ),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  investigationsOpened: z.number().int(),
});

export const DispatchBody = z.strictObject({ patientPseudonym: z.string().regex(/^P-[0-9A-Z]{10}$/) });

// ---- seed cell bank ----

export const CellLineCreate = z.strictObject({
  code: Code,
  name: Text(200),
  tissueSource: Text(200),
  donorCode: Text(64),
  donorEligibility: z.enum(['eligible', 'ineligible', 'pending']),
  consentReference: Text(200),
  donorTesting: z.array(z.strictObject({ test: Text(100), result: Text(100) })).max(40),
});

export const CellLineOut = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  tissueSource: z.string(),
  donorCode: z.string(),
  donorEligibility: z.enum(['eligible', 'ineligible', 'pending']),
  consentReference: z.string(),
  donorTesting: z.array(z.object({ test: z.string(), result: z.string() })),
});

const Location = {
  tank: Text(40),
  rack: Text(40),
  box: Text(40),
  position: z.number().int().min(1).max(100),
};

export const BankCreate = z.strictObject({
  cellLineId: z.uuid(),
  kind: z.enum(['master', 'working']),
  parentBankId: z.uuid().optional(),
  lot: Code,
  passage: z.number().int().min(0).max(100),
  frozenOn: IsoDate,
  expiresOn: IsoDate,
  vials: z
    .array(z.strictObject({ label: Text(60), ...Location }))
    .min(1)
    .max(500),
});

export const BankOut = z.object({
  id: z.string(),
  cellLineId: z.string(),
  cellLineCode: z.string(),
  kind: z.enum(['master', 'working']),
  parentBankId: z.string().nullable(),
  lot: z.string(),
  passage: z.number().int(),
  frozenOn: z.string(),
  expiresOn: z.string(),
  expired: z.boolean(),
  vialsAvailable: z.number().int(),
  version: z.number().int(),
});

export const VialOut = z.object({
  id: z.string(),
  bankId: z.string(),
  lot: z.string(),
  label: z.string(),
  passage: z.number().int(),
  tank: z.string(),
  rack: z.string(),
  box: z.string(),
  position: z.number().int(),
  status: z.enum(['stored', 'issued', 'thawed', 'discarded']),
});

export const IssueBody = z.strictObject({
  batchId: z.uuid(),
  count: z.number().int().min(1).max(50),
});

export const VialEventBody = z.strictObject({
  kind: z.enum(['thaw', 'discard', 'issue']),
  /** The in-process batch made from the vial's working bank (required to issue). */
  batchId: z.uuid().optional(),
  note: Text(500).optional(),
});

/** More vials frozen into a bank's lot, into empty positions of a box. */
export const FreezeBody = z.strictObject({
  vials: z
    .array(z.strictObject({ label: Text(60), ...Location }))
    .min(1)
    .max(100),
});

export const RecallOut = z.object({
  banks: z.array(z.object({ id: z.string(), lot: z.string(), kind: z.string() })),
  batches: z.array(z.object({ id: z.string(), reference: z.string(), status: z.string() })),
  patients: z.array(
    z.object({
      patientId: z.string(),
      pseudonym: z.string(),
      hospitalId: z.string(),
      batchReference: z.string(),
    }),
  ),
});

export const UpstreamOut = z.object({
  batches: z.array(z.object({ id: z.string(), reference: z.string(), kind: z.string(), status: z.string() })),
  banks: z.array(z.object({ id: z.string(), lot: z.string(), kind: z.string(), cellLineCode: z.string() })),
  vials: z.array(
    z.object({ id: z.string(), label: z.string(), lot: z.string(), batchReference: z.string() }),
  ),
});

export type SpecificationView = z.infer<typeof SpecificationOut>;
export type BatchView = z.infer<typeof BatchOut>;
export type BatchRecord = z.infer<typeof BatchRecordOut>;
export type ResultView = z.infer<typeof ResultOut>;
export type InvestigationView = z.infer<typeof InvestigationOut>;
export type ImportReport = z.infer<typeof ImportOut>;
export type BankView = z.infer<typeof BankOut>;
export type VialView = z.infer<typeof VialOut>;
export type CellLineView = z.infer<typeof CellLineOut>;
export type Recall = z.infer<typeof RecallOut>;
export type Upstream = z.infer<typeof UpstreamOut>;

export type SpecificationCreateInput = z.infer<typeof SpecificationCreate>;
export type BatchCreateInput = z.infer<typeof BatchCreate>;
export type StepCreateInput = z.infer<typeof StepCreate>;
export type ResultCreateInput = z.infer<typeof ResultCreate>;
export type InvestigationPatchInput = z.infer<typeof InvestigationPatch>;
export type DispositionInput = z.infer<typeof Disposition>;
export type ImportInput = z.infer<typeof ImportBody>;
export type CellLineCreateInput = z.infer<typeof CellLineCreate>;
export type BankCreateInput = z.infer<typeof BankCreate>;
export type IssueInput = z.infer<typeof IssueBody>;
export type FreezeInput = z.infer<typeof FreezeBody>;
export type VialEventInput = z.infer<typeof VialEventBody>;

// ---- control charts ----

export const ControlMaterialCreate = z.strictObject({
  analyte: Text(100),
  material: Text(200),
  lot: Text(60),
  unit: Text(40),
  targetMean: z.number().finite(),
  targetSd: z.number().positive(),
});

export const ControlRunCreate = z.strictObject({ value: z.number().finite(), runAt: IsoDateTime });

export const ControlMaterialOut = z.object({
  id: z.string(),
  analyte: z.string(),
  material: z.string(),
  lot: z.string(),
  unit: z.string(),
  targetMean: z.number(),
  targetSd: z.number(),
});

export const LeveyJenningsOut = z.object({
  material: ControlMaterialOut,
  /** Control limits from the established target: mean ± 1, 2, 3 SD. */
  limits: z.object({ mean: z.number(), sd: z.number() }),
  points: z.array(
    z.object({
      runAt: z.string(),
      value: z.number(),
      z: z.number(),
      status: z.enum(['accept', 'warning', 'reject']),
      rules: z.array(z.string()),
    }),
  ),
  violations: z.array(
    z.object({
      rule: z.string(),
      index: z.number().int(),
      severity: z.enum(['warning', 'reject']),
      message: z.string(),
    }),
  ),
  /** The series' own statistics (observed mean, SD and CV), for comparison with the target. */
  observed: z
    .object({ n: z.number().int(), mean: z.number(), sd: z.number(), cvPercent: z.number().nullable() })
    .nullable(),
  status: z.enum(['accept', 'warning', 'reject']).nullable(),
  /**
   * Stored runs left off the chart because their value is impossible for the unit (quality/plausibility), e.g.
   * written before entry was checked: they are neither judged nor counted in the statistics.
   */
  excluded: z.number().int(),
});

export const TrendQuery = z.object({
  productCode: Code,
  parameter: Text(100),
});

export const TrendOut = z.object({
  productCode: z.string(),
  parameter: z.string(),
  unit: z.string().nullable(),
  /** Acceptance limits from the specification version in force (null when the parameter has none). */
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  points: z.array(
    z.object({
      batchId: z.string(),
      reference: z.string(),
      startedAt: z.string(),
      value: z.number(),
      outOfLimits: z.boolean(),
    }),
  ),
});

export type ControlMaterialView = z.infer<typeof ControlMaterialOut>;
export type LeveyJennings = z.infer<typeof LeveyJenningsOut>;
export type Trend = z.infer<typeof TrendOut>;
export type ControlMaterialCreateInput = z.infer<typeof ControlMaterialCreate>;
