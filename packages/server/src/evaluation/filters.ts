import { z } from 'zod';

/** Age at infusion (years), banded as paediatric transplant registries band it. */
export const AGE_BANDS = ['0-11', '12-17', '18+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const AGE_BAND_RANGE: Record<AgeBand, [number, number]> = {
  '0-11': [0, 11],
  '12-17': [12, 17],
  '18+': [18, 200],
};

/** β-globin genotypes recognised in the diagnosis (HbVar notation as the hospitals record it). */
export const GENOTYPES = ['β0/β0', 'β0/β+', 'β+/β+', 'βE/β0'] as const;
export type Genotype = (typeof GENOTYPES)[number];

export const TECHNOLOGIES = ['autologous_gene_hsc', 'allogeneic_hsct', 'haploidentical_hsct', 'msc'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

/** The cohort filters of every evaluation view (query string or JSON body). */
export const evaluationFilterFields = {
  filingId: z.string().uuid().optional(),
  technology: z.enum(TECHNOLOGIES).optional(),
  hospitalId: z.string().uuid().optional(),
  infusedFrom: isoDate.optional(),
  infusedTo: isoDate.optional(),
  ageBand: z.enum(AGE_BANDS).optional(),
  sex: z.enum(['female', 'male']).optional(),
  genotype: z.enum(GENOTYPES).optional(),
  /** Data cut-off (ISO timestamp); records created after it and events dated after it are left out. */
  cutoff: z.string().datetime({ offset: true }).optional(),
};
export const periodInOrder = (f: { infusedFrom?: string | undefined; infusedTo?: string | undefined }) =>
  !f.infusedFrom || !f.infusedTo || f.infusedFrom <= f.infusedTo;
export const periodMessage = { message: 'infusedTo must not be before infusedFrom', path: ['infusedTo'] };
export const evaluationFiltersSchema = z
  .object(evaluationFilterFields)
  .strict()
  .refine(periodInOrder, periodMessage);
export type EvaluationFilters = z.infer<typeof evaluationFiltersSchema>;

/** Summary data of an external or historical control (e.g. a published survival rate at t, or x/n). */
export const externalControlSchema = z
  .object({
    label: z.string().min(1).max(200),
    /** Survival at `years` (0–1), with the control's size when known (for the variance of the difference). */
    survival: z
      .object({
        endpoint: z.enum(['os', 'efs']),
        years: z.number().positive().max(20),
        rate: z.number().min(0).max(1),
        n: z.number().int().positive().optional(),
      })
      .optional(),
    /** A rate x/n of transfusion independence (or of another binary end point named by `endpoint`). */
    proportion: z
      .object({
        endpoint: z.enum(['ti']),
        x: z.number().int().min(0),
        n: z.number().int().positive(),
      })
      .refine((p) => p.x <= p.n, { message: 'x must not exceed n', path: ['x'] })
      .optional(),
  })
  .strict()
  .refine((c) => c.survival || c.proportion, { message: 'give a survival rate or a proportion' });
export type ExternalControl = z.infer<typeof externalControlSchema>;

export const comparisonSchema = z
  .object({
    a: evaluationFiltersSchema,
    b: evaluationFiltersSchema.optional(),
    labelA: z.string().min(1).max(100).optional(),
    labelB: z.string().min(1).max(100).optional(),
    control: externalControlSchema.optional(),
  })
  .strict()
  .refine((c) => c.b || c.control, { message: 'compare with a second cohort (b) or an external control' });
export type ComparisonRequest = z.infer<typeof comparisonSchema>;
