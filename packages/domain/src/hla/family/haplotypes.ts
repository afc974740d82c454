/**
 * Family (related-donor) HLA evaluation: the patient's two haplotypes inferred from the typings of parents and
 * siblings, and each relative classified as HLA-identical, haploidentical, mismatched or undetermined.
 *
 * Rules (Mendelian segregation of the HLA region as a block of linked loci, with rare crossing-over within it:
 * Martin M et al., Hum Mol Genet 1995;4:423–428; haplotypes are assigned from the parents' typings, else from the
 * siblings', as family HLA typing is usually read):
 * - loci in chromosome order, telomere to centromere: A, C, B, DRB1, DQB1 (DPB1 is shown but not used for
 *   haplotypes: a recombination hotspot separates it from DQB1);
 * - at a heterozygous locus the patient's paternal allele is the one the father carries and the mother does not
 *   (or the reverse); when both parents carry both alleles, or no parent is typed, siblings decide: the phase that
 *   lets the most relatives carry a whole patient haplotype is kept, and a tie is reported, never guessed;
 * - a homozygous locus is uninformative: both haplotypes carry the same allele there;
 * - a relative who carries one patient haplotype at a contiguous run of at least two loci from one end and not at
 *   the others is reported as a suspected recombinant (confirmed when the parents' typing shows the alleles of
 *   the other parental haplotype at the non-shared loci).
 * Matching is by state (the alleles carried), which is what decides HLA compatibility; descent (parental typing)
 * is used to phase the patient and to confirm recombinations.
 */

/** Loci of a family typing; the first five, in chromosome order, carry the haplotypes. */
export const FAMILY_LOCI = ['A', 'C', 'B', 'DRB1', 'DQB1', 'DPB1'] as const;
export type FamilyLocus = (typeof FAMILY_LOCI)[number];
export const HAPLOTYPE_LOCI: readonly FamilyLocus[] = ['A', 'C', 'B', 'DRB1', 'DQB1'];

export type Genotype = readonly [string, string];
export type FamilyTyping = Partial<Record<FamilyLocus, Genotype>>;
export type Relation = 'father' | 'mother' | 'sibling' | 'child' | 'other';
export const RELATIONS: readonly Relation[] = ['father', 'mother', 'sibling', 'child', 'other'];

/** How the patient's phase at a locus was set. */
/** 'single': the patient's only heterozygous locus, whose two alleles simply name the two haplotypes. */
export type PhaseSource = 'homozygous' | 'parents' | 'siblings' | 'single' | 'unresolved' | 'inconsistent';

export interface PatientHaplotypes {
  /** 'paternal'/'maternal' when a parent is typed, else neutral labels. */
  labels: [string, string];
  /** Allele of each haplotype per locus; undefined where the phase is unresolved. */
  haplotypes: [Partial<Record<FamilyLocus, string>>, Partial<Record<FamilyLocus, string>>];
  phase: Partial<Record<FamilyLocus, PhaseSource>>;
  /** Why something could not be told: homozygous loci, identical parental alleles, ties, inconsistencies. */
  notes: string[];
}

export type Classification = 'HLA-identical' | 'haploidentical' | 'mismatched' | 'undetermined';

export interface RelativeTyping {
  id: string;
  relation: Relation;
  typing: FamilyTyping;
}

export interface RelativeMatch {
  id: string;
  relation: Relation;
  classification: Classification;
  /** Patient haplotypes the relative carries (indexes into PatientHaplotypes.labels). */
  sharedHaplotypes: number[];
  /** Per locus: alleles of the relative and whether the locus genotype equals the patient's. */
  loci: { locus: FamilyLocus; relative?: Genotype; patient?: Genotype; identical?: boolean }[];
  reasons: string[];
}

function carries(genotype: Genotype, allele: string): boolean {
  return genotype[0] === allele || genotype[1] === allele;
}

