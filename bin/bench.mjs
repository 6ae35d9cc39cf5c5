#!/usr/bin/env node
// Entry point of `npm run bench -- NAME`.
import { register } from 'tsx/esm/api';

register();
const { runBench } = await import('../bench/run.ts');
process.exitCode = await runBench(process.argv.slice(2));
