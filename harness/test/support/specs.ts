// A catalogue entry for the runner's unit tests: a stable MUST core spec whose area is the id's
// first word, with whatever fields a test needs set otherwise.
import type { Spec } from '../../../conformance/lib/specs.ts';

export function spec(id: string, more: Partial<Spec> = {}): Spec {
  const area = id.split('-')[0]!.toLowerCase();
  return {
    id,
    area,
    level: 'MUST',
    feature: 'core',
    description: 'd',
    upstream: '',
    timeout: 10_000,
    tags: [],
    stage: 'stable',
    file: `${area}.yaml`,
    ...more,
  };
}
