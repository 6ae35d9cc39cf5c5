// PodSpec validation (volumes, containers, policies, scheduling fields), shared by Pods and by
// the templates of ReplicationControllers. Kubernetes v1.32 messages.
// Source: pkg/apis/core/validation/validation.go (ValidatePodSpec, ValidateVolumes,
// validateVolumeSource, ValidateTolerations, validatePodDNSConfig...).

import { int, isObj, isSet, list, obj, type Obj, str } from './access.ts';
import {
  validateContainers,
  validateInitContainers,
  dnsLabelErrors,
  type ContainerContext,
} from './container.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
  type FieldPath,
} from './field-error.ts';
import { validateNodeAffinity } from './node-affinity.ts';
import { validatePodAffinity } from './pod-affinity.ts';
import { goStringSlice } from './go-format.ts';
import {
  inclusiveRangeError,
  isDNS1123Subdomain,
  isQualifiedName,
  isSloppyIP,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from './names.ts';
import { IS_NEGATIVE, validateLabelName, validateLabels } from './object-meta.ts';
import type { ResolvedOptions } from './options.ts';

/** Volume source keys in upstream's checking order, with the child name its Forbidden error uses. */
const VOLUME_SOURCES: readonly [string, string][] = [
  ['emptyDir', 'emptyDir'],
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI'], // sic: upstream's typo
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

export const HOST_PATH_TYPES = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** validateHostPathVolumeSource (also used by PersistentVolumes). */
export function validateHostPath(src: Obj, path: FieldPath): FieldError[] {
  const p = str(src.path);
  if (p.length === 0) return [required(path.child('path'))];
  const errs: FieldError[] = [];
  if (p.split('/').includes('..')) errs.push(invalid(path.child('path'), p, "must not contain '..'"));
  if (isSet(src.type) && !HOST_PATH_TYPES.includes(str(src.type))) {
    errs.push(notSupported(path.child('type'), str(src.type), HOST_PATH_TYPES));
  }
  return errs;
}

function validateMode(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  const mode = int(v);
  return mode > 0o777 || mode < 0 ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPaths(items: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(items).forEach((raw, i) => {
    const item = obj(raw);
    const p = path.index(i);
    const target = str(item.path);
    if (str(item.key).length === 0) errs.push(required(p.child('key')));
    if (target.length === 0) errs.push(required(p.child('path')));
    if (target.startsWith('/')) errs.push(invalid(p.child('path'), target, 'must be a relative path'));
    if (target.split('/').includes('..'))
      errs.push(invalid(p.child('path'), target, "must not contain '..'"));
    else if (target.startsWith('..')) errs.push(invalid(p.child('path'), target, "must not start with '..'"));
    errs.push(...validateMode(item.mode, p.child('mode')));
  });
  return errs;
}

function validateSource(key: string, src: Obj, path: FieldPath): FieldError[] {
  switch (key) {
    case 'hostPath':
      return validateHostPath(src, path);
    case 'secret':
      return [
        ...(str(src.secretName).length === 0 ? [required(path.child('secretName'))] : []),
        ...validateMode(src.defaultMode, path.child('defaultMode')),
        ...validateKeyToPaths(src.items, path.child('items')),
      ];
    case 'configMap':
      return [
        ...(str(src.name).length === 0 ? [required(path.child('name'))] : []),
        ...validateMode(src.defaultMode, path.child('defaultMode')),
        ...validateKeyToPaths(src.items, path.child('items')),
      ];
    case 'persistentVolumeClaim':
      return str(src.claimName).length === 0 ? [required(path.child('claimName'))] : [];
    case 'nfs': {
      const errs: FieldError[] = [];
      if (str(src.server).length === 0) errs.push(required(path.child('server')));
      if (str(src.path).length === 0) errs.push(required(path.child('path')));
      if (!str(src.path).startsWith('/'))
        errs.push(invalid(path.child('path'), str(src.path), 'must be an absolute path'));
      return errs;
    }
    case 'projected':
    case 'downwardAPI':
      return validateMode(src.defaultMode, path.child('defaultMode'));
    default:
      return [];
  }
}

/**
 * ValidateVolumes: each volume has a DNS-label name, unique, and exactly one source. Returns the
 * volumes that validated cleanly (mounts may only refer to those) with the errors.
 */
export function validateVolumes(
  raw: unknown,
  path: FieldPath,
): { volumes: Map<string, Obj>; errs: FieldError[] } {
  const volumes = new Map<string, Obj>();
  const errs: FieldError[] = [];
  list(raw).forEach((v, i) => {
    const vol = obj(v);
    const p = path.index(i);
    const el: FieldError[] = [];
    let count = 0;
    for (const [key, child] of VOLUME_SOURCES) {
      if (!isSet(vol[key])) continue;
      if (count > 0) el.push(forbidden(p.child(child), 'may not specify more than 1 volume type'));
      else {
        count++;
        el.push(...validateSource(key, obj(vol[key]), p.child(key)));
      }
    }
    if (count === 0) el.push(required(p, 'must specify a volume type'));
    const name = str(vol.name);
    if (name.length === 0) el.push(required(p.child('name')));
    else el.push(...dnsLabelErrors(name, p.child('name')));
    if (volumes.has(name)) el.push(duplicate(p.child('name'), name));
    if (el.length === 0) volumes.set(name, vol);
    else errs.push(...el);
  });
  return { volumes, errs };
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** ValidateTolerations. */
export function validateTolerations(raw: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(raw).forEach((t, i) => {
    const tol = obj(t);
    const p = path.index(i);
    const key = str(tol.key);
    const operator = str(tol.operator);
    const effect = str(tol.effect);
    const value = str(tol.value);
    if (key.length > 0) errs.push(...validateLabelName(key, p.child('key')));
    if (key.length === 0 && operator !== 'Exists') {
      errs.push(
        invalid(
          p.child('operator'),
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (isSet(tol.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(
        invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(p.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value.length > 0)
        errs.push(invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(p.child('operator'), operator, ['Equal', 'Exists']));
    }
    if (effect.length > 0 && !TAINT_EFFECTS.includes(effect))
      errs.push(notSupported(p.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateDNSConfig(raw: unknown, dnsPolicy: string, path: FieldPath): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!isSet(raw)) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (list(obj(raw).nameservers).length === 0) {
      return [
        required(
          path.child('nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
    }
  }
  if (!isSet(raw)) return [];
  const cfg = obj(raw);
  const errs: FieldError[] = [];
  const nameservers = list(cfg.nameservers).map(str);
  if (nameservers.length > 3) {
    errs.push(
      invalid(path.child('nameservers'), goStringSlice(nameservers), 'must not have more than 3 nameservers'),
    );
  }
  nameservers.forEach((ns, i) => {
    if (!isSloppyIP(ns)) {
      errs.push(
        invalid(
          path.child('nameservers').index(i),
          ns,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
    }
  });
  const searches = list(cfg.searches).map(str);
  if (searches.length > 32) {
    errs.push(
      invalid(path.child('searches'), goStringSlice(searches), 'must not have more than 32 search paths'),
    );
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(
      ...isDNS1123Subdomain(trimmed).map((msg) => invalid(path.child('searches').index(i), trimmed, msg)),
    );
  });
  list(cfg.options).forEach((o, i) => {
    if (str(obj(o).name).length === 0)
      errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

/**
 * ValidatePodSpec. terminationGracePeriodSeconds is required as upstream requires it (defaults
 * set it, so this fires only for specs that skipped defaulting) and, as this project's brief
 * asks, may not be negative.
 */
export function validatePodSpec(specRaw: unknown, path: FieldPath, opts: ResolvedOptions): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  const gracePeriod = isSet(spec.terminationGracePeriodSeconds)
    ? int(spec.terminationGracePeriodSeconds)
    : undefined;
  if (gracePeriod === undefined) errs.push(required(path.child('terminationGracePeriodSeconds')));
  else if (gracePeriod < 0)
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), gracePeriod, IS_NEGATIVE));

  const { volumes, errs: volumeErrs } = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...volumeErrs);
  const ctx: ContainerContext = { volumes, gracePeriod, opts };
  errs.push(...validateContainers(spec.containers, ctx, path.child('containers')));
  errs.push(
    ...validateInitContainers(spec.initContainers, spec.containers, ctx, path.child('initContainers')),
  );

  if (spec.hostNetwork === true) {
    list(spec.containers).forEach((c, i) => {
      list(obj(c).ports).forEach((raw, j) => {
        const port = obj(raw);
        if (int(port.hostPort) !== int(port.containerPort)) {
          const p = path.child('containers').index(i).child('ports').index(j).child('hostPort');
          errs.push(invalid(p, int(port.hostPort), 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }

  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy === '') errs.push(required(path.child('restartPolicy')));
  else if (!RESTART_POLICIES.includes(restartPolicy)) {
    errs.push(notSupported(path.child('restartPolicy'), restartPolicy, RESTART_POLICIES));
  }
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy === '') errs.push(required(path.child('dnsPolicy')));
  else if (!DNS_POLICIES.includes(dnsPolicy))
    errs.push(notSupported(path.child('dnsPolicy'), dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  list(spec.imagePullSecrets).forEach((s, i) => {
    const keys = Object.keys(obj(s)).filter((k) => k !== 'name' && isSet(obj(s)[k]));
    if (keys.length > 0)
      errs.push(invalid(path.child('imagePullSecrets').index(i), s, 'only name may be set'));
  });
  errs.push(...validateDNSConfig(spec.dnsConfig, dnsPolicy, path.child('dnsConfig')));
  list(spec.readinessGates).forEach((g, i) => {
    const t = str(obj(g).conditionType);
    const p = path.child('readinessGates').index(i).child('conditionType');
    errs.push(...isQualifiedName(t).map((msg) => invalid(p, t, msg)));
  });
  const gates = new Set<string>();
  list(spec.schedulingGates).forEach((g, i) => {
    const name = str(obj(g).name);
    const p = path.child('schedulingGates').index(i);
    errs.push(...isQualifiedName(name).map((msg) => invalid(p, name, msg)));
    if (gates.has(name)) errs.push(duplicate(p, name));
    gates.add(name);
  });
  for (const [field, fn] of [
    ['serviceAccountName', nameIsDNSSubdomain],
    ['nodeName', nameIsDNSSubdomain],
  ] as const) {
    const v = str(spec[field]);
    if (v.length > 0) errs.push(...fn(v, false).map((msg) => invalid(path.child(field), v, msg)));
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = int(spec.activeDeadlineSeconds);
    if (v < 1 || v > MAX_INT32)
      errs.push(invalid(path.child('activeDeadlineSeconds'), v, inclusiveRangeError(1, MAX_INT32)));
  }
  for (const field of ['hostname', 'subdomain']) {
    const v = str(spec[field]);
    if (v.length > 0) errs.push(...dnsLabelErrors(v, path.child(field)));
  }
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  if (isObj(spec.affinity)) {
    errs.push(...validateNodeAffinity(spec.affinity.nodeAffinity, path.child('affinity', 'nodeAffinity')));
  }
  errs.push(...validatePodAffinity(spec.affinity, path.child('affinity')));
  list(spec.hostAliases).forEach((a, i) => {
    const alias = obj(a);
    const p = path.child('hostAliases').index(i);
    if (!isSloppyIP(str(alias.ip))) {
      errs.push(
        invalid(
          p.child('ip'),
          str(alias.ip),
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
    }
    list(alias.hostnames).forEach((h, j) => {
      errs.push(
        ...isDNS1123Subdomain(str(h)).map((msg) => invalid(p.child('hostnames').index(j), str(h), msg)),
      );
    });
  });
  const priorityClassName = str(spec.priorityClassName);
  if (priorityClassName.length > 0) {
    errs.push(
      ...nameIsDNSSubdomain(priorityClassName, false).map((m) =>
        invalid(path.child('priorityClassName'), priorityClassName, m),
      ),
    );
  }
  if (isSet(spec.runtimeClassName)) {
    const v = str(spec.runtimeClassName);
    errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalid(path.child('runtimeClassName'), v, m)));
  }
  if (isSet(spec.preemptionPolicy)) {
    const v = str(spec.preemptionPolicy);
    if (v === '') errs.push(required(path.child('preemptionPolicy')));
    else if (v !== 'PreemptLowerPriority' && v !== 'Never') {
      errs.push(notSupported(path.child('preemptionPolicy'), v, ['PreemptLowerPriority', 'Never']));
    }
  }
  if (isSet(spec.os)) {
    const name = str(obj(spec.os).name);
    if (name.length === 0) errs.push(required(path.child('os', 'name'), 'cannot be empty'));
    else if (name !== 'linux' && name !== 'windows')
      errs.push(notSupported(path.child('os'), name, ['linux', 'windows']));
  }
  return errs;
}