function sameGenotype(a: Genotype, b: Genotype): boolean {
  return (a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]);
}

/** The other allele of a genotype once `allele` is taken out (the genotype must carry it). */
function otherAllele(genotype: Genotype, allele: string): string {
  return genotype[0] === allele ? genotype[1] : genotype[0];
}

function listLoci(loci: readonly string[]): string {
  return loci.join(', ');
}

/** Checks a typing's shape; throws a RangeError naming the field. */
export function validateTyping(typing: FamilyTyping, field: string): void {
  for (const [locus, pair] of Object.entries(typing)) {
    if (!(FAMILY_LOCI as readonly string[]).includes(locus)) {
      throw new RangeError(`${field}.${locus}: not one of ${FAMILY_LOCI.join(', ')}`);
    }
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      pair.some((a) => typeof a !== 'string' || a.trim() === '')
    ) {
      throw new RangeError(`${field}.${locus}: expected two allele names`);
    }
  }
}

/**
 * Contained patient haplotype per locus for a relative: for each compared locus, whether the relative carries
 * haplotype k's allele; at a locus whose phase is unresolved, 'both' when the relative carries both patient
 * alleles, 'one' when only one (which haplotype it belongs to is unknown), else false for both.
 */
type Carry = boolean | 'one';

function carryProfile(
  haplotypes: PatientHaplotypes,
  patient: FamilyTyping,
  relative: FamilyTyping,
  k: 0 | 1,
): { locus: FamilyLocus; carry: Carry }[] {
  const out: { locus: FamilyLocus; carry: Carry }[] = [];
  for (const locus of HAPLOTYPE_LOCI) {
    const r = relative[locus];
    const p = patient[locus];
    if (!r || !p) continue;
    const allele = haplotypes.haplotypes[k][locus];
    if (allele !== undefined) {
      out.push({ locus, carry: carries(r, allele) });
      continue;
    }
    const [x, y] = p;
    const n = (carries(r, x) ? 1 : 0) + (carries(r, y) ? 1 : 0);
    out.push({ locus, carry: n === 2 ? true : n === 1 ? 'one' : false });
  }
  return out;
}

/** Number of relatives carrying a whole patient haplotype (each side counted): the score of a phase. */
function phaseScore(
  haplotypes: PatientHaplotypes,
  patient: FamilyTyping,
  relatives: RelativeTyping[],
): number {
  let score = 0;
  for (const r of relatives) {
    for (const k of [0, 1] as const) {
      const profile = carryProfile(haplotypes, patient, r.typing, k);
      if (profile.length > 0 && profile.every((p) => p.carry === true)) score++;
    }
  }
  return score;
}

/**
 * Infers the patient's haplotypes (module rules). `relatives` may include the parents (relation father/mother,
 * at most one each), siblings and children; siblings and children are used to phase what parents leave open.
 */
