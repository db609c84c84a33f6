#!/usr/bin/env node
// Launcher for `npx docgate` / `npm link`: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('./docgate.ts');
const code = await main(process.argv);
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (command !== 'serve' || code !== 0) process.exit(code);
