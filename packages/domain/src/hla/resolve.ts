/**
 * Resolves one typing token to the current alleles of a release: full allele names, truncated names (fewer
 * fields), `XX` first-field codes, G and P group names, NMDP multiple-allele codes and old colon-less names
 * (renamed through hla_nom.txt). WHO 2010 nomenclature report (Marsh SGE et al., Tissue Antigens 2010;75:291–455)
 * and the WMDA file definitions (IPD-IMGT/HLA wmda/README.md).
 */
import {
  type AlleleName,
  formatAlleleName,
  HlaNameError,
  oldNameCandidates,
  splitAlleleName,
} from './allele-name';
import { expandMac, type MacTable } from './mac';
import type { HlaRelease } from './release';

export type ResolvedKind = 'allele' | 'truncated' | 'xx' | 'G' | 'P' | 'mac' | 'old-name';

/** A token resolved to current alleles. `name` is the canonical spelling (HLA- prefix removed, renames applied). */
export interface ResolvedName {
  input: string;
  kind: ResolvedKind;
  name: string;
  locus: string;
  alleles: string[];
  note?: string;
}

export interface ResolveOptions {
  mac?: MacTable;
}

/**
 * Resolves `token` against the release. Throws HlaNameError naming the token for an unknown name, a deleted name
 * (with the date and the name it was shown identical to) or a multiple-allele code without a code table.
 */
export function resolveAlleleToken(
  release: HlaRelease,
  token: string,
  options: ResolveOptions = {},
): ResolvedName {
  const parsed = splitAlleleName(token);
  const name = formatAlleleName(parsed);
  const base = { input: token, locus: parsed.locus };
  const exact = release.alleles.get(name);
  if (exact) return { ...base, kind: 'allele', name, alleles: [name] };

  const lastField = parsed.fields.at(-1) ?? '';
  if (parsed.fields.length === 3 && lastField.endsWith('G') && parsed.suffix === '') {
    const members = release.gGroups.get(name);
    if (members) return { ...base, kind: 'G', name, alleles: currentOnly(release, members) };
  }
  if (parsed.fields.length === 2 && lastField.endsWith('P') && parsed.suffix === '') {
    const members = release.pGroups.get(name);
    if (members) return { ...base, kind: 'P', name, alleles: currentOnly(release, members) };
  }
  if (parsed.fields.length === 2 && lastField === 'XX') {
    return { ...base, kind: 'xx', name, alleles: truncatedMembers(release, parsed, 1, token) };
  }
  if (parsed.fields.length === 2 && /^[A-Z]{2,}$/.test(lastField)) {
    const first = parsed.fields[0] ?? '';
    const expanded = expandMac(token, parsed.locus, first, lastField, options.mac);
    const alleles = expanded.flatMap((n) => resolveAlleleToken(release, n, options).alleles);
    return { ...base, kind: 'mac', name, alleles: unique(alleles) };
  }

  const deleted = release.deleted.get(name);
  if (parsed.fields.length === 1 && /^\d{4,9}$/.test(parsed.fields[0] ?? '')) {
    return resolveOldName(release, token, parsed, deleted?.identicalTo);
  }
  if (deleted) {
    const identical = deleted.identicalTo ? `; shown identical to ${deleted.identicalTo}` : '';
    throw new HlaNameError(
      token,
      `allele ${name} was deleted on ${deleted.deletedOn} (${deleted.reason}${identical})`,
    );
  }
  if (parsed.fields.every((f) => /^\d+$/.test(f)) && parsed.fields.length < 4) {
    const members = truncatedMembers(release, parsed, parsed.fields.length, token);
    return { ...base, kind: 'truncated', name, alleles: members };
  }
  throw new HlaNameError(token, `unknown allele ${name} in IPD-IMGT/HLA ${release.version}`);
}

/** Members of a group that are current alleles (groups can list names later deleted: WMDA Read ME). */
function currentOnly(release: HlaRelease, members: string[]): string[] {
  return members.filter((m) => release.alleles.has(m));
}

/**
 * Alleles named by the first `n` fields. A truncated name without a suffix stands for the expressed alleles it
 * covers (a lab reporting `A*01:01` reports the expressed protein), so null alleles are left out unless the token
 * itself carries `N`; an `N` token keeps only nulls.
 */
function truncatedMembers(release: HlaRelease, parsed: AlleleName, n: number, token: string): string[] {
  const key = `${parsed.locus}*${parsed.fields.slice(0, n).join(':')}`;
  const all = release.byPrefix.get(key) ?? [];
  const wanted = all.filter((a) => (parsed.suffix === '' ? !a.endsWith('N') : a.endsWith(parsed.suffix)));
  const chosen = wanted.length > 0 ? wanted : parsed.suffix === '' ? all : [];
  if (chosen.length === 0) throw new HlaNameError(token, `unknown allele ${formatAlleleName(parsed)}`);
  return chosen;
}

/**
 * Old colon-less names (before April 2010): first the hla_nom.txt deletions (a name "renamed" or "identical"
 * to a current one is followed), then the mechanical conversion to two-digit fields, keeping the candidates the
 * release knows (WHO 2010 report, "Conversion to the new nomenclature").
 */
function resolveOldName(
  release: HlaRelease,
  token: string,
  parsed: AlleleName,
  identicalTo: string | undefined,
): ResolvedName {
  const oldName = formatAlleleName(parsed);
  if (identicalTo && release.alleles.has(identicalTo)) {
    return {
      input: token,
      locus: parsed.locus,
      kind: 'old-name',
      name: identicalTo,
      alleles: [identicalTo],
      note: `${oldName} renamed ${identicalTo} (hla_nom.txt)`,
    };
  }
  const deleted = release.deleted.get(oldName);
  if (deleted) {
    throw new HlaNameError(
      token,
      `old name ${oldName} was deleted on ${deleted.deletedOn} (${deleted.reason})`,
    );
  }
  const found: string[] = [];
  for (const fields of oldNameCandidates(parsed.fields[0] ?? '')) {
    const candidate = { locus: parsed.locus, fields, suffix: parsed.suffix };
    const exact = formatAlleleName(candidate);
    if (release.alleles.has(exact)) {
      found.push(exact);
      continue;
    }
    // A dropped expression suffix: `A*0111` was `A*0111N`, today `A*01:11N`.
    const withSuffix = (release.byPrefix.get(`${parsed.locus}*${fields.join(':')}`) ?? []).filter(
      (a) => splitAlleleName(a).fields.length === fields.length,
    );
    if (withSuffix.length > 0) {
      found.push(...withSuffix);
      continue;
    }
    const members = release.byPrefix.get(`${parsed.locus}*${fields.join(':')}`);
    if (members) found.push(exact);
  }
  const distinct = unique(found);
  if (distinct.length === 0) throw new HlaNameError(token, `unknown old allele name ${oldName}`);
  if (distinct.length > 1) {
    throw new HlaNameError(token, `ambiguous old allele name ${oldName}: could be ${distinct.join(', ')}`);
  }
  const modern = distinct[0] ?? '';
  const resolved = release.alleles.has(modern)
    ? [modern]
    : truncatedMembers(release, splitAlleleName(modern), splitAlleleName(modern).fields.length, token);
  return {
    input: token,
    locus: parsed.locus,
    kind: 'old-name',
    name: modern,
    alleles: resolved,
    note: `${oldName} is written ${modern} since April 2010`,
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
