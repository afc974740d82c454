import { Alert, App, type FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, formFieldOf } from '../api/client';

const TITLE_KEY: Record<number, string> = {
  0: 'errors.network',
  400: 'errors.invalidInput',
  401: 'errors.unauthorized',
  403: 'errors.forbidden',
  404: 'errors.notFound',
  409: 'errors.conflict',
  429: 'errors.tooMany',
  500: 'errors.server',
};

/** A translated headline for a failure and the server's own detail (problem+json `detail`). */
export function describeError(t: TFunction, error: unknown): { title: string; detail: string } {
  if (error instanceof ApiError) {
    const title = t(TITLE_KEY[error.status] ?? 'errors.generic');
    return { title, detail: error.status === 0 ? '' : error.problem.detail };
  }
  return { title: t('errors.generic'), detail: error instanceof Error ? error.message : String(error) };
}

/**
 * Puts the server's field errors next to the form fields they name; returns whether any matched.
 * Server field paths are `body.code` for schema failures and `password` for service checks.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError) || !error.problem.errors) return false;
  const byField = new Map<string, string[]>();
  for (const e of error.problem.errors) {
    const name = formFieldOf(e.field);
    if (!fields.includes(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), e.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

/** Shows a failure as a toast: translated headline plus the server's detail. */
export function useReportError(): (error: unknown) => void {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return useCallback(
    (error: unknown) => {
      const { title, detail } = describeError(t, error);
      void message.error(detail ? `${title}: ${detail}` : title);
    },
    [t, message],
  );
}

/** A failure shown in place, e.g. above a form or instead of a table. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { title, detail } = describeError(t, error);
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={detail || undefined}
      data-testid="error-alert"
      style={{ marginBottom: 16 }}
    />
  );
}
