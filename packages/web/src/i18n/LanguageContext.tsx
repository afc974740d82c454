import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { applyLanguage, type Language } from './index';

interface LanguageValue {
  language: Language;
  setLanguage(language: Language): void;
}

const LanguageContext = createContext<LanguageValue | null>(null);

export function LanguageProvider({ initial, children }: { initial: Language; children: ReactNode }) {
  const [language, setState] = useState<Language>(initial);
  const setLanguage = useCallback((next: Language) => {
    void applyLanguage(next).then(() => setState(next));
  }, []);
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageValue {
  const value = useContext(LanguageContext);
  if (!value) throw new Error('useLanguage outside LanguageProvider');
  return value;
}