export function inferHaplotypes(patient: FamilyTyping, relatives: RelativeTyping[]): PatientHaplotypes {
  for (const locus of HAPLOTYPE_LOCI) {
    if (!patient[locus]) throw new RangeError(`patient.typing.${locus}: required for haplotype inference`);
  }
  const fathers = relatives.filter((r) => r.relation === 'father');
  const mothers = relatives.filter((r) => r.relation === 'mother');
  if (fathers.length > 1) throw new RangeError('relatives: more than one father');
  if (mothers.length > 1) throw new RangeError('relatives: more than one mother');
  const father = fathers[0]?.typing;
  const mother = mothers[0]?.typing;
  const parentTyped = father !== undefined || mother !== undefined;
  const result: PatientHaplotypes = {
    labels: parentTyped ? ['paternal', 'maternal'] : ['haplotype 1', 'haplotype 2'],
    haplotypes: [{}, {}],
    phase: {},
    notes: [],
  };
  const open: FamilyLocus[] = [];
  for (const locus of HAPLOTYPE_LOCI) {
    const [x, y] = patient[locus] as Genotype;
    const f = father?.[locus];
    const m = mother?.[locus];
    if (x === y) {
      if ((f && !carries(f, x)) || (m && !carries(m, x))) {
        result.notes.push(
          `${locus}: patient homozygous ${x} but a parent does not carry it (typing error, a null or untyped allele, or relationship to check)`,
        );
      }
      result.haplotypes[0][locus] = x;
      result.haplotypes[1][locus] = x;
      result.phase[locus] = 'homozygous';
      result.notes.push(`${locus}: patient homozygous (${x}); the two haplotypes cannot be told apart here`);
      continue;
    }
    const allowed = (
      [
        [x, y],
        [y, x],
      ] as const
    ).filter(([pat, mat]) => (!f || carries(f, pat)) && (!m || carries(m, mat)));
    if (allowed.length === 0) {
      result.phase[locus] = 'inconsistent';
      result.notes.push(
        `${locus}: patient ${x}+${y} cannot come from father ${f?.join('+') ?? 'untyped'} and mother ${m?.join('+') ?? 'untyped'} (typing error or relationship to check)`,
      );
      continue;
    }
    if (allowed.length === 1) {
      const [[pat, mat]] = allowed as [readonly [string, string]];
      result.haplotypes[0][locus] = pat;
      result.haplotypes[1][locus] = mat;
      result.phase[locus] = 'parents';
      continue;
    }
    open.push(locus);
    if (f || m) {
      const who = f && m ? 'both parents carry' : f ? 'the father carries' : 'the mother carries';
      result.notes.push(`${locus}: ${who} both ${x} and ${y}; phase left to the siblings`);
    }
  }
  for (const [name, typing] of [
    ['father', father],
    ['mother', mother],
  ] as const) {
    if (!typing) continue;
    const typed = HAPLOTYPE_LOCI.filter((l) => typing[l]);
    if (typed.length > 0 && typed.every((l) => (typing[l] as Genotype)[0] === (typing[l] as Genotype)[1])) {
      result.notes.push(
        `${name} homozygous at every typed locus: the ${name}'s two haplotypes cannot be told apart`,
      );
    }
  }
  if (open.length === 0) return result;

  // Phase the open loci through the other relatives: try every assignment (the first open locus is fixed when no
  // parent is typed, since the two haplotype labels are then interchangeable) and keep the best-scoring ones.
  const others = relatives.filter((r) => r.relation === 'sibling' || r.relation === 'child');
  const free = parentTyped ? open : open.slice(1);
  if (!parentTyped) {
    const [first] = open as [FamilyLocus];
    const [x, y] = patient[first] as Genotype;
    result.haplotypes[0][first] = x;
    result.haplotypes[1][first] = y;
  }
  const scored: { bits: number; score: number }[] = [];
  for (let bits = 0; bits < 2 ** free.length; bits++) {
    const trial: PatientHaplotypes = {
      ...result,
      haplotypes: [{ ...result.haplotypes[0] }, { ...result.haplotypes[1] }],
    };
    free.forEach((locus, i) => {
      const [x, y] = patient[locus] as Genotype;
      const flip = (bits >> i) & 1;
      trial.haplotypes[0][locus] = flip ? y : x;
      trial.haplotypes[1][locus] = flip ? x : y;
    });
    scored.push({ bits, score: phaseScore(trial, patient, others) });
  }
  const best = Math.max(...scored.map((s) => s.score));
  const winners = scored.filter((s) => s.score === best).map((s) => s.bits);
  const chosen = winners[0] ?? 0;
  const agreed = (i: number): boolean => winners.every((bits) => ((bits >> i) & 1) === ((chosen >> i) & 1));
  let decidedCount = 0;
  free.forEach((locus, i) => {
    const [x, y] = patient[locus] as Genotype;
    if (best > 0 && agreed(i)) {
      const flip = (chosen >> i) & 1;
      result.haplotypes[0][locus] = flip ? y : x;
      result.haplotypes[1][locus] = flip ? x : y;
      result.phase[locus] = 'siblings';
      decidedCount++;
      return;
    }
    result.phase[locus] = 'unresolved';
    result.notes.push(
      best === 0
        ? `${locus}: phase of ${x}/${y} unresolved: no typed sibling or child carries a whole patient haplotype`
        : `${locus}: phase of ${x}/${y} unresolved: the siblings fit either phase`,
    );
  });
  const [first] = open;
  if (!parentTyped && first !== undefined) {
    // The first open locus only names the two haplotypes; it is phased when another locus is phased against it.
    if (free.length === 0) result.phase[first] = 'single';
    else if (decidedCount > 0) result.phase[first] = 'siblings';
    else {
      delete result.haplotypes[0][first];
      delete result.haplotypes[1][first];
      result.phase[first] = 'unresolved';
      const [x, y] = patient[first] as Genotype;
      result.notes.push(
        `${first}: phase of ${x}/${y} unresolved: no parent typed and no sibling informative`,
      );
    }
  }
  return result;
}

