// Every benchmark `npm run bench -- NAME` knows, listed explicitly.
import type { Benchmark } from './benchmark.ts';
import { apiserverBench } from './apiserver.ts';
import { fixtureImagesBench } from './fixture-images.ts';
import { schedulerBench } from './scheduler.ts';
import { podStartupBench } from './pod-startup.ts';
import { suiteBench } from './suite.ts';

export const BENCHMARKS: readonly Benchmark[] = [
  fixtureImagesBench,
  apiserverBench,
  schedulerBench,
  podStartupBench,
  suiteBench,
];
