import type { Language } from '../i18n/index';

/** An organization's name in the interface language (both names are mandatory on the server). */
export function organizationName(org: { nameZh: string; nameEn: string }, language: Language): string {
  return language === 'zh-CN' ? org.nameZh : org.nameEn;
}
