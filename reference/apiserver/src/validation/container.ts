// Container validation: names, images, ports, env, volume mounts, pull policy, resources, probes
// and lifecycle handlers, in upstream's order and with its messages (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (validateContainers, validateContainerCommon,
// validateInitContainers, validateProbe, validateHandler, ValidateVolumeMounts, ValidateEnv...).

import { int, isSet, list, obj, type Obj, str } from './access.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
  type FieldError,
  type FieldPath,
} from './field-error.ts';
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.ts';
import { validateLifecycleAndProbes } from './handlers.ts';
import type { ResolvedOptions } from './options.ts';
import { validateResourceRequirements } from './resources.ts';

export interface ContainerContext {
  /** Volumes that validated cleanly, by name (upstream's `vols` map). */
  volumes: Map<string, Obj>;
  /** spec.terminationGracePeriodSeconds, when set. */
  gracePeriod: number | undefined;
  opts: ResolvedOptions;
}

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
/** Field labels the v1 downward API converts at all (podshelper.ConvertDownwardAPIFieldLabel). */
const CONVERTIBLE_FIELD_PATHS = new Set([
  ...ENV_FIELD_PATHS,
  'metadata.annotations',
  'metadata.labels',
  'spec.restartPolicy',
  'spec.schedulerName',
  'status.phase',
]);
const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** ValidateDNS1123Label on a field. */
export const dnsLabelErrors = (value: string, path: FieldPath): FieldError[] =>
  isDNS1123Label(value).map((msg) => invalid(path, value, msg));

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((raw, i) => {
    const port = obj(raw);
    const p = path.index(i);
    const name = str(port.name);
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((msg) => invalid(p.child('name'), name, msg)));
      else if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = int(port.containerPort);
    if (containerPort === 0) errs.push(required(p.child('containerPort')));
    else
      errs.push(
        ...isValidPortNum(containerPort).map((msg) => invalid(p.child('containerPort'), containerPort, msg)),
      );
    const hostPort = int(port.hostPort);
    if (hostPort !== 0)
      errs.push(...isValidPortNum(hostPort).map((msg) => invalid(p.child('hostPort'), hostPort, msg)));
    const protocol = str(port.protocol);
    if (protocol.length === 0) errs.push(required(p.child('protocol')));
    else if (!PORT_PROTOCOLS.includes(protocol))
      errs.push(notSupported(p.child('protocol'), protocol, PORT_PROTOCOLS));
  });
  return errs;
}

function envNameErrors(name: string, path: FieldPath, opts: ResolvedOptions): FieldError[] {
  const msgs = opts.relaxedEnvVarNames ? isRelaxedEnvVarName(name) : isEnvVarName(name);
  return msgs.map((msg) => invalid(path, name, msg));
}

function validateFieldRef(ref: Obj, path: FieldPath): FieldError[] {
  const apiVersion = str(ref.apiVersion);
  const fieldPath = str(ref.fieldPath);
  if (apiVersion.length === 0) return [required(path.child('apiVersion'))];
  if (fieldPath.length === 0) return [required(path.child('fieldPath'))];
  if (apiVersion !== 'v1') {
    return [
      invalid(
        path.child('fieldPath'),
        fieldPath,
        `error converting fieldPath: unsupported pod version: ${apiVersion}`,
      ),
    ];
  }
  const subscripted = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fieldPath);
  if (subscripted) {
    const key = subscripted[2] ?? '';
    const checked = subscripted[1] === 'metadata.annotations' ? key.toLowerCase() : key;
    return isQualifiedName(checked).map((msg) => invalid(path, checked, msg));
  }
  if (!CONVERTIBLE_FIELD_PATHS.has(fieldPath)) {
    return [
      invalid(
        path.child('fieldPath'),
        fieldPath,
        `error converting fieldPath: field label not supported: ${fieldPath}`,
      ),
    ];
  }
  if (!ENV_FIELD_PATHS.includes(fieldPath))
    return [notSupported(path.child('fieldPath'), fieldPath, ENV_FIELD_PATHS)];
  return [];
}

function validateKeySelector(ref: Obj, path: FieldPath): FieldError[] {
  const errs = nameIsDNSSubdomain(str(ref.name), false).map((msg) =>
    invalid(path.child('name'), str(ref.name), msg),
  );
  const key = str(ref.key);
  if (key.length === 0) errs.push(required(path.child('key')));
  else errs.push(...isConfigMapKey(key).map((msg) => invalid(path.child('key'), key, msg)));
  return errs;
}

