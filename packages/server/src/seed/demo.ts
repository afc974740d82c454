import type { Role } from '@cgtlink/domain/access/index';
import { appendAudit } from '../audit/audit-log';
import { asSystem } from '../db/scoped';
import { seedDemoFiling } from '../pathway/demo-filing';
import type { Platform } from '../platform';
import { seedFollowupCohort } from './demo-cohort';
import { seedEvaluationCohort } from './evaluation';
import { seedLaboratory } from './laboratory';

/**
 * The demo world: the Nansha public service centre running the platform, the provincial regulator, two
 * hospitals, the clinical-grade seed cell bank as laboratory, a sponsor and a patients' foundation, one account
 * for every role, and a handful of thalassemia patients. All names are invented.
 */
export const DEMO_PASSWORD = 'Nansha-demo-2026!';

const ORGANIZATIONS = [
  {
    code: 'NS-PSC',
    kind: 'platform',
    nameZh: '南沙细胞与基因治疗公共服务中心',
    nameEn: 'Nansha CGT Public Service Centre',
  },
  {
    code: 'GD-HC',
    kind: 'regulator',
    nameZh: '广东省卫生健康委员会',
    nameEn: 'Guangdong Provincial Health Commission',
  },
  {
    code: 'NSH',
    kind: 'hospital',
    nameZh: '广州市第一人民医院南沙医院',
    nameEn: "Guangzhou First People's Hospital Nansha Hospital",
  },
  { code: 'NBCH', kind: 'hospital', nameZh: '南沙湾区儿童医院', nameEn: 'Nansha Bay Children’s Hospital' },
  {
    code: 'GBA-SCB',
    kind: 'laboratory',
    nameZh: '粤港澳大湾区临床级种子细胞库',
    nameEn: 'Greater Bay Area Clinical-Grade Seed Cell Bank',
  },
  {
    code: 'NS-GENE',
    kind: 'sponsor',
    nameZh: '南沙基因治疗有限公司',
    nameEn: 'Nansha Gene Therapeutics Co., Ltd.',
  },
  {
    code: 'THAL-CARE',
    kind: 'foundation',
    nameZh: '地中海贫血关爱基金会',
    nameEn: 'Thalassemia Care Foundation',
  },
  // The evaluation centre (issue 9): a regulator-side organization.
  {
    code: 'GBA-EVAL',
    kind: 'regulator',
    nameZh: '粤港澳大湾区生物治疗健康效应评价中心',
    nameEn: 'Greater Bay Area Biotherapy Health Effect Evaluation Center',
  },
] as const;

const USERS: { username: string; displayName: string; role: Role; org: string }[] = [
  { username: 'admin', displayName: '陈立 Chen Li', role: 'platform_admin', org: 'NS-PSC' },
  { username: 'inspector', displayName: '黄敏 Huang Min', role: 'regulator_inspector', org: 'GD-HC' },
  { username: 'dr.zhou', displayName: '周晓峰 Zhou Xiaofeng', role: 'hospital_physician', org: 'NSH' },
  { username: 'coord.lin', displayName: '林嘉欣 Lin Jiaxin', role: 'hospital_coordinator', org: 'NSH' },
  { username: 'dr.he', displayName: '何文静 He Wenjing', role: 'hospital_physician', org: 'NBCH' },
  { username: 'analyst.wu', displayName: '吴志强 Wu Zhiqiang', role: 'lab_analyst', org: 'GBA-SCB' },
  { username: 'qc.liang', displayName: '梁慧 Liang Hui', role: 'qc_manager', org: 'GBA-SCB' },
  { username: 'qp.tang', displayName: '唐振华 Tang Zhenhua', role: 'qualified_person', org: 'GBA-SCB' },
  { username: 'sponsor.xu', displayName: '徐静 Xu Jing', role: 'sponsor_user', org: 'NS-GENE' },
  { username: 'foundation.yang', displayName: '杨帆 Yang Fan', role: 'foundation_user', org: 'THAL-CARE' },
  // The evaluation centre: an evaluator and a reviewer (issue 9).
  { username: 'evaluator.chen', displayName: '陈思敏 Chen Simin', role: 'evaluator', org: 'GBA-EVAL' },
  { username: 'reviewer.luo', displayName: '罗嘉明 Luo Jiaming', role: 'evaluator', org: 'GBA-EVAL' },
];

