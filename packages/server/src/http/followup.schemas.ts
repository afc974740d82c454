import { OBSERVATION_CODES } from '@cgtlink/domain/followup/catalog';
import { CAUSALITY, SERIOUSNESS_CRITERIA } from '@cgtlink/domain/followup/expedited';
import { GRADED_FORMS } from '@cgtlink/domain/followup/graded-forms';
import { PRO_SYMPTOMS } from '@cgtlink/domain/followup/pro-ctcae';
import { PROTOCOLS } from '@cgtlink/domain/followup/schedule';
import { z } from 'zod';

/** API contract of follow-up, adverse events, symptom reports and alerts (issue 8). */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Reason = z.string().trim().min(1).max(1000);

export const PatientIdParams = z.object({ patientId: z.uuid() });

export const EnrolmentCreate = z.strictObject({
  productName: z.string().trim().min(1).max(200),
  graftSource: z.enum(['gene-therapy', 'bone-marrow', 'peripheral-blood', 'cord-blood']),
  protocol: z.enum(PROTOCOLS),
  infusionDate: IsoDate,
  referenceTerms: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  filingId: z.uuid().nullish(),
});
export const EnrolmentOut = z.object({
  id: z.string(),
  patientId: z.string(),
  filingId: z.string().nullable(),
  productName: z.string(),
  graftSource: z.string(),
  protocol: z.string(),
  infusionDate: z.string(),
  referenceTerms: z.array(z.string()),
  status: z.string(),
  version: z.number().int(),
});

export const ObservationCreate = z.strictObject({
  code: z.enum(OBSERVATION_CODES),
  value: z.number().finite(),
  unit: z.string().trim().min(1).max(32),
  observedOn: IsoDate,
  lln: z.number().finite().nullish(),
  uln: z.number().finite().nullish(),
  limitUnit: z.string().trim().min(1).max(32).nullish(),
  /** Liver iron by MRI: R2 or R2* (required for lic-mri, refused elsewhere). */
  method: z.enum(['R2', 'R2*']).nullish(),
});
export const ObservationPatch = z.strictObject({
  value: z.number().finite().optional(),
  unit: z.string().trim().min(1).max(32).optional(),
  method: z.enum(['R2', 'R2*']).nullish(),
  observedOn: IsoDate.optional(),
  status: z.enum(['final', 'entered-in-error']).optional(),
  version: z.number().int().positive(),
  reason: Reason,
});
export const ObservationOut = z.object({
  id: z.string(),
  patientId: z.string(),
  code: z.string(),
  category: z.enum(['laboratory', 'vital', 'imaging', 'score']),
  loinc: z.string().nullable(),
  method: z.string().nullable(),
  value: z.number(),
  unit: z.string(),
  valueCanonical: z.number(),
  canonicalUnit: z.string(),
  llnCanonical: z.number().nullable(),
  ulnCanonical: z.number().nullable(),
  observedOn: z.string(),
  source: z.string(),
  status: z.string(),
  version: z.number().int(),
});

export const TransfusionCreate = z.strictObject({
  givenOn: IsoDate,
  product: z.enum(['red-cells', 'platelets', 'plasma', 'other']),
  volumeMl: z.number().positive().max(5000).nullish(),
  units: z.number().int().min(1).max(20).nullish(),
});
export const Retraction = z.strictObject({ version: z.number().int().positive(), reason: Reason });
export const TransfusionOut = z.object({
  id: z.string(),
  patientId: z.string(),
  givenOn: z.string(),
  product: z.string(),
  volumeMl: z.number().nullable(),
  units: z.number().nullable(),
  source: z.string(),
  status: z.string(),
  version: z.number().int(),
});

export const GradeProposalOut = z
  .object({
    term: z.string(),
    termName: z.string(),
    grade: z.number().int(),
    basis: z.string(),
    reason: z.string(),
    limits: z.enum(['report', 'default']),
  })
  .nullable();

