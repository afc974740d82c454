import { type Action, can } from '@cgtlink/domain/access/index';
import { DomainInputError } from '@cgtlink/domain/grading/input';
import type { RequestContext } from '../context';
import { Forbidden, InvalidInput } from '../errors';

/** Refuses a role the policy does not allow the action (403 before any query). */
export function requireAction(ctx: RequestContext, action: Action, detail: string): void {
  if (!can(ctx.principal, action)) throw new Forbidden(detail);
}

/** Runs a domain rule and turns its named-field input error into a 400 naming the same field. */
export function domainRule<T>(work: () => T, fieldPrefix = ''): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DomainInputError)
      throw new InvalidInput(`${fieldPrefix}${error.field}`, error.message);
    if (error instanceof RangeError) throw new InvalidInput(fieldPrefix || 'input', error.message);
    throw error;
  }
}

export function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** The PostgreSQL error code of a failed statement (23514 check violation, 23505 unique violation). */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
