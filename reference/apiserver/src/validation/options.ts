// Knobs that upstream takes from feature gates and apiserver flags. Defaults are Kubernetes
// v1.32's out-of-the-box values.
import { DEFAULT_TOLERATION_SECONDS } from './default-toleration-seconds.ts';

export interface ValidationOptions {
  /**
   * RelaxedEnvironmentVariableValidation (beta, on by default in v1.32): env var names may be
   * any printable ASCII but '='. Off: the older C-identifier-like rule.
   */
  relaxedEnvVarNames?: boolean;
  /** --service-node-port-range, inclusive. */
  nodePortRange?: { min: number; max: number };
  /** RecoverVolumeExpansionFailure (beta, on in v1.32): a bound PVC may shrink its request back down. */
  recoverVolumeExpansionFailure?: boolean;
  /** --default-not-ready-toleration-seconds (DefaultTolerationSeconds admission). */
  defaultNotReadyTolerationSeconds?: number;
  /** --default-unreachable-toleration-seconds (DefaultTolerationSeconds admission). */
  defaultUnreachableTolerationSeconds?: number;
}

export type ResolvedOptions = Required<ValidationOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  relaxedEnvVarNames: true,
  nodePortRange: { min: 30000, max: 32767 },
  recoverVolumeExpansionFailure: true,
  defaultNotReadyTolerationSeconds: DEFAULT_TOLERATION_SECONDS,
  defaultUnreachableTolerationSeconds: DEFAULT_TOLERATION_SECONDS,
};

export const resolveOptions = (opts: ValidationOptions = {}): ResolvedOptions => ({
  ...DEFAULT_OPTIONS,
  ...opts,
});
