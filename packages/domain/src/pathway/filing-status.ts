/**
 * The life of a clinical-application filing (备案; NHC Measures for the Clinical Application of Medical
 * Technologies, 2018; State Council Order No. 818, 2026 — DESIGN.md §5): filed by the hospital with its sponsor,
 * reviewed by the regulator, who approves it, returns it with comments, suspends it or closes it. Only an
 * approved filing enrols patients or lets products be infused.
 */
export const FILING_STATUSES = ['submitted', 'returned', 'approved', 'suspended', 'closed'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

export const FILING_DECISIONS = ['approve', 'return', 'suspend', 'reinstate', 'close', 'resubmit'] as const;
export type FilingDecision = (typeof FILING_DECISIONS)[number];

/** Who takes a decision: the regulator reviews; the filing hospital resubmits what was returned. */
export const DECISION_BY: Readonly<Record<FilingDecision, 'regulator' | 'hospital'>> = {
  approve: 'regulator',
  return: 'regulator',
  suspend: 'regulator',
  reinstate: 'regulator',
  close: 'regulator',
  resubmit: 'hospital',
};

const TRANSITIONS: Readonly<Record<FilingDecision, { from: readonly FilingStatus[]; to: FilingStatus }>> = {
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
  resubmit: { from: ['returned'], to: 'submitted' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
  close: { from: ['submitted', 'returned', 'approved', 'suspended'], to: 'closed' },
};

/** The status a decision leads to, or a refusal naming why the decision does not apply now. */
export function nextFilingStatus(
  status: FilingStatus,
  decision: FilingDecision,
): { ok: true; status: FilingStatus } | { ok: false; reason: string } {
  const rule = TRANSITIONS[decision];
  if (!rule) return { ok: false, reason: `unknown decision ${String(decision)}` };
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      reason: `a filing that is ${status} cannot be given the decision "${decision}" (only when ${rule.from.join(' or ')})`,
    };
  }
  return { ok: true, status: rule.to };
}

/** Whether the filing lets new patients be enrolled or new infusions be given: approved only. */
export function filingIsActive(status: FilingStatus): boolean {
  return status === 'approved';
}
