import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HlaNameError } from '@cgtlink/domain/hla/allele-name';
import { parseGlString } from '@cgtlink/domain/hla/gl-string';
import { MATCH_LOCI, type MatchLocus, tokenUnits, typingsByLocus } from '@cgtlink/domain/hla/match';
import { lgxOfAllele, reduceGlString } from '@cgtlink/domain/hla/reduce';
import { type HlaRelease, loadRelease } from '@cgtlink/domain/hla/release';
import { alleleAntigens } from '@cgtlink/domain/hla/serology';
import { ServiceError } from '../errors';

/** The HLA features answer 503 with this problem type while no IPD-IMGT/HLA release could be read. */
export class ReferenceDataNotLoaded extends ServiceError {
  constructor(detail: string) {
    super(
      503,
      'https://cgtlink.dev/problems/hla-reference-data-not-loaded',
      'HLA reference data not loaded',
      `reference data not loaded: ${detail}`,
    );
  }
}

/** A typing's name or structure refused by the domain parser: 400, naming the field and the bad token. */
export class InvalidTyping extends ServiceError {
  constructor(field: string, token: string, detail: string) {
    super(400, 'https://cgtlink.dev/problems/invalid-input', 'Invalid input', `${field}: ${detail}`, {
      errors: [{ field, message: detail, token }],
    });
  }
}

export interface ReferenceStatus {
  loaded: boolean;
  directory: string;
  version: string | null;
  message: string | null;
}

/** Reduced forms stored beside a typing as entered. */
export interface ReducedTyping {
  /** The GL String reduced to lgx (2-field, G group's first member), structure kept. */
  lgx: string;
  /** The GL String reduced to serologic antigens (rel_dna_ser.txt), the loci that have them; null if none. */
  serology: string | null;
  /** One lgx allele per chromosome at each matching locus where the typing is unambiguous (DNA level). */
  loci: Partial<Record<MatchLocus, [string, string]>>;
  /** Matching loci typed ambiguously or serologically (not usable by the family inference or the index). */
  ambiguous: MatchLocus[];
}

/**
 * The IPD-IMGT/HLA release the server validates and reduces typings with, read from a folder at run time
 * (CGTLINK_IMGT_DIR; the WMDA files are never copied into the repository). Read lazily on first use and kept;
 * when the folder is missing or unreadable the server still runs and the HLA features answer 503
 * "reference data not loaded".
 */
export class HlaReference {
  private release: HlaRelease | undefined;
  private failure: string | undefined;
  private antigensByLgx: Map<string, string[]> | undefined;

  constructor(readonly directory: string) {}

  private load(): HlaRelease | undefined {
    if (this.release || this.failure) return this.release;
    try {
      const read = (path: string) => readFileSync(join(this.directory, path), 'utf8');
      let dpbTce: string | undefined;
      try {
        dpbTce = read('tce/dpb_tce.csv');
      } catch {
        dpbTce = undefined;
      }
      this.release = loadRelease({
        hlaNom: read('wmda/hla_nom.txt'),
        hlaNomG: read('wmda/hla_nom_g.txt'),
        hlaNomP: read('wmda/hla_nom_p.txt'),
        relDnaSer: read('wmda/rel_dna_ser.txt'),
        relSerSer: read('wmda/rel_ser_ser.txt'),
        ...(dpbTce !== undefined ? { dpbTce } : {}),
      });
    } catch (error) {
      this.failure = `${this.directory}: ${(error as Error).message}`;
    }
    return this.release;
  }

  status(): ReferenceStatus {
    const release = this.load();
    return {
      loaded: release !== undefined,
      directory: this.directory,
      version: release?.version ?? null,
      message: release ? null : `reference data not loaded (${this.failure})`,
    };
  }

  /** The release, or a 503 problem when it could not be read. */
  get(): HlaRelease {
    const release = this.load();
    if (!release) throw new ReferenceDataNotLoaded(this.failure ?? this.directory);
    return release;
  }

  /** Serologic antigens of an lgx name (union over the alleles reducing to it; rel_dna_ser.txt). */
  antigensOf(lgx: string): string[] {
    if (!this.antigensByLgx) {
      const release = this.get();
      const byLgx = new Map<string, Set<string>>();
      for (const name of release.alleles.keys()) {
        const antigens = alleleAntigens(release, name);
        if (antigens.length === 0) continue;
        const key = lgxOfAllele(release, name);
        const set = byLgx.get(key) ?? new Set<string>();
        for (const antigen of antigens) set.add(antigen);
        byLgx.set(key, set);
      }
      this.antigensByLgx = new Map([...byLgx].map(([k, v]) => [k, [...v]]));
    }
    return this.antigensByLgx.get(lgx) ?? [];
  }

  /**
   * Validates a GL String against the release and computes its reduced forms. An unknown, deleted or malformed
   * name is a 400 naming `field` and the token.
   */
  analyse(field: string, glString: string): { glString: string; reduced: ReducedTyping } {
    const release = this.get();
    const text = glString.trim();
    if (text === '') throw new InvalidTyping(field, '', 'a GL String is required');
    try {
      const byLocus = typingsByLocus(release, parseGlString(text));
      const lgx = reduceGlString(release, text, 'lgx');
      let serology: string | null;
      try {
        // Loci without serologic equivalents (DPB1 …) keep their allele names in an S reduction: left out.
        const parts = reduceGlString(release, text, 'S')
          .split('^')
          .filter((part) => !part.includes('*'));
        serology = parts.length > 0 ? parts.join('^') : null;
      } catch {
        serology = null;
      }
      const loci: ReducedTyping['loci'] = {};
      const ambiguous: MatchLocus[] = [];
      for (const [locus, genotypes] of byLocus) {
        if (!(MATCH_LOCI as readonly string[]).includes(locus)) continue;
        const [genotype] = genotypes;
        const [a, b] = genotype ?? [[], []];
        const first = a[0]?.allele;
        const second = b[0]?.allele;
        if (genotypes.length === 1 && a.length === 1 && b.length === 1 && first && second) {
          loci[locus as MatchLocus] = [first, second];
        } else ambiguous.push(locus as MatchLocus);
      }
      return { glString: text, reduced: { lgx, serology, loci, ambiguous } };
    } catch (error) {
      if (error instanceof HlaNameError) throw new InvalidTyping(field, error.token, error.message);
      if (error instanceof RangeError || error instanceof SyntaxError) {
        throw new InvalidTyping(field, '', error.message);
      }
      throw error;
    }
  }

  /** An antibody specificity: an allele name is checked against the release and taken at lgx level. */
  antibodySpecificity(field: string, specificity: string): string {
    const spec = specificity.trim();
    if (!/\*\d+:\d+/.test(spec)) return spec;
    try {
      const units = tokenUnits(this.get(), spec.replace(/^HLA-/, ''));
      return units.length === 1 && units[0]?.allele ? units[0].allele : spec;
    } catch (error) {
      if (error instanceof HlaNameError) throw new InvalidTyping(field, error.token, error.message);
      throw error;
    }
  }
}