function validateEnvValueFrom(ev: Obj, path: FieldPath): FieldError[] {
  if (!isSet(ev.valueFrom)) return [];
  const from = obj(ev.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (isSet(from.fieldRef)) {
    sources++;
    errs.push(...validateFieldRef(obj(from.fieldRef), path.child('fieldRef')));
  }
  if (isSet(from.resourceFieldRef)) {
    sources++;
    const resource = str(obj(from.resourceFieldRef).resource);
    const p = path.child('resourceFieldRef');
    if (resource.length === 0) errs.push(required(p.child('resource')));
    else if (!RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
      errs.push(notSupported(p.child('resource'), resource, RESOURCE_FIELD_PATHS));
    }
  }
  if (isSet(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(obj(from.configMapKeyRef), path.child('configMapKeyRef')));
  }
  if (isSet(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(obj(from.secretKeyRef), path.child('secretKeyRef')));
  }
  if (sources === 0) {
    errs.push(
      invalid(
        path,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  } else if (str(ev.value).length !== 0) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateEnv(env: unknown, path: FieldPath, opts: ResolvedOptions): FieldError[] {
  const errs: FieldError[] = [];
  list(env).forEach((raw, i) => {
    const ev = obj(raw);
    const p = path.index(i);
    const name = str(ev.name);
    if (name.length === 0) errs.push(required(p.child('name')));
    else errs.push(...envNameErrors(name, p.child('name'), opts));
    errs.push(...validateEnvValueFrom(ev, p.child('valueFrom')));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: FieldPath, opts: ResolvedOptions): FieldError[] {
  const errs: FieldError[] = [];
  list(envFrom).forEach((raw, i) => {
    const ev = obj(raw);
    const p = path.index(i);
    const prefix = str(ev.prefix);
    if (prefix.length > 0) errs.push(...envNameErrors(prefix, p.child('prefix'), opts));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      if (!isSet(ev[key])) continue;
      sources++;
      const name = str(obj(ev[key]).name);
      const np = p.child(key).child('name');
      if (name.length === 0) errs.push(required(np));
      else errs.push(...nameIsDNSSubdomain(name, true).map((msg) => invalid(np, name, msg)));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1)
      errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const hasBackstep = (p: string): boolean => p.split('/').includes('..');

function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path'));
  if (hasBackstep(target)) errs.push(invalid(path, target, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(
  mounts: unknown,
  container: Obj,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devices = new Map(
    list(container.volumeDevices).map((d) => [str(obj(d).name), str(obj(d).devicePath)]),
  );
  const privileged = obj(container.securityContext).privileged === true;
  list(mounts).forEach((raw, i) => {
    const m = obj(raw);
    const p = path.index(i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name.length === 0) errs.push(required(p.child('name')));
    if (!ctx.volumes.has(name)) errs.push(notFound(p.child('name'), name));
    if (mountPath.length === 0) errs.push(required(p.child('mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name))
      errs.push(invalid(p.child('name'), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(
        invalid(p.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'),
      );
    }
    // Upstream reports subPath problems on the list's path, without the index.
    const subPath = str(m.subPath);
    const subPathExpr = str(m.subPathExpr);
    if (subPath.length > 0) errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    if (subPathExpr.length > 0) {
      if (subPath.length > 0) {
        errs.push(
          invalid(p.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'),
        );
      }
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    if (isSet(m.mountPropagation)) {
      const mode = str(m.mountPropagation);
      if (!MOUNT_PROPAGATIONS.includes(mode))
        errs.push(notSupported(path.child('mountPropagation'), mode, MOUNT_PROPAGATIONS));
      if (mode === 'Bidirectional' && !privileged) {
        errs.push(
          forbidden(
            path.child('mountPropagation'),
            'Bidirectional mount propagation is available only to privileged containers',
          ),
        );
      }
    }
  });
  return errs;
}

function validatePullPolicy(policy: string, path: FieldPath): FieldError[] {
  if (PULL_POLICIES.includes(policy)) return [];
  if (policy === '') return [required(path)];
  return [notSupported(path, policy, PULL_POLICIES)];
}

/** validateContainerCommon: what regular, init and ephemeral containers share. */
function validateContainerCommon(c: Obj, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name.length === 0) errs.push(required(path.child('name')));
  else errs.push(...dnsLabelErrors(name, path.child('name')));
  if (str(c.image).length === 0) errs.push(required(path.child('image')));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(required(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env'), ctx.opts));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom'), ctx.opts));
  errs.push(...validateVolumeMounts(c.volumeMounts, c, ctx, path.child('volumeMounts')));
  errs.push(...validatePullPolicy(str(c.imagePullPolicy), path.child('imagePullPolicy')));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  return errs;
}

/** AccumulateUniqueHostPorts: `protocol/hostIP/port` must be unique among the given containers. */
function checkHostPortConflicts(containers: Obj[], path: FieldPath): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    list(c.ports).forEach((raw, pi) => {
      const port = obj(raw);
      const hostPort = int(port.hostPort);
      if (hostPort === 0) return;
      const key = `${str(port.protocol)}/${str(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

/** validateContainers: at least one; each valid; names unique; host ports unique across them. */
export function validateContainers(raw: unknown, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const containers = list(raw).map(obj);
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else names.add(name);
    errs.push(...validateLifecycleAndProbes(c, ctx, p));
    if (isSet(c.restartPolicy))
      errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  return [...errs, ...checkHostPortConflicts(containers, path)];
}

const NOT_FOR_INIT = 'may not be set for init containers without restartPolicy=Always';

/** validateInitContainers: names unique across regular and init containers; sidecar rules. */
export function validateInitContainers(
  raw: unknown,
  regular: unknown,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(list(regular).map((c) => str(obj(c).name)));
  list(raw)
    .map(obj)
    .forEach((c, i) => {
      const p = path.index(i);
      errs.push(...validateContainerCommon(c, ctx, p));
      let restartAlways = false;
      if (isSet(c.restartPolicy)) {
        const policy = str(c.restartPolicy);
        if (policy !== 'Always') errs.push(notSupported(p.child('restartPolicy'), policy, ['Always']));
        restartAlways = policy === 'Always';
      }
      const name = str(c.name);
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      else if (name.length > 0) names.add(name);
      errs.push(...checkHostPortConflicts([c], path));
      if (restartAlways) errs.push(...validateLifecycleAndProbes(c, ctx, p));
      else {
        for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
          if (isSet(c[f])) errs.push(forbidden(p.child(f), NOT_FOR_INIT));
        }
      }
    });
  return errs;
}

/** validateContainerOnlyForPod: a pod's images may not carry surrounding whitespace. */
export function validateImagesForPod(raw: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(raw).forEach((c, i) => {
    const image = str(obj(c).image);
    if (image.length !== image.trim().length) {
      errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
    }
  });
  return errs;
}
