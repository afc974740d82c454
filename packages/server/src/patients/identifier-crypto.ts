import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Direct identifiers (name, national ID, phone) are encrypted in the application with AES-256-GCM, because the
 * embedded engine has no pgcrypto and because the key must never reach the database. A keyed HMAC of the
 * normalized national ID finds duplicate registrations across hospitals without revealing the identifier.
 */
export class IdentifierCrypto {
  readonly #encKey: Buffer;
  readonly #macKey: Buffer;

  constructor(secret: string) {
    const master = Buffer.from(secret, 'utf8');
    this.#encKey = Buffer.from(hkdfSync('sha256', master, 'cgtlink', 'identifier-encryption-v1', 32));
    this.#macKey = Buffer.from(hkdfSync('sha256', master, 'cgtlink', 'identity-hash-v1', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag)
      throw new Error('unreadable encrypted identifier');
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Keyed hash of a national ID, normalized (upper case, no spaces) so trivial variants match. */
  identityHash(nationalId: string): string {
    return createHmac('sha256', this.#macKey)
      .update(nationalId.replace(/\s+/g, '').toUpperCase())
      .digest('hex');
  }
}
