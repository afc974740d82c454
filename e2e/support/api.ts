import { inject } from 'vitest';
import { DEMO_PASSWORD } from './server';

/** One API call as the signed-in account; throws with the status and body when the server refuses. */
export type ApiCall = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

/**
 * The API as a demo account (bearer token), for the acts a browser walk does not click through: filing and
 * approving, releasing a batch, recording a small cohort.
 */
export async function apiAs(username: string, baseUrl: string = inject('baseUrl')): Promise<ApiCall> {
  const res = await fetch(`${baseUrl}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
}
