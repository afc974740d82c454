import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORGANIZATION_KINDS, ROLES } from '@cgtlink/domain/access/index';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { zhCN } from '../src/i18n/zh-CN';

/** Every leaf key of a translation tree as a dotted path, e.g. `nav.audit`. */
function leafKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leafKeys(value as object, `${prefix}${key}.`),
  );
}

function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : leaves(value as object, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(zhCN).sort());
  });

  it('every string is non-empty in both languages', () => {
    for (const [key, text] of [...leaves(zhCN), ...leaves(en)]) expect(text.trim(), key).not.toBe('');
  });

  it('each key uses the same {{placeholders}} in both languages', () => {
    const english = new Map(leaves(en));
    for (const [key, chinese] of leaves(zhCN)) {
      expect(placeholders(english.get(key) ?? ''), key).toEqual(placeholders(chinese));
    }
  });

  it('the default language is Chinese: zh-CN labels contain CJK characters', () => {
    expect(zhCN.nav.patients).toMatch(/[\u4e00-\u9fff]/);
    expect(zhCN.nav.audit).toBe('审计追踪');
  });
});

describe('keys used by the source', () => {
  const srcDir = fileURLToPath(new URL('../src', import.meta.url));
  const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.startsWith('i18n'))
    .map((f) => readFileSync(join(srcDir, f), 'utf8'));
  const known = new Set(leafKeys(zhCN));
  const groups = Object.keys(zhCN);

  it('every literal key in the source (t("group.key"), labelKey) exists in the translations', () => {
    // Policy actions such as can(principal, 'audit.read') look alike but are not translation keys.
    const pattern = new RegExp(`(?<!can\\(\\w+, )'((?:${groups.join('|')})\\.[A-Za-z_]+)'`, 'g');
    const used = new Set(sources.flatMap((text) => [...text.matchAll(pattern)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !known.has(key));
    expect(missing).toEqual([]);
  });

  it('every role, organization kind and sex the contract allows has a label (keys built at run time)', () => {
    for (const role of ROLES) expect(known.has(`role.${role}`), role).toBe(true);
    for (const kind of ORGANIZATION_KINDS) expect(known.has(`orgKind.${kind}`), kind).toBe(true);
    for (const sex of ['female', 'male', 'unknown']) expect(known.has(`sex.${sex}`), sex).toBe(true);
  });
});
