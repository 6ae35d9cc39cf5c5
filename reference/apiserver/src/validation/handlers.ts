// Probe and lifecycle handlers of containers: exactly one action each, valid ports, sane
// probe numbers (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (validateHandler, validateProbe,
// validateLivenessProbe, validateReadinessProbe, validateStartupProbe, validateLifecycle,
// validateSleepAction, ValidatePortNumOrName).

import { int, isSet, list, obj, type Obj, str } from './access.ts';
import type { ContainerContext } from './container.ts';
import {
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
  type FieldPath,
} from './field-error.ts';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names.ts';
import { IS_NEGATIVE } from './object-meta.ts';

/** intstr ports: a number is a port number, a string a port name. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  const n = int(port);
  return isValidPortNum(n).map((msg) => invalid(path, n, msg));
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(
  h: Obj,
  kinds: readonly string[],
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  for (const kind of kinds) {
    if (!isSet(h[kind])) continue;
    const p = path.child(kind);
    if (handlers > 0) {
      errs.push(forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    handlers++;
    const a = obj(h[kind]);
    if (kind === 'exec' && list(a.command).length === 0) errs.push(required(p.child('command')));
    if (kind === 'httpGet') {
      if (str(a.path).length === 0) errs.push(required(p.child('path')));
      errs.push(...validatePortNumOrName(a.port, p.child('port')));
      const scheme = str(a.scheme);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS')
        errs.push(notSupported(p.child('scheme'), scheme, ['HTTP', 'HTTPS']));
      for (const header of list(a.httpHeaders)) {
        const hn = str(obj(header).name);
        errs.push(...isHTTPHeaderName(hn).map((msg) => invalid(p.child('httpHeaders'), hn, msg)));
      }
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(a.port, p.child('port')));
    if (kind === 'grpc') errs.push(...validatePortNumOrName(int(a.port), p.child('port')));
    if (kind === 'sleep' && ctx.gracePeriod !== undefined) {
      const seconds = int(a.seconds);
      if (seconds <= 0 || seconds > ctx.gracePeriod) {
        const msg = `must be greater than 0 and less than terminationGracePeriodSeconds (${ctx.gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`;
        errs.push(invalid(p, seconds, msg));
      }
    }
  }
  if (handlers === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

function validateProbe(raw: unknown, kind: ProbeKind, ctx: ContainerContext, path: FieldPath): FieldError[] {
  if (!isSet(raw)) return [];
  const probe = obj(raw);
  const errs = validateHandler(probe, PROBE_HANDLERS, ctx, path);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    const v = int(probe[f]);
    if (v < 0) errs.push(invalid(path.child(f), v, IS_NEGATIVE));
  }
  if (isSet(probe.terminationGracePeriodSeconds) && int(probe.terminationGracePeriodSeconds) <= 0) {
    errs.push(
      invalid(
        path.child('terminationGracePeriodSeconds'),
        int(probe.terminationGracePeriodSeconds),
        'must be greater than 0',
      ),
    );
  }
  if (kind === 'readinessProbe' && isSet(probe.terminationGracePeriodSeconds)) {
    errs.push(
      invalid(
        path.child('terminationGracePeriodSeconds'),
        int(probe.terminationGracePeriodSeconds),
        'must not be set for readinessProbes',
      ),
    );
  }
  if (kind !== 'readinessProbe' && int(probe.successThreshold) !== 1) {
    errs.push(invalid(path.child('successThreshold'), int(probe.successThreshold), 'must be 1'));
  }
  return errs;
}

export function validateLifecycleAndProbes(c: Obj, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(c.lifecycle)) {
    const lc = obj(c.lifecycle);
    for (const hook of ['postStart', 'preStop']) {
      if (isSet(lc[hook]))
        errs.push(...validateHandler(obj(lc[hook]), LIFECYCLE_HANDLERS, ctx, path.child('lifecycle', hook)));
    }
  }
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbe(c[kind], kind, ctx, path.child(kind)));
  }
  return errs;
}
