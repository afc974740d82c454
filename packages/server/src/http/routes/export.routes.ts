import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFound } from '../../errors';
import { zip } from '../../exports/zip';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import { ExportableFilingOut, ExportFileParams, ExportParams } from '../export.schemas';

/**
 * De-identified exports of a filing (issue 9, item 4): the whole data set as one ZIP of CSV files, or one of its
 * files. Sponsors reach only their own filings (404 otherwise, as for a filing that does not exist); every
 * download is audited.
 */
export const exportRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const tags = ['exports'];
  app.get(
    '/api/exports/filings',
    {
      schema: {
        tags,
        summary: 'Filings the principal may export (sponsor: its own; regulator: all), with their patients',
        response: { 200: z.array(ExportableFilingOut) },
      },
    },
    async (request) => platform.exports.filings(contextOf(request)),
  );
  app.get(
    '/api/exports/filings/:id/:format',
    {
      schema: {
        tags,
        summary:
          'Download an export as a ZIP of CSV files: rwe (de-identified data set with data dictionary), ' +
          'cibmtr or ebmt (registry minimum data with a missing-field report). Audited.',
        params: ExportParams,
      },
    },
    async (request, reply) => {
      const result = await platform.exports.export(
        contextOf(request),
        request.params.id,
        request.params.format,
      );
      const name = `${result.filingReference}_${result.format}_${result.cutOff}.zip`.replace(
        /[^A-Za-z0-9._-]/g,
        '_',
      );
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(zip(result.files));
    },
  );
  app.get(
    '/api/exports/filings/:id/:format/:file',
    {
      schema: {
        tags,
        summary: 'Download one CSV file of an export (text/csv, UTF-8 with BOM). Audited.',
        params: ExportFileParams,
      },
    },
    async (request, reply) => {
      const { id, format, file } = request.params;
      const result = await platform.exports.export(contextOf(request), id, format);
      const found = result.files.find((f) => f.name === file);
      if (!found) throw new NotFound('export file');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(found.content);
    },
  );
};