const Outcome = z.enum([
  'recovered',
  'recovering',
  'not-recovered',
  'recovered-with-sequelae',
  'fatal',
  'unknown',
]);
export const AdverseEventCreate = z.strictObject({
  term: z.string().trim().min(1).max(200),
  grade: z.number().int().min(1).max(5),
  overrideReason: Reason.nullish(),
  sourceObservationId: z.uuid().nullish(),
  symptomReportId: z.uuid().nullish(),
  onsetDate: IsoDate,
  resolutionDate: IsoDate.nullish(),
  seriousness: z.array(z.enum(SERIOUSNESS_CRITERIA)).max(6),
  causalityProduct: z.enum(CAUSALITY),
  causalityProcedure: z.enum(CAUSALITY),
  expected: z.boolean().optional(),
  outcome: Outcome,
  awarenessDate: IsoDate,
  narrative: z.string().trim().max(4000).nullish(),
  form: z.strictObject({ kind: z.enum(GRADED_FORMS), input: z.record(z.string(), z.unknown()) }).nullish(),
});
export const AdverseEventFollowUpBody = z.strictObject({
  grade: z.number().int().min(1).max(5).optional(),
  overrideReason: Reason.nullish(),
  outcome: Outcome.optional(),
  resolutionDate: IsoDate.nullish(),
  seriousness: z.array(z.enum(SERIOUSNESS_CRITERIA)).max(6).optional(),
  causalityProduct: z.enum(CAUSALITY).optional(),
  note: z.string().trim().max(4000).nullish(),
  version: z.number().int().positive(),
});
export const ExpeditedSubmission = z.strictObject({
  submittedOn: IsoDate,
  version: z.number().int().positive(),
});
export const AdverseEventOut = z.object({
  id: z.string(),
  patientId: z.string(),
  pseudonym: z.string(),
  hospitalId: z.string(),
  productName: z.string().nullable(),
  term: z.string(),
  ctcaeTerm: z.string().nullable(),
  grade: z.number().int(),
  proposedGrade: z.number().int().nullable(),
  proposalReason: z.string().nullable(),
  overrideReason: z.string().nullable(),
  sourceObservationId: z.string().nullable(),
  symptomReportId: z.string().nullable(),
  onsetDate: z.string(),
  resolutionDate: z.string().nullable(),
  seriousness: z.array(z.string()),
  serious: z.boolean(),
  causalityProduct: z.string(),
  causalityProcedure: z.string(),
  expected: z.boolean(),
  outcome: z.string(),
  awarenessDate: z.string(),
  expedited: z.object({
    required: z.boolean(),
    days: z.number().int().nullable(),
    dueDate: z.string().nullable(),
    submittedOn: z.string().nullable(),
    status: z.string(),
    late: z.boolean(),
  }),
  version: z.number().int(),
});
export const AdverseEventQuery = z.object({ expedited: z.enum(['true', 'false']).optional() });

const Lineage = z.object({
  lineage: z.string(),
  status: z.string(),
  engraftmentDay: z.number().optional(),
  qualifyingDays: z.array(z.number()).readonly().optional(),
  nadirDay: z.number().optional(),
  nadirValue: z.number().optional(),
  deadlineDay: z.number().optional(),
  reason: z.string(),
});
const Period = z.object({
  start: z.string(),
  end: z.string(),
  ongoing: z.boolean(),
  durationDays: z.number(),
  atLeast12Months: z.boolean(),
  weightedHbGdl: z.number().nullable(),
  hbValues: z.number(),
});
export const EndpointsOut = z
  .object({
    engraftment: z.object({
      neutrophil: Lineage,
      platelet: Lineage,
      derivedAncDays: z.array(z.number()).readonly(),
    }),
    transfusionIndependence: z
      .object({
        status: z.string(),
        period: Period.optional(),
        periods: z.array(Period).readonly(),
        reason: z.string(),
      })
      .nullable(),
  })
  .nullable();

