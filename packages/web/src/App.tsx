import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter } from 'react-router-dom';
import type { Language } from './i18n/index';
import { LanguageProvider, useLanguage } from './i18n/LanguageContext';
import { AppRoutes } from './routes';
import { SessionProvider } from './session/SessionContext';

const ANTD_LOCALE = { 'zh-CN': zhCN, en: enUS } as const;

function Themed() {
  const { language } = useLanguage();
  return (
    <ConfigProvider locale={ANTD_LOCALE[language]} theme={{ token: { colorPrimary: '#0b6e69' } }}>
      <AntApp>
        <BrowserRouter>
          <SessionProvider>
            <AppRoutes />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App({ initialLanguage }: { initialLanguage: Language }) {
  return (
    <LanguageProvider initial={initialLanguage}>
      <Themed />
    </LanguageProvider>
  );
}
