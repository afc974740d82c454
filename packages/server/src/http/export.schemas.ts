import { z } from 'zod';
import { Uuid } from './schemas';

/** Evaluation exports (issue 9, item 4): the filings a principal may export and the download parameters. */
export const ExportFormatParam = z.enum(['rwe', 'cibmtr', 'ebmt']);

export const ExportableFilingOut = z.object({
  id: z.string(),
  reference: z.string(),
  technology: z.string(),
  indication: z.string(),
  productName: z.string(),
  status: z.string(),
  patients: z.number().int(),
});

export const ExportParams = z.object({ id: Uuid, format: ExportFormatParam });
export const ExportFileParams = ExportParams.extend({
  file: z.string().regex(/^[a-z0-9_]+\.csv$/, 'expected a file name such as patients.csv'),
});
