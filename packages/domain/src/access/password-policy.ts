/**
 * Password policy after NIST SP 800-63B §5.1.1.2: length over composition rules, a blocklist of common and
 * context-specific passwords, and no forced character classes beyond a minimum of variety.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// The most common passwords and their obvious clinic-flavoured variants; compared case-insensitively.
const BLOCKLIST = new Set([
  'password1234',
  'password12345',
  'passw0rd1234',
  '123456789012',
  '1234567890123',
  'qwertyuiop12',
  'qwerty123456',
  'iloveyou1234',
  'admin1234567',
  'administrator',
  'letmein12345',
  'welcome12345',
  'changeme1234',
  'cgtlink12345',
  'cgtlink123456',
  'hospital1234',
  'thalassemia1',
  '11111111111111',
  'aaaaaaaaaaaa',
  'abc123456789',
  'abcdefghijkl',
]);

export interface PasswordCheck {
  ok: boolean;
  problems: string[];
}

export function checkPassword(
  password: string,
  context: { username?: string; displayName?: string } = {},
): PasswordCheck {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (BLOCKLIST.has(lower)) problems.push('is a commonly used password');
  if (new Set(chars).size < 5) problems.push('must use at least 5 different characters');
  const username = context.username?.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username))
    problems.push('must not contain the username');
  return { ok: problems.length === 0, problems };
}