// ---- measures (0013): iron trend, GVHD history, MELD trend, KOOS change ----
const IronLevel = z.enum(['target', 'mild', 'moderate', 'severe']);
const IronPoint = z.object({
  date: z.string(),
  measure: z.enum(['ferritin', 'lic', 't2star']),
  value: z.number(),
  level: IronLevel,
});
const KoosChangeOut = z.object({
  baseline: z.object({ date: z.string(), score: z.number() }).nullable(),
  latest: z.object({ date: z.string(), score: z.number() }).nullable(),
  change: z.number().nullable(),
  verdict: z.enum(['improved', 'worsened', 'no-important-change', 'not-assessable']),
  points: z.array(z.object({ date: z.string(), score: z.number() })).readonly(),
});
export const MeasuresOut = z
  .object({
    iron: z.object({
      points: z.array(IronPoint).readonly(),
      latest: z.object({
        ferritin: IronPoint.optional(),
        lic: IronPoint.optional(),
        t2star: IronPoint.optional(),
      }),
      overall: IronLevel.nullable(),
      change: z.object({
        ferritin: z.number().optional(),
        lic: z.number().optional(),
        t2star: z.number().optional(),
      }),
    }),
    gvhd: z.object({
      points: z
        .array(
          z.object({
            date: z.string(),
            eventId: z.string(),
            term: z.string(),
            grade: z.number(),
            kind: z.enum(['onset', 'change', 'resolved']),
          }),
        )
        .readonly(),
      maxGrade: z.number().nullable(),
      active: z.array(z.object({ eventId: z.string(), term: z.string(), grade: z.number() })).readonly(),
    }),
    meld: z.object({
      points: z
        .array(z.object({ date: z.string(), meld: z.number(), source: z.enum(['computed', 'entered']) }))
        .readonly(),
      latest: z
        .object({ date: z.string(), meld: z.number(), source: z.enum(['computed', 'entered']) })
        .nullable(),
    }),
    koos: z.object({
      pain: KoosChangeOut,
      symptoms: KoosChangeOut,
      adl: KoosChangeOut,
      sport: KoosChangeOut,
      qol: KoosChangeOut,
    }),
  })
  .nullable();

export const ObservationBatch = z.strictObject({
  observations: z.array(ObservationCreate).min(1).max(50),
});

const KoosItem = z.number().int().min(0).max(4).nullable();
const koosItems = (n: number) => z.array(KoosItem).length(n);
export const KoosCreate = z.strictObject({
  answeredOn: IsoDate.optional(),
  items: z.strictObject({
    pain: koosItems(9),
    symptoms: koosItems(7),
    adl: koosItems(17),
    sport: koosItems(5),
    qol: koosItems(4),
  }),
});
export const KoosOut = z.object({
  id: z.string(),
  patientId: z.string(),
  answeredOn: z.string(),
  items: z.record(z.string(), z.array(z.number().nullable())),
  scores: z.object({
    pain: z.number().nullable(),
    symptoms: z.number().nullable(),
    adl: z.number().nullable(),
    sport: z.number().nullable(),
    qol: z.number().nullable(),
  }),
  source: z.string(),
  createdAt: z.string(),
});

export const ExpectedRateBody = z.strictObject({
  expectedSeriousPerPatientYear: z.number().positive().max(100).nullable(),
  version: z.number().int().positive(),
});
export const ExpectedRateOut = z.object({
  id: z.string(),
  productName: z.string(),
  expectedSeriousPerPatientYear: z.number().nullable(),
  version: z.number().int(),
});

export const FollowupOut = z.object({
  patientId: z.string(),
  pseudonym: z.string(),
  enrolment: EnrolmentOut.nullable(),
  observations: z.array(ObservationOut),
  transfusions: z.array(TransfusionOut),
  visits: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      dueDate: z.string(),
      windowStart: z.string(),
      windowEnd: z.string(),
      attendedOn: z.string().nullable(),
      status: z.string(),
    }),
  ),
  adverseEvents: z.array(AdverseEventOut),
  endpoints: EndpointsOut,
  measures: MeasuresOut,
});

const ProAnswer = z.number().int().min(0).max(4);
export const SymptomReportCreate = z.strictObject({
  items: z
    .array(
      z.strictObject({
        symptom: z.enum(PRO_SYMPTOMS as [string, ...string[]]),
        frequency: ProAnswer.optional(),
        severity: ProAnswer.optional(),
        interference: ProAnswer.optional(),
        presence: z.number().int().min(0).max(1).optional(),
      }),
    )
    .min(1)
    .max(20),
  note: z.string().trim().max(2000).nullish(),
  reportedOn: IsoDate.optional(),
});
export const SymptomReportOut = z.object({
  id: z.string(),
  patientId: z.string(),
  pseudonym: z.string(),
  reportedOn: z.string(),
  items: z.array(
    z.object({
      symptom: z.string(),
      frequency: z.number().optional(),
      severity: z.number().optional(),
      interference: z.number().optional(),
      presence: z.number().optional(),
    }),
  ),
  worst: z.number(),
  note: z.string().nullable(),
  status: z.string(),
  adverseEventId: z.string().nullable(),
  /** Set when the report raised an alert at the patient's hospital (a severe or very severe answer). */
  hospitalAlert: z.object({ raisedAt: z.string(), status: z.string() }).nullable(),
  createdAt: z.string(),
});
export const SymptomQuery = z.object({
  patientId: z.uuid().optional(),
  status: z.enum(['new', 'reviewed', 'converted']).optional(),
});

