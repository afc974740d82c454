import { describe, expect, it } from 'vitest';
import { formFieldOf, withQuery } from '../src/api/client';
import { rolesFor } from '../src/components/roles';
import { formatDateTime } from '../src/format';

describe('API client helpers', () => {
  it('leaves undefined, null and empty query values out', () => {
    expect(
      withQuery('/api/audit', { entityType: 'patient', entityId: '', actorUserId: undefined, limit: 50 }),
    ).toBe('/api/audit?entityType=patient&limit=50');
    expect(withQuery('/api/audit', {})).toBe('/api/audit');
  });

  it('maps server field paths (RFC 9457 errors[].field) to form fields', () => {
    expect(formFieldOf('body.code')).toBe('code');
    expect(formFieldOf('password')).toBe('password');
    expect(formFieldOf('querystring.limit')).toBe('limit');
  });
});

describe('display conventions', () => {
  it('formats instants as YYYY-MM-DD HH:mm on a 24-hour clock', () => {
    const local = new Date(2026, 0, 5, 17, 4);
    expect(formatDateTime(local.toISOString())).toBe('2026-01-05 17:04');
    expect(formatDateTime(null)).toBe('');
  });
});

describe('user form role choices', () => {
  it('offers only the roles valid for the organization kind (domain policy organizationKindFor)', () => {
    expect(rolesFor({ kind: 'laboratory' })).toEqual(['lab_analyst', 'qc_manager', 'qualified_person']);
    expect(rolesFor({ kind: 'hospital' })).toEqual(['hospital_physician', 'hospital_coordinator', 'patient']);
    expect(rolesFor({ kind: 'regulator' })).toEqual(['regulator_inspector', 'evaluator']);
    expect(rolesFor(undefined)).toEqual([]);
  });
});
