#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repository needs no compile step before use.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
