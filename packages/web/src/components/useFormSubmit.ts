import { App, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { applyFieldErrors } from './errors';

/**
 * The submit cycle every form shares: a saving flag, the server's field errors placed by their fields, the
 * failure kept for the form's alert, and — where the form edits a versioned record — a 409 answered with the
 * "changed by someone else" warning and a reload instead of an error.
 */
export function useFormSubmit(form: FormInstance, fields: readonly string[], onConflict?: () => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setSaving(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      if (onConflict && e instanceof ApiError && e.status === 409) {
        void message.warning(t('errors.staleVersion'));
        onConflict();
        return;
      }
      applyFieldErrors(form, e, fields);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, run };
}