const PATIENTS = [
  {
    org: 'NSH',
    name: '李小明',
    nationalId: '440115201103150012',
    sex: 'male',
    birthDate: '2011-03-15',
    diagnosis: 'β-thalassemia major (β0/β0, HBB c.126_129delCTTT homozygous)',
  },
  {
    org: 'NSH',
    name: '张雨桐',
    nationalId: '440115201407220028',
    sex: 'female',
    birthDate: '2014-07-22',
    diagnosis: 'β-thalassemia major (β0/β+, HBB c.126_129delCTTT / c.-78A>G)',
  },
  {
    org: 'NSH',
    name: '王建国',
    nationalId: '440115196505060019',
    sex: 'male',
    birthDate: '1965-05-06',
    diagnosis: 'Knee osteoarthritis, Kellgren–Lawrence grade 3',
  },
  {
    org: 'NSH',
    name: '刘芳',
    nationalId: '440115197809110047',
    sex: 'female',
    birthDate: '1978-09-11',
    diagnosis: 'HBV-related acute-on-chronic liver failure',
  },
  {
    org: 'NBCH',
    name: '陈思远',
    nationalId: '440115201609300035',
    sex: 'male',
    birthDate: '2016-09-30',
    diagnosis: 'β-thalassemia major (βE/β0, HBB c.79G>A / c.52A>T)',
  },
  {
    org: 'NBCH',
    name: '黄可欣',
    nationalId: '440115201205180061',
    sex: 'female',
    birthDate: '2012-05-18',
    diagnosis: 'β-thalassemia major (β0/β0, HBB c.52A>T homozygous)',
  },
] as const;

export interface DemoCredentials {
  username: string;
  role: Role;
  organization: string;
  password: string;
}

/**
 * Seeds the demo world once; a second call finds it and only returns the credentials. `cohort` adds that many
 * invented patients with years of follow-up (the CLI's demo uses CGTLINK_DEMO_COHORT, default 300).
 */
export async function seedDemo(
  platform: Platform,
  options: { cohort?: number } = {},
): Promise<{ created: boolean; credentials: DemoCredentials[] }> {
  if (platform.config.mode === 'production') {
    throw new Error(
      'the demo seed is refused in production mode: set CGTLINK_MODE=demo for a demonstration database',
    );
  }
  const actor = { system: 'demo seed' };
  const credentials: DemoCredentials[] = USERS.map((u) => ({
    username: u.username,
    role: u.role,
    organization: u.org,
    password: DEMO_PASSWORD,
  }));
  credentials.push({
    username: 'guardian.li',
    role: 'patient',
    organization: 'NSH',
    password: DEMO_PASSWORD,
  });
  const { db } = platform.database;
  const existing = await db.selectFrom('organization').select('id').limit(1).executeTakeFirst();
  if (existing) return { created: false, credentials };

  const orgIds = new Map<string, string>();
  const patientIds: string[] = [];
  await asSystem(db, async (tx) => {
    for (const org of ORGANIZATIONS) {
      const row = await tx
        .insertInto('organization')
        .values({ code: org.code, kind: org.kind, name_zh: org.nameZh, name_en: org.nameEn })
        .returning('id')
        .executeTakeFirstOrThrow();
      orgIds.set(org.code, row.id);
      await appendAudit(tx, actor, {
        action: 'create',
        entityType: 'organization',
        entityId: row.id,
        newValues: { ...org },
      });
    }
  });
  // In parallel: the scrypt hashing runs on libuv's thread pool while the inserts queue for the database.
  await Promise.all(
    USERS.map((user) =>
      platform.users.createAsSystem(actor, {
        organizationId: orgIds.get(user.org)!,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        password: DEMO_PASSWORD,
      }),
    ),
  );
  // Patients are registered through the service, as their hospital's coordinator or physician would.
  for (const patient of PATIENTS) {
    const staff = USERS.find(
      (u) => u.org === patient.org && (u.role === 'hospital_coordinator' || u.role === 'hospital_physician'),
    )!;
    const principal = {
      userId: (
        await db
          .selectFrom('app_user')
          .select('id')
          .where('username', '=', staff.username)
          .executeTakeFirstOrThrow()
      ).id,
      username: staff.username,
      displayName: staff.displayName,
      role: staff.role,
      organizationId: orgIds.get(patient.org)!,
      organizationKind: 'hospital' as const,
      patientId: null,
    };
    const created = await platform.patients.create(
      { principal, requestId: 'demo-seed' },
      {
        name: patient.name,
        nationalId: patient.nationalId,
        sex: patient.sex,
        birthDate: patient.birthDate,
        diagnosis: patient.diagnosis,
      },
    );
    patientIds.push(created.id);
  }
  await platform.users.createAsSystem(actor, {
    organizationId: orgIds.get('NSH')!,
    username: 'guardian.li',
    displayName: '李建华（李小明的父亲）Li Jianhua, guardian',
    role: 'patient',
    password: DEMO_PASSWORD,
    patientId: patientIds[0]!,
  });
  await seedDemoFiling(db);
  await seedLaboratory(platform, DEMO_PASSWORD);
  // The follow-up cohort (years of records for a few hundred patients) is for demonstrations, not for tests.
  if (options.cohort && options.cohort > 0) {
    await seedFollowupCohort(platform, options.cohort, patientIds[0]);
    await seedEvaluationCohort(platform);
  }
  await platform.sealer.flush();
  return { created: true, credentials };
}

/** The size of the demo follow-up cohort: CGTLINK_DEMO_COHORT (0 turns it off), default 300. */
export function demoCohortSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CGTLINK_DEMO_COHORT;
  const n = raw === undefined || raw === '' ? 300 : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 5000)
    throw new Error('CGTLINK_DEMO_COHORT must be an integer 0–5000');
  return n;
}
