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
