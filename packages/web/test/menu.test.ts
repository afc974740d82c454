import { endOf, ROLES } from '@cgtlink/domain/access/index';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { homePathFor, mayOpen, menuFor } from '../src/layout/menu';

const labels = (role: (typeof ROLES)[number]) => menuFor(endOf(role)).map((e) => e.testId);

describe('side menu per end', () => {
  it('a hospital physician sees Patients, pathways, filings, batches, symptom reports, alerts and the donor search, no audit or administration', () => {
    expect(labels('hospital_physician')).toEqual([
      'nav-patients',
      'nav-therapies',
      'nav-filings',
      'nav-batches',
      'nav-symptoms',
      'nav-alerts',
      'nav-donor-search',
      'nav-notifications',
      'nav-evaluation',
    ]);
    expect(mayOpen('hospital', 'audit')).toBe(false);
    expect(mayOpen('patient', 'donorSearch')).toBe(false);
    expect(mayOpen('regulator', 'donorSearch')).toBe(false);
    expect(mayOpen('hospital', 'organizations')).toBe(false);
  });

  it('the regulator sees the overview, de-identified patients, filings, pathways, batches, safety, alerts and the audit trail', () => {
    expect(labels('regulator_inspector')).toEqual([
      'nav-overview',
      'nav-patients',
      'nav-filings',
      'nav-therapies',
      'nav-batches',
      'nav-safety',
      'nav-alerts',
      'nav-audit',
      'nav-evaluation',
      'nav-exports',
    ]);
    expect(menuFor('regulator')[1]!.labelKey).toBe('nav.patientsDeid');
  });

  it('the platform administrator manages organizations and users and reads the audit trail', () => {
    expect(labels('platform_admin')).toEqual(['nav-organizations', 'nav-users', 'nav-audit']);
    expect(mayOpen('admin', 'patients')).toBe(false);
  });

  it('laboratory staff see their laboratory, batches, cell bank and control charts; patients their record; sponsors and foundations the directory', () => {
    for (const role of ['lab_analyst', 'qc_manager', 'qualified_person'] as const)
      expect(labels(role)).toEqual([
        'nav-laboratory',
        'nav-therapies',
        'nav-filings',
        'nav-batches',
        'nav-cell-bank',
        'nav-control-charts',
        'nav-notifications',
      ]);
    expect(labels('patient')).toEqual(['nav-my-record', 'nav-my-health']);
    expect(labels('sponsor_user')).toEqual([
      'nav-organizations',
      'nav-filings',
      'nav-evaluation',
      'nav-exports',
    ]);
    expect(labels('foundation_user')).toEqual(['nav-organizations']);
    expect(menuFor('sponsor')[0]!.labelKey).toBe('nav.directory');
  });

  it('the evaluation centre sees only its evaluation page; patients and laboratories never see it', () => {
    expect(labels('evaluator')).toEqual(['nav-evaluation']);
    expect(homePathFor('evaluation')).toBe('/evaluation');
    expect(mayOpen('evaluation', 'patients')).toBe(false);
    expect(mayOpen('patient', 'evaluation')).toBe(false);
    expect(mayOpen('laboratory', 'evaluation')).toBe(false);
  });

  it('every role lands on the first page of its menu, and every menu label is translated', () => {
    for (const role of ROLES) {
      const end = endOf(role);
      expect(homePathFor(end)).toBe(menuFor(end)[0]!.path);
      for (const entry of menuFor(end)) {
        const [group, key] = entry.labelKey.split('.') as [keyof typeof en, string];
        expect((en[group] as Record<string, string>)[key], entry.labelKey).toBeTruthy();
      }
    }
  });
});
