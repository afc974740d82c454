import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  can,
  checkPassword,
  databaseRoleFor,
  endOf,
  organizationKindFor,
  patientViewFor,
  ROLES,
} from '../../src/access/index';

describe('role × action policy', () => {
  it('lets only the platform administrator manage organizations and users', () => {
    for (const role of ROLES) {
      expect(can({ role }, 'organization.manage'), role).toBe(role === 'platform_admin');
      expect(can({ role }, 'user.manage'), role).toBe(role === 'platform_admin');
    }
  });

  it('gives the audit trail to the regulator and the administrator only', () => {
    const readers = ROLES.filter((role) => can({ role }, 'audit.read'));
    expect(readers.sort()).toEqual(['platform_admin', 'regulator_inspector']);
  });

  it('never lets a patient account list patients or sign records', () => {
    expect(can({ role: 'patient' }, 'patient.list')).toBe(false);
    expect(can({ role: 'patient' }, 'signature.sign')).toBe(false);
    expect(can({ role: 'patient' }, 'patient.read')).toBe(true);
  });

  it('decides every action for every role (no gaps in the matrix)', () => {
    for (const role of ROLES)
      for (const action of ACTIONS) expect(typeof can({ role }, action)).toBe('boolean');
  });
});

describe('patient views', () => {
  const patient = { id: 'p1', hospitalId: 'h1' };
  it('identifies the patient to its own hospital only', () => {
    expect(
      patientViewFor({ role: 'hospital_physician', organizationId: 'h1', patientId: null }, patient),
    ).toBe('identified');
    expect(
      patientViewFor({ role: 'hospital_physician', organizationId: 'h2', patientId: null }, patient),
    ).toBe('none');
  });
  it('identifies a patient to their own account and to no other patient', () => {
    expect(patientViewFor({ role: 'patient', organizationId: 'h1', patientId: 'p1' }, patient)).toBe(
      'identified',
    );
    expect(patientViewFor({ role: 'patient', organizationId: 'h1', patientId: 'p2' }, patient)).toBe('none');
  });
  it('de-identifies for the regulator and hides from laboratory and sponsor', () => {
    expect(
      patientViewFor({ role: 'regulator_inspector', organizationId: 'r', patientId: null }, patient),
    ).toBe('deidentified');
    expect(patientViewFor({ role: 'qc_manager', organizationId: 'l', patientId: null }, patient)).toBe(
      'none',
    );
    expect(patientViewFor({ role: 'sponsor_user', organizationId: 's', patientId: null }, patient)).toBe(
      'none',
    );
  });
  it('runs the regulator, sponsor and foundation as the de-identified database role', () => {
    expect(databaseRoleFor({ role: 'regulator_inspector' })).toBe('cgtlink_deid');
    expect(databaseRoleFor({ role: 'sponsor_user' })).toBe('cgtlink_sponsor');
    expect(databaseRoleFor({ role: 'foundation_user' })).toBe('cgtlink_deid');
    expect(databaseRoleFor({ role: 'hospital_coordinator' })).toBe('cgtlink_app');
  });
  it('binds every role to one end and one organization kind', () => {
    expect(endOf('qualified_person')).toBe('laboratory');
    expect(organizationKindFor('qualified_person')).toBe('laboratory');
    expect(organizationKindFor('patient')).toBe('hospital');
  });
});

describe('password policy (NIST SP 800-63B §5.1.1.2)', () => {
  it('accepts a long passphrase', () => {
    expect(checkPassword('correct horse battery staple').ok).toBe(true);
  });
  it('refuses 11 characters and accepts 12 (the minimum)', () => {
    expect(checkPassword('abcdefghijk').problems).toContain('must be at least 12 characters');
    expect(checkPassword('abcdefghijkm').ok).toBe(true);
  });
  it('refuses common passwords regardless of case', () => {
    expect(checkPassword('Password1234').problems).toContain('is a commonly used password');
  });
  it('refuses a password containing the username', () => {
    expect(checkPassword('dr.zhou-is-the-best', { username: 'dr.zhou' }).problems).toContain(
      'must not contain the username',
    );
  });
  it('refuses a password of too few distinct characters', () => {
    expect(checkPassword('abababababababab').problems).toContain('must use at least 5 different characters');
  });
  it('counts characters, not UTF-16 units, so a Chinese passphrase is judged by its length', () => {
    expect(checkPassword('南沙细胞治疗平台安全口令').ok).toBe(true);
    expect(checkPassword('南沙细胞治疗平台').ok).toBe(false);
  });
});
