import { describe, expect, it } from 'vitest';
import {
  can,
  databaseRoleFor,
  endOf,
  organizationKindFor,
  patientViewFor,
  ROLES,
} from '../../src/access/index';

describe('the evaluation centre role', () => {
  it('is a regulator-side role with its own end, running de-identified', () => {
    expect(organizationKindFor('evaluator')).toBe('regulator');
    expect(endOf('evaluator')).toBe('evaluation');
    expect(databaseRoleFor({ role: 'evaluator' })).toBe('cgtlink_deid');
    expect(
      patientViewFor(
        { role: 'evaluator', organizationId: 'eval', patientId: null },
        { id: 'p', hospitalId: 'h' },
      ),
    ).toBe('deidentified');
  });

  it('alone computes and signs evaluation reports; readers are the regulator, sponsors and hospital staff', () => {
    expect(ROLES.filter((r) => can({ role: r }, 'evaluation.report'))).toEqual(['evaluator']);
    expect(ROLES.filter((r) => can({ role: r }, 'evaluation.read')).sort()).toEqual(
      [
        'evaluator',
        'hospital_coordinator',
        'hospital_physician',
        'regulator_inspector',
        'sponsor_user',
      ].sort(),
    );
    // The evaluator reads no identified patient list and reviews no filing.
    expect(can({ role: 'evaluator' }, 'patient.list')).toBe(false);
    expect(can({ role: 'evaluator' }, 'filing.review')).toBe(false);
  });
});