export const AlertOut = z.object({
  id: z.string(),
  scope: z.enum(['patient', 'registry']),
  patientId: z.string().nullable(),
  pseudonym: z.string().nullable(),
  hospitalId: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
  status: z.enum(['open', 'acknowledged', 'closed']),
  assignedTo: z.string().nullable(),
  note: z.string().nullable(),
  raisedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number().int(),
});
export const AlertQuery = z.object({ status: z.enum(['open', 'acknowledged', 'closed']).optional() });
export const AlertAcknowledge = z.strictObject({
  version: z.number().int().positive(),
  assignedTo: z.uuid().nullish(),
});
export const AlertClose = z.strictObject({ version: z.number().int().positive(), note: Reason });

export const MonitoringBody = z.strictObject({
  /** Fallback for products whose filing declares no expected serious-event rate; without it they are not monitored. */
  expectedPerPatientYear: z.number().positive().max(100).nullish(),
});
export const MonitoringOut = z.object({
  /** The stored run: its id, when and why it was computed, how long it took. */
  runId: z.string(),
  computedAt: z.string(),
  trigger: z.enum(['change', 'schedule', 'request']),
  durationMs: z.number(),
  /** Records changed since: a background run is on its way. */
  stale: z.boolean(),
  asOf: z.string(),
  expectedPerPatientYear: z.number().nullable(),
  signals: z.array(
    z.object({
      product: z.string(),
      term: z.string(),
      a: z.number(),
      b: z.number(),
      c: z.number(),
      d: z.number(),
      expected: z.number().nullable(),
      prr: z.number().nullable(),
      prrChisq: z.number().nullable(),
      ror: z.number().nullable(),
      rorLower: z.number().nullable(),
      rorUpper: z.number().nullable(),
      ic: z.number().nullable(),
      ic025: z.number().nullable(),
      evans: z.boolean(),
      ebgm: z.number(),
      eb05: z.number(),
      eb95: z.number(),
      ebSignal: z.boolean(),
    }),
  ),
  products: z.array(
    z.object({
      product: z.string(),
      patients: z.number(),
      expectedPerPatientYear: z.number().nullable(),
      expectedSource: z.enum(['filing', 'fallback', 'none']),
      months: z
        .array(
          z.object({
            month: z.string(),
            observed: z.number(),
            expected: z.number(),
            cusum: z.number(),
            llr: z.number(),
          }),
        )
        .readonly(),
      cusumReference: z.number().nullable(),
      cusumLimit: z.number(),
      criticalValue: z.number().nullable(),
      cusumAlarm: z.string().nullable(),
      maxSprtSignal: z.string().nullable(),
    }),
  ),
  raised: z.number(),
});

export const OverdueVisitOut = z.object({
  id: z.string(),
  patientId: z.string(),
  pseudonym: z.string(),
  hospitalId: z.string(),
  productName: z.string(),
  label: z.string(),
  dueDate: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  daysOverdue: z.number(),
  lostToFollowUp: z.boolean(),
  version: z.number().int(),
});
export const VisitAttend = z.strictObject({ attendedOn: IsoDate, version: z.number().int().positive() });
export const VisitOut = z.object({
  id: z.string(),
  attendedOn: z.string().nullable(),
  version: z.number().int(),
});

export const ObservationImport = z.strictObject({
  csv: z
    .string()
    .min(1)
    .max(512 * 1024),
});
export const ImportOut = z.object({ imported: z.number().int() });

export const VersionBody = z.strictObject({ version: z.number().int().positive() });