/**
 * Longest run of carried loci at one end of the profile when the rest is not carried: the suspected crossover,
 * or undefined when the carried loci are not one contiguous end run of at least two loci.
 */
function crossover(
  profile: { locus: FamilyLocus; carry: Carry }[],
): { shared: FamilyLocus[]; rest: FamilyLocus[] } | undefined {
  const flags = profile.map((p) => p.carry === true);
  const n = flags.length;
  let head = 0;
  while (head < n && flags[head]) head++;
  let tail = 0;
  while (tail < n && flags[n - 1 - tail]) tail++;
  const carried = flags.filter(Boolean).length;
  const notCarried = profile.filter((p) => p.carry === false).length;
  if (carried === 0 || notCarried === 0) return undefined;
  if (head >= 2 && head === carried) {
    return {
      shared: profile.slice(0, head).map((p) => p.locus),
      rest: profile.slice(head).map((p) => p.locus),
    };
  }
  if (tail >= 2 && tail === carried) {
    return {
      shared: profile.slice(n - tail).map((p) => p.locus),
      rest: profile.slice(0, n - tail).map((p) => p.locus),
    };
  }
  return undefined;
}

/** Classifies one relative against the patient's haplotypes (module rules). */
export function classifyRelative(
  patient: FamilyTyping,
  haplotypes: PatientHaplotypes,
  relative: RelativeTyping,
  parents: { father?: FamilyTyping; mother?: FamilyTyping } = {},
): RelativeMatch {
  const loci = FAMILY_LOCI.map((locus) => {
    const r = relative.typing[locus];
    const p = patient[locus];
    return {
      locus,
      ...(r ? { relative: r } : {}),
      ...(p ? { patient: p } : {}),
      ...(r && p ? { identical: sameGenotype(r, p) } : {}),
    };
  });
  const compared = HAPLOTYPE_LOCI.filter((l) => relative.typing[l] && patient[l]);
  const base = { id: relative.id, relation: relative.relation, loci };
  if (compared.length === 0) {
    return {
      ...base,
      classification: 'undetermined',
      sharedHaplotypes: [],
      reasons: ['no haplotype locus (A, C, B, DRB1, DQB1) typed in both patient and relative'],
    };
  }
  const reasons: string[] = [];
  const untyped = HAPLOTYPE_LOCI.filter((l) => !relative.typing[l]);
  if (untyped.length > 0) reasons.push(`not typed at ${listLoci(untyped)}: judged on the other loci`);
  const profiles = ([0, 1] as const).map((k) => carryProfile(haplotypes, patient, relative.typing, k));
  const full = profiles.map((p) => p.every((c) => c.carry === true));
  const phaseOpen = profiles.map((p) => p.some((c) => c.carry === 'one'));
  const identical = compared.every((l) =>
    sameGenotype(relative.typing[l] as Genotype, patient[l] as Genotype),
  );
  const shared = [0, 1].filter((k) => full[k]);
  const [label0, label1] = haplotypes.labels;
  const labels = [label0, label1];

  if (identical) {
    const sameHaplotypes = HAPLOTYPE_LOCI.every(
      (l) => haplotypes.haplotypes[0][l] === haplotypes.haplotypes[1][l],
    );
    if (sameHaplotypes)
      reasons.push("the patient's two haplotypes carry the same alleles: identity is by state");
    for (const [name, typing] of Object.entries(parents)) {
      if (
        typing &&
        relative.relation === 'sibling' &&
        HAPLOTYPE_LOCI.every((l) => !typing[l] || (typing[l] as Genotype)[0] === (typing[l] as Genotype)[1])
      ) {
        reasons.push(
          `${name}'s haplotypes cannot be told apart (homozygous): identical by state, not necessarily by descent`,
        );
      }
    }
    return { ...base, classification: 'HLA-identical', sharedHaplotypes: [0, 1], reasons };
  }

  const recombinants = ([0, 1] as const)
    .filter((k) => !full[k])
    .map((k) => ({ k, run: crossover(profiles[k] ?? []) }))
    .filter(
      (x): x is { k: 0 | 1; run: { shared: FamilyLocus[]; rest: FamilyLocus[] } } => x.run !== undefined,
    );
  for (const { k, run } of recombinants) {
    const parent = k === 0 ? parents.father : parents.mother;
    const patientAlleles = haplotypes.haplotypes[k];
    const confirmed =
      relative.relation === 'sibling' &&
      parent !== undefined &&
      run.rest.every((l) => {
        const g = parent[l];
        const own = patientAlleles[l];
        return (
          g &&
          own &&
          carries(g, own) &&
          otherAllele(g, own) !== own &&
          carries(relative.typing[l] as Genotype, otherAllele(g, own))
        );
      });
    reasons.push(
      `carries the ${labels[k]} haplotype at ${listLoci(run.shared)} but not at ${listLoci(run.rest)}: ${confirmed ? "recombination (the parent's other haplotype is seen at the non-shared loci)" : 'recombination suspected (or chance sharing of alleles; type the parents to confirm)'}`,
    );
  }

  if (shared.length === 2) {
    // Both haplotypes' alleles present yet genotypes differ: only possible at loci the relative types as more.
    reasons.push('carries the alleles of both patient haplotypes but genotypes differ at some locus');
    return { ...base, classification: 'undetermined', sharedHaplotypes: shared, reasons };
  }
  if (phaseOpen.some(Boolean) && shared.length === 0) {
    reasons.push(
      'carries one of two alleles at a locus whose phase is unresolved: which haplotype is shared cannot be told',
    );
    return { ...base, classification: 'undetermined', sharedHaplotypes: [], reasons };
  }
  if (shared.length === 1) {
    const k = shared[0] as number;
    reasons.push(`carries the patient's ${labels[k]} haplotype`);
    if (relative.relation === 'father' && haplotypes.labels[0] === 'paternal' && k !== 0) {
      reasons.push('the father carries the maternal haplotype: check the phase');
    }
    return { ...base, classification: 'haploidentical', sharedHaplotypes: shared, reasons };
  }
  if (recombinants.length > 0) {
    return { ...base, classification: 'undetermined', sharedHaplotypes: [], reasons };
  }
  if (relative.relation === 'father' || relative.relation === 'mother' || relative.relation === 'child') {
    reasons.push(`a ${relative.relation} must carry one patient haplotype: typing or relationship to check`);
    return { ...base, classification: 'undetermined', sharedHaplotypes: [], reasons };
  }
  reasons.push('carries neither patient haplotype');
  return { ...base, classification: 'mismatched', sharedHaplotypes: [], reasons };
}
