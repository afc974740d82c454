import { KOOS_ITEM_COUNTS, type KoosSubscale } from '@cgtlink/domain/scores/koos';
import { App, Button, Card, Collapse, List, Radio, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { useReportError } from '../components/errors';
import { useLoad } from '../components/useLoad';

const SUBSCALES = Object.keys(KOOS_ITEM_COUNTS) as KoosSubscale[];
const PREFIX: Record<KoosSubscale, string> = { pain: 'P', symptoms: 'S', adl: 'A', sport: 'SP', qol: 'Q' };
type Answers = Record<KoosSubscale, (number | null)[]>;
const empty = (): Answers =>
  Object.fromEntries(SUBSCALES.map((s) => [s, Array(KOOS_ITEM_COUNTS[s]).fill(null)])) as Answers;

/**
 * The knee patient's own KOOS on the patient end: the 42 items of the paper questionnaire, grouped by subscale,
 * answered with large 0–4 buttons on a phone. The server scores it and the hospital sees the scores at once.
 */
export function KoosSelfReport({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const mine = useLoad(() => endpoints.koos(patientId), [patientId]);
  const [answers, setAnswers] = useState<Answers>(empty);
  const [sending, setSending] = useState(false);
  const answered = (s: KoosSubscale) => answers[s].filter((a) => a !== null).length;
  const total = SUBSCALES.reduce((n, s) => n + answered(s), 0);
  const scale = t('measures.koos.scale').split('|');
  const send = async () => {
    setSending(true);
    try {
      await endpoints.reportKoos({ items: answers });
      void message.success(t('measures.koos.thanks'));
      setAnswers(empty());
      mine.reload();
    } catch (e) {
      report(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <Card title={t('measures.koos.title')} data-testid="koos-card">
      <Typography.Paragraph type="secondary">{t('measures.koos.intro')}</Typography.Paragraph>
      <Collapse
        items={SUBSCALES.map((s) => ({
          key: s,
          label: (
            <span>
              {t(`measures.koosNames.${s}`)}{' '}
              <Tag>{t('measures.koos.answered', { answered: answered(s), total: KOOS_ITEM_COUNTS[s] })}</Tag>
            </span>
          ),
          children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {answers[s].map((value, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: items are fixed positions of the questionnaire
                <div key={i} data-testid={`koos-${s}-${i + 1}`}>
                  <Typography.Text strong>
                    {PREFIX[s]}
                    {i + 1} · {t('measures.koos.item', { n: i + 1 })}
                  </Typography.Text>
                  <Radio.Group
                    size="large"
                    optionType="button"
                    buttonStyle="solid"
                    value={value}
                    style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginTop: 4 }}
                    onChange={(e) =>
                      setAnswers((before) => ({
                        ...before,
                        [s]: before[s].map((a, j) => (j === i ? (e.target.value as number) : a)),
                      }))
                    }
                    options={scale.map((label, v) => ({ value: v, label }))}
                  />
                </div>
              ))}
            </Space>
          ),
        }))}
      />
      <Button
        type="primary"
        size="large"
        block
        style={{ marginTop: 12 }}
        disabled={total === 0}
        loading={sending}
        onClick={() => void send()}
        data-testid="koos-submit"
      >
        {t('measures.koos.submit')} ({total}/42)
      </Button>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('measures.koos.mine')}
      </Typography.Title>
      <List
        data-testid="koos-mine"
        dataSource={mine.data ?? []}
        renderItem={(r) => (
          <List.Item>
            <Space wrap size={4}>
              <span>{r.answeredOn}</span>
              {SUBSCALES.map((s) => (
                <Tag key={s}>
                  {t(`measures.koosNames.${s}`)} {r.scores[s] === null ? '—' : r.scores[s].toFixed(0)}
                </Tag>
              ))}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
