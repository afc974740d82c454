import { isOrganizationKind, isRole, ORGANIZATION_KINDS, ROLES } from '@cgtlink/domain/access/index';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { withPlatform } from './platform';

export async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('pipe the password on standard input (--password-stdin), never as an argument');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new UsageError('no password on standard input');
  return password;
}

export function registerUsers(program: Command): void {
  const user = program.command('user').description('Manage user accounts');
  user
    .command('add')
    .description('Add a user account; the password is read from standard input')
    .requiredOption('--org <code>', 'organization code, e.g. NSH')
    .requiredOption('--username <name>', 'sign-in name (lower case)')
    .requiredOption('--name <display>', 'printed name, shown with signatures')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .option('--patient <id>', 'for patient accounts: the patient record id')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .action(async (o: { org: string; username: string; name: string; role: string; patient?: string }) => {
      if (!isRole(o.role)) throw new UsageError(`--role must be one of: ${ROLES.join(', ')}`);
      const role = o.role;
      const password = await readPasswordFromStdin();
      await withPlatform({}, async (platform) => {
        const org = await platform.database.db
          .selectFrom('organization')
          .select('id')
          .where('code', '=', o.org)
          .executeTakeFirst();
        if (!org) throw new UsageError(`no organization with code ${o.org}`);
        try {
          const created = await platform.users.createAsSystem(
            { system: 'cli user add' },
            {
              organizationId: org.id,
              username: o.username,
              displayName: o.name,
              role,
              password,
              patientId: o.patient ?? null,
            },
          );
          process.stdout.write(`added ${created.username} (${created.role}) to ${o.org}: ${created.id}\n`);
        } catch (error) {
          throw new UsageError(error instanceof Error ? error.message : String(error));
        }
      });
    });

  const org = program.command('org').description('Manage organizations');
  org
    .command('add')
    .description('Add an organization (the first one is usually the platform operator)')
    .requiredOption('--code <code>', 'short code, upper case, e.g. NSH')
    .requiredOption('--kind <kind>', `one of: ${ORGANIZATION_KINDS.join(', ')}`)
    .requiredOption('--name-zh <name>', 'Chinese name')
    .requiredOption('--name-en <name>', 'English name')
    .action(async (o: { code: string; kind: string; nameZh: string; nameEn: string }) => {
      if (!isOrganizationKind(o.kind))
        throw new UsageError(`--kind must be one of: ${ORGANIZATION_KINDS.join(', ')}`);
      if (!/^[A-Z0-9][A-Z0-9-]{1,31}$/.test(o.code))
        throw new UsageError('--code: upper-case letters, digits and hyphens, 2–32');
      const { appendAudit } = await import('@cgtlink/server/audit/audit-log');
      const { asSystem } = await import('@cgtlink/server/db/scoped');
      await withPlatform({}, async (platform) => {
        const id = await asSystem(platform.database.db, async (tx) => {
          const clash = await tx
            .selectFrom('organization')
            .select('id')
            .where('code', '=', o.code)
            .executeTakeFirst();
          if (clash) throw new UsageError(`organization ${o.code} already exists`);
          const row = await tx
            .insertInto('organization')
            .values({ code: o.code, kind: o.kind, name_zh: o.nameZh, name_en: o.nameEn })
            .returning('id')
            .executeTakeFirstOrThrow();
          await appendAudit(
            tx,
            { system: 'cli org add' },
            { action: 'create', entityType: 'organization', entityId: row.id, newValues: { ...o } },
          );
          return row.id;
        });
        process.stdout.write(`added organization ${o.code}: ${id}\n`);
      });
    });
}
