import { PRO_CTCAE_ITEMS } from '@cgtlink/domain/followup/pro-ctcae';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { ErrorAlert, useReportError } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { DATE_FORMAT } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { KoosSelfReport } from './KoosSelfReport';

type Answers = Record<string, number | undefined>;

/**
 * The patient end, for a phone: upcoming visits, a symptom report (PRO-CTCAE items, one symptom at a time,
 * big radio buttons) and the reports already sent. The hospital sees each report in its inbox; a report with a
 * severe or very severe answer also raised an alert there, and its line says the hospital was told.
 */
export function MyHealthPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const principal = usePrincipal();
  const patientId = principal.patientId ?? '';
  const followup = useLoad(() => endpoints.followup(patientId), [patientId]);
  const mine = useLoad(() => endpoints.symptomReports(), []);
  const [symptom, setSymptom] = useState<string>();
  const [answers, setAnswers] = useState<Answers>({});
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [diaryDate, setDiaryDate] = useState<Dayjs | null>(dayjs());
  const [diaryVolume, setDiaryVolume] = useState<number | null>(null);
  const sendDiary = async () => {
    if (!diaryDate || !diaryVolume) return;
    try {
      await endpoints.reportTransfusion({
        givenOn: diaryDate.format(DATE_FORMAT),
        product: 'red-cells',
        volumeMl: diaryVolume,
      });
      void message.success(t('symptoms.thanks'));
      setDiaryVolume(null);
      followup.reload();
    } catch (e) {
      report(e);
    }
  };
  const item = PRO_CTCAE_ITEMS.find((i) => i.symptom === symptom);
  const complete = item?.attributes.every((a) => answers[a] !== undefined) ?? false;

  const send = async () => {
    if (!item) return;
    setSending(true);
    try {
      const sent = await endpoints.reportSymptoms({
        items: [
          { symptom: item.symptom, ...Object.fromEntries(item.attributes.map((a) => [a, answers[a]])) },
        ],
        note: note.trim() || null,
      });
      void message.success(t(sent.hospitalAlert ? 'symptoms.thanksAlerted' : 'symptoms.thanks'));
      setSymptom(undefined);
      setAnswers({});
      setNote('');
      mine.reload();
    } catch (e) {
      report(e);
    } finally {
      setSending(false);
    }
  };

  const upcoming = (followup.data?.visits ?? []).filter((v) => v.status !== 'done').slice(0, 3);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 560 }}>
      <Card title={t('symptoms.report')} data-testid="symptom-card">
        <Form layout="vertical">
          <Form.Item label={t('symptoms.pick')}>
            <Select
              size="large"
              value={symptom}
              data-testid="symptom-pick"
              onChange={(s: string) => {
                setSymptom(s);
                setAnswers({});
              }}
              options={PRO_CTCAE_ITEMS.map((i) => ({
                value: i.symptom,
                label: t(`symptoms.names.${i.symptom}`),
              }))}
            />
          </Form.Item>
          {item?.attributes.map((a) => (
            <Form.Item key={a} label={t(`symptoms.attributes.${a}`)}>
              <Radio.Group
                value={answers[a]}
                onChange={(e) => setAnswers((before) => ({ ...before, [a]: e.target.value as number }))}
                data-testid={`symptom-${a}`}
              >
                <Space orientation="vertical">
                  {t(`symptoms.scale.${a}`)
                    .split('|')
                    .map((label, value) => (
                      <Radio key={label} value={value} style={{ fontSize: 16 }}>
                        {label}
                      </Radio>
                    ))}
                </Space>
              </Radio.Group>
            </Form.Item>
          ))}
          {item && (
            <Form.Item label={t('symptoms.note')}>
              <Input.TextArea
                rows={2}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                data-testid="symptom-note"
              />
            </Form.Item>
          )}
          <Button
            type="primary"
            size="large"
            block
            disabled={!complete}
            loading={sending}
            onClick={() => void send()}
            data-testid="symptom-submit"
          >
            {t('symptoms.submit')}
          </Button>
        </Form>
      </Card>
      <Card title={t('symptoms.diary')} data-testid="diary-card">
        <Space wrap>
          <DatePicker size="large" format={DATE_FORMAT} value={diaryDate} onChange={setDiaryDate} />
          <InputNumber
            size="large"
            min={1}
            max={5000}
            placeholder="mL"
            value={diaryVolume}
            onChange={setDiaryVolume}
          />
          <Button size="large" onClick={() => void sendDiary()} disabled={!diaryDate || !diaryVolume}>
            {t('symptoms.submit')}
          </Button>
        </Space>
        <List
          dataSource={(followup.data?.transfusions ?? []).filter((x) => x.source === 'patient').slice(-5)}
          renderItem={(x) => (
            <List.Item>
              {x.givenOn} {x.volumeMl} mL{' '}
              <Tag>{t(`symptoms.diaryStatus.${x.status === 'final' ? 'confirmed' : 'pending'}`)}</Tag>
            </List.Item>
          )}
        />
      </Card>
      {patientId && <KoosSelfReport patientId={patientId} />}
      <Card title={t('symptoms.upcoming')}>
        <ErrorAlert error={followup.error} />
        {upcoming.length === 0 ? (
          <Empty description={t('followup.noData')} />
        ) : (
          <List
            dataSource={upcoming}
            renderItem={(v) => (
              <List.Item>
                <Typography.Text strong>{v.label}</Typography.Text> {v.windowStart} – {v.windowEnd}{' '}
                <Tag>{t(`visitStatus.${v.status}`)}</Tag>
              </List.Item>
            )}
          />
        )}
      </Card>
      <Card title={t('symptoms.mine')}>
        <List
          data-testid="symptom-mine"
          dataSource={mine.data ?? []}
          renderItem={(r) => (
            <List.Item>
              <Space orientation="vertical" size={0}>
                <span>
                  {r.reportedOn} {r.items.map((i) => t(`symptoms.names.${i.symptom}`)).join('、')}{' '}
                  <Tag>{t(`symptoms.status.${r.status}`)}</Tag>
                </span>
                {r.hospitalAlert && (
                  <Typography.Text type="warning" data-testid="symptom-hospital-alerted">
                    {t(
                      r.hospitalAlert.status === 'open'
                        ? 'symptoms.hospitalAlerted'
                        : 'symptoms.hospitalAcknowledged',
                    )}
                  </Typography.Text>
                )}
              </Space>
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
