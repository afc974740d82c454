/**
 * Recently authenticated sessions, so a burst of API calls does not read the session, account and organization
 * on every request. Entries live a few seconds; this process drops them all at once when any account,
 * organization or session changes (sign-out, disabling, password reset, role change), so within one server a
 * revocation takes effect on the next request. Another process's change (the CLI, a second server) takes effect
 * within the time to live.
 */
export class SessionCache<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();

  constructor(
    readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now: number): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, now: number): void {
    // Crude but bounded: a flood of distinct tokens empties the cache rather than growing it.
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, until: now + this.ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
