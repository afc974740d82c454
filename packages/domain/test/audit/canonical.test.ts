import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical';

describe('canonical JSON for hashing', () => {
  it('sorts keys at every depth, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('drops undefined fields and writes dates as ISO 8601 UTC', () => {
    expect(canonicalJson({ a: undefined, t: new Date(Date.UTC(2026, 10, 23, 1, 2, 3, 4)) })).toBe(
      '{"t":"2026-11-23T01:02:03.004Z"}',
    );
  });
  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ dose: Number.NaN })).toThrow(RangeError);
  });
});
