// Upstream's core/v1 defaulting, plus the few registry/admission steps that every object read
// back from a real apiserver shows (namespace finalizers, pod priority, service IP families).
// Source: pkg/apis/core/v1/defaults.go (SetDefaults_*), pkg/apis/core/v1/zz_generated.defaults.go
// (which defaulters run where), pkg/registry/core/namespace/strategy.go, plugin/pkg/admission/priority.
// Every function here is pure and deterministic: it returns a new object and never changes its
// input; values of the wrong type are left as they are (types-check.ts reports them).

import { clone, int, isObj, isSet, list, type Obj, str } from './access.ts';
import { canonicalQuantityText } from './quantity.ts';

/** A field of `o` as an object, created when missing; undefined when it holds another type. */
function child(o: Obj, key: string): Obj | undefined {
  if (!isSet(o[key])) o[key] = {};
  return isObj(o[key]) ? (o[key] as Obj) : undefined;
}
const objects = (v: unknown): Obj[] => list(v).filter(isObj);
const setIfEmpty = (o: Obj, key: string, value: unknown): void => {
  if (!isSet(o[key]) || o[key] === '') o[key] = value;
};

/** SetDefaults_ResourceList: quantities rounded up to milli-units, stored in canonical form. */
function defaultResourceList(v: unknown): void {
  if (!isObj(v)) return;
  for (const k of Object.keys(v)) v[k] = canonicalQuantityText(v[k]);
}

/** parsers.ParseImageName's tag, "latest" when neither tag nor digest is given; "" if unparsable. */
export function imageTag(image: string): string {
  if (image.length === 0 || /\s/.test(image)) return '';
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > lastSlash ? name.slice(colon + 1) : '';
  const repo = colon > lastSlash ? name.slice(0, colon) : name;
  // Repository paths must be lower case (the registry host may not be); a bad name has no tag.
  const path =
    repo.includes('/') && /[.:]|^localhost$/.test(repo.slice(0, repo.indexOf('/')))
      ? repo.slice(repo.indexOf('/') + 1)
      : repo;
  if (path.length === 0 || /[A-Z]/.test(path)) return '';
  if (tag.length === 0 && at < 0) return 'latest';
  return tag;
}

function defaultHandler(h: unknown): void {
  if (!isObj(h) || !isObj(h.httpGet)) return;
  setIfEmpty(h.httpGet, 'path', '/');
  setIfEmpty(h.httpGet, 'scheme', 'HTTP');
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  for (const [key, value] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (!isSet(p[key]) || p[key] === 0) p[key] = value;
  }
  defaultHandler(p);
}

