// Upstream's apps/v1 defaulting (pkg/apis/apps/v1/defaults.go, SetDefaults_ReplicaSet and
// SetDefaults_Deployment, and zz_generated.defaults.go, which runs the pod defaulters on the
// template). Pure: returns a new object and never changes its input; values of the wrong type are
// left as they are.
import { clone, isObj, isSet, type Obj } from './access.ts';
import { defaultPodSpec } from './defaults.ts';

function specOf(out: Obj): Obj | undefined {
  if (!isSet(out.spec)) out.spec = {};
  return isObj(out.spec) ? out.spec : undefined;
}

/** The pod template's spec gets what a pod's spec gets (SetDefaults_PodSpec and below). */
function defaultTemplate(spec: Obj): void {
  const template = isObj(spec.template) ? spec.template : undefined;
  if (template && isObj(template.spec)) defaultPodSpec(template.spec);
}

/** SetDefaults_ReplicaSet: replicas 1; the template as a pod. */
function defaultReplicaSet(rs: unknown): unknown {
  if (!isObj(rs)) return rs;
  const out = clone(rs);
  const spec = specOf(out);
  if (!spec) return out;
  if (!isSet(spec.replicas)) spec.replicas = 1;
  defaultTemplate(spec);
  return out;
}

/**
 * SetDefaults_Deployment: replicas 1, strategy RollingUpdate with maxUnavailable and maxSurge
 * 25%, revisionHistoryLimit 10, progressDeadlineSeconds 600; the template as a pod.
 */
function defaultDeployment(d: unknown): unknown {
  if (!isObj(d)) return d;
  const out = clone(d);
  const spec = specOf(out);
  if (!spec) return out;
  if (!isSet(spec.replicas)) spec.replicas = 1;
  if (!isSet(spec.strategy)) spec.strategy = {};
  if (isObj(spec.strategy)) {
    const strategy = spec.strategy;
    if (!isSet(strategy.type) || strategy.type === '') strategy.type = 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      if (!isSet(strategy.rollingUpdate)) strategy.rollingUpdate = {};
      if (isObj(strategy.rollingUpdate)) {
        if (!isSet(strategy.rollingUpdate.maxUnavailable)) strategy.rollingUpdate.maxUnavailable = '25%';
        if (!isSet(strategy.rollingUpdate.maxSurge)) strategy.rollingUpdate.maxSurge = '25%';
      }
    }
  }
  if (!isSet(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (!isSet(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
  return out;
}

const DEFAULTERS: Record<string, (o: unknown) => unknown> = {
  ReplicaSet: defaultReplicaSet,
  Deployment: defaultDeployment,
};

/** Applies the apps/v1 defaults of `kind`; other kinds come back as a copy. Pure. */
export function applyAppsDefaults(kind: string, object: unknown): unknown {
  const fn = DEFAULTERS[kind];
  if (fn) return fn(object);
  return isObj(object) ? clone(object) : object;
}
