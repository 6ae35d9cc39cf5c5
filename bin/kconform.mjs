#!/usr/bin/env node
// Entry point of the kconform command: runs the TypeScript sources through tsx, so a clone
// works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