/** SetDefaults_Container and the defaulters of everything a container holds. */
function defaultContainer(c: Obj): void {
  if (!isSet(c.imagePullPolicy) || c.imagePullPolicy === '') {
    c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(c, 'terminationMessagePolicy', 'File');
  for (const port of objects(c.ports)) setIfEmpty(port, 'protocol', 'TCP');
  for (const env of objects(c.env)) {
    if (isObj(env.valueFrom) && isObj(env.valueFrom.fieldRef))
      setIfEmpty(env.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  if (isObj(c.resources)) {
    defaultResourceList(c.resources.limits);
    defaultResourceList(c.resources.requests);
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  if (isObj(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

const VOLUME_SOURCE_KEYS = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI',
  'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
]; // prettier-ignore

/** SetDefaults_Volume and its sources: emptyDir when none is given, file modes 0644 (420). */
function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCE_KEYS.some((k) => isSet(v[k]))) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObj(v[key]) && !isSet(v[key].defaultMode)) v[key].defaultMode = 420;
  }
  if (isObj(v.hostPath) && !isSet(v.hostPath.type)) v.hostPath.type = '';
  if (isObj(v.downwardAPI)) {
    for (const item of objects(v.downwardAPI.items))
      if (isObj(item.fieldRef)) setIfEmpty(item.fieldRef, 'apiVersion', 'v1');
  }
  if (isObj(v.projected)) {
    for (const source of objects(v.projected.sources)) {
      if (isObj(source.serviceAccountToken) && !isSet(source.serviceAccountToken.expirationSeconds)) {
        source.serviceAccountToken.expirationSeconds = 3600;
      }
    }
  }
}

/** SetDefaults_PodSpec plus the container and volume defaulters (what a pod template gets). */
export function defaultPodSpec(spec: Obj): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  if (!isSet(spec.securityContext)) spec.securityContext = {};
  if (!isSet(spec.terminationGracePeriodSeconds)) spec.terminationGracePeriodSeconds = 30;
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  for (const v of objects(spec.volumes)) defaultVolume(v);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'])
    objects(spec[key]).forEach(defaultContainer);
  defaultResourceList(spec.overhead);
}

/** Pod defaults: SetDefaults_Pod, SetDefaults_PodSpec, the Priority admission's priority 0. Pure. */
export function defaultPod(pod: unknown): unknown {
  if (!isObj(pod)) return pod;
  const out = clone(pod);
  const spec = child(out, 'spec');
  if (!spec) return out;
  for (const key of ['containers', 'initContainers']) {
    for (const c of objects(spec[key])) {
      const resources = isObj(c.resources) ? c.resources : undefined;
      if (!resources || !isObj(resources.limits)) continue;
      const requests = child(resources, 'requests');
      if (!requests) continue;
      for (const [name, value] of Object.entries(resources.limits))
        if (!(name in requests)) requests[name] = value;
    }
  }
  if (!isSet(spec.enableServiceLinks)) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of objects(spec[key])) {
        for (const port of objects(c.ports)) if (int(port.hostPort) === 0) port.hostPort = port.containerPort;
      }
    }
  }
  defaultPodSpec(spec);
  if (!isSet(spec.priority) && !isSet(spec.priorityClassName)) spec.priority = 0;
  if (!isSet(spec.preemptionPolicy)) spec.preemptionPolicy = 'PreemptLowerPriority';
  return out;
}

const isIPv6 = (ip: string): boolean => ip.includes(':');

/**
 * SetDefaults_Service, plus clusterIPs from clusterIP and the single-stack IP family the
 * service registry records for a single-stack (IPv4) cluster. Pure.
 */
