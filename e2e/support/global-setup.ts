import type { TestProject } from 'vitest/node';
import { startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the one server of this e2e run listens, e.g. http://127.0.0.1:41234 */
    baseUrl: string;
  }
}

/**
 * One server for the whole run: migrating and seeding PGlite takes seconds, so the files share it and each
 * test writes only records of its own (unique codes and usernames).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide('baseUrl', server.baseUrl);
  return () => server.close();
}
