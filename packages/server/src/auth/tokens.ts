import { createHash, randomBytes } from 'node:crypto';

/** A session or API token: 256 random bits. Only its SHA-256 is stored, so a database leak yields no tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