export function defaultService(svc: unknown): unknown {
  if (!isObj(svc)) return svc;
  const out = clone(svc);
  const spec = child(out, 'spec');
  if (!spec) return out;
  setIfEmpty(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = cfg && isObj(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!clientIP || !isSet(clientIP.timeoutSeconds))
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setIfEmpty(spec, 'type', 'ClusterIP');
  for (const port of objects(spec.ports)) {
    setIfEmpty(port, 'protocol', 'TCP');
    if (!isSet(port.targetPort) || port.targetPort === 0 || port.targetPort === '')
      port.targetPort = port.port;
  }
  const type = str(spec.type);
  const external =
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  if (external) setIfEmpty(spec, 'externalTrafficPolicy', 'Cluster');
  if (!isSet(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer' && !isSet(spec.allocateLoadBalancerNodePorts))
    spec.allocateLoadBalancerNodePorts = true;
  if (type !== 'ExternalName') {
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && !isSet(spec.clusterIPs))
      spec.clusterIPs = [spec.clusterIP];
    const first = str(list(spec.clusterIPs)[0]);
    // The registry gives selector-less headless services both families, others a single one.
    const headlessNoSelector =
      first === 'None' && (!isObj(spec.selector) || Object.keys(spec.selector).length === 0);
    if (!isSet(spec.ipFamilyPolicy))
      spec.ipFamilyPolicy = headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
    if (!isSet(spec.ipFamilies)) {
      spec.ipFamilies = headlessNoSelector
        ? ['IPv4', 'IPv6']
        : [first !== 'None' && isIPv6(first) ? 'IPv6' : 'IPv4'];
    }
  }
  return out;
}

/** SetDefaults_PersistentVolume: reclaim Retain, volumeMode Filesystem, phase Pending. Pure. */
export function defaultPersistentVolume(pv: unknown): unknown {
  if (!isObj(pv)) return pv;
  const out = clone(pv);
  const spec = child(out, 'spec');
  const status = child(out, 'status');
  if (status) setIfEmpty(status, 'phase', 'Pending');
  if (!spec) return out;
  setIfEmpty(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  if (!isSet(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  if (isObj(spec.hostPath) && !isSet(spec.hostPath.type)) spec.hostPath.type = '';
  defaultResourceList(spec.capacity);
  return out;
}

/** SetDefaults_PersistentVolumeClaim(Spec): volumeMode Filesystem, phase Pending. Pure. */
export function defaultPersistentVolumeClaim(pvc: unknown): unknown {
  if (!isObj(pvc)) return pvc;
  const out = clone(pvc);
  const spec = child(out, 'spec');
  const status = child(out, 'status');
  if (status) setIfEmpty(status, 'phase', 'Pending');
  if (!spec) return out;
  if (!isSet(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  if (isObj(spec.resources)) {
    defaultResourceList(spec.resources.requests);
    defaultResourceList(spec.resources.limits);
  }
  return out;
}

/** SetDefaults_ReplicationController: selector and labels from the template, replicas 1. Pure. */
export function defaultReplicationController(rc: unknown): unknown {
  if (!isObj(rc)) return rc;
  const out = clone(rc);
  const spec = child(out, 'spec');
  if (!spec) return out;
  const template = isObj(spec.template) ? spec.template : undefined;
  const labels =
    template && isObj(template.metadata) && isObj(template.metadata.labels)
      ? template.metadata.labels
      : undefined;
  if (labels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = clone(labels);
    const meta = child(out, 'metadata');
    if (meta && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = clone(labels);
  }
  if (!isSet(spec.replicas)) spec.replicas = 1;
  if (template && isObj(template.spec)) defaultPodSpec(template.spec);
  return out;
}

/**
 * Namespace: the kubernetes.io/metadata.name label (SetDefaults_Namespace), spec.finalizers
 * ["kubernetes"] (the namespace strategy's PrepareForCreate), status.phase Active. Pure.
 */
export function defaultNamespace(ns: unknown): unknown {
  if (!isObj(ns)) return ns;
  const out = clone(ns);
  const meta = child(out, 'metadata');
  if (meta && typeof meta.name === 'string' && meta.name.length > 0) {
    const labels = child(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = meta.name;
  }
  const spec = child(out, 'spec');
  if (spec && !isSet(spec.finalizers)) spec.finalizers = ['kubernetes'];
  const status = child(out, 'status');
  if (status) setIfEmpty(status, 'phase', 'Active');
  return out;
}

/** SetDefaults_Secret: type Opaque. Pure. */
export function defaultSecret(secret: unknown): unknown {
  if (!isObj(secret)) return secret;
  const out = clone(secret);
  setIfEmpty(out, 'type', 'Opaque');
  return out;
}

/** SetDefaults_Endpoints: port protocol TCP. Pure. */
export function defaultEndpoints(ep: unknown): unknown {
  if (!isObj(ep)) return ep;
  const out = clone(ep);
  for (const subset of objects(out.subsets))
    for (const port of objects(subset.ports)) setIfEmpty(port, 'protocol', 'TCP');
  return out;
}

/** SetDefaults_NodeStatus: allocatable copied from capacity. Pure. */
export function defaultNode(node: unknown): unknown {
  if (!isObj(node)) return node;
  const out = clone(node);
  const status = isObj(out.status) ? out.status : undefined;
  if (status && isObj(status.capacity)) {
    defaultResourceList(status.capacity);
    if (!isSet(status.allocatable)) status.allocatable = clone(status.capacity);
    defaultResourceList(status.allocatable);
  }
  return out;
}

const DEFAULTERS: Record<string, (o: unknown) => unknown> = {
  Pod: defaultPod,
  Service: defaultService,
  PersistentVolume: defaultPersistentVolume,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  ReplicationController: defaultReplicationController,
  Namespace: defaultNamespace,
  Secret: defaultSecret,
  Endpoints: defaultEndpoints,
  Node: defaultNode,
};

/**
 * Applies the defaults of `kind` and returns the defaulted copy. Pure and deterministic: the
 * input is never changed; kinds without defaults (and non-objects) come back as a copy/as-is.
 */
export function applyDefaults(kind: string, object: unknown): unknown {
  const fn = DEFAULTERS[kind];
  if (fn) return fn(object);
  return isObj(object) ? clone(object) : object;
}
