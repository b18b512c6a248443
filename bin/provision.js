#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step to forget or go stale.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
