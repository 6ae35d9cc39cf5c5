// Service validation on create and update, and the registry's clusterIP/nodePort bookkeeping
// that runs before it (Kubernetes v1.32).
// Sources: pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
// ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngradeClusterIPs),
// pkg/registry/core/service/strategy.go (normalizeClusterIPs, patchAllocatedValues),
// pkg/registry/core/service/portallocator (ErrNotInRange).

import { clone, int, isObj, isSet, list, obj, type Obj, str, strList } from './access.ts';
import { dnsLabelErrors, PORT_PROTOCOLS } from './container.ts';
import { validatePortNumOrName } from './handlers.ts';
import {
  duplicate,
  FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { GoRepr, goQuote, goStringSlice } from './go-format.ts';
import {
  isDNS1123Subdomain,
  isQualifiedName,
  isSloppyIP,
  isValidPortNum,
  nameIsDNS1035Label,
} from './names.ts';
import { validateCoreObjectMetaUpdate, validateLabels, validateObjectMeta } from './object-meta.ts';
import type { ResolvedOptions } from './options.ts';

const SPEC = FieldPath.of('spec');
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const IP_EXAMPLE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

const clusterIPsOf = (spec: Obj): string[] => strList(spec.clusterIPs);
const isHeadless = (spec: Obj): boolean => {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === 'None';
};
const externallyAccessible = (spec: Obj): boolean =>
  ['LoadBalancer', 'NodePort'].includes(str(spec.type)) ||
  (str(spec.type) === 'ClusterIP' && list(spec.externalIPs).length > 0);
const needsClusterIP = (spec: Obj): boolean => str(spec.type) !== 'ExternalName';
const needsNodePort = (spec: Obj): boolean => ['LoadBalancer', 'NodePort'].includes(str(spec.type));

/**
 * The service strategy's PrepareForCreate/PrepareForUpdate bookkeeping: on update, values the
 * registry allocated (clusterIP(s), nodePorts, healthCheckNodePort) are carried over when the
 * client left them out; then clusterIP and clusterIPs are kept in sync. Pure.
 */
export function prepareService(newRaw: unknown, oldRaw?: unknown): unknown {
  if (!isObj(newRaw) || !isObj(newRaw.spec)) return newRaw;
  const svc = clone(newRaw);
  const spec = obj(svc.spec);
  const oldSpec = isObj(oldRaw) ? obj(oldRaw.spec) : undefined;
  if (oldSpec === undefined) {
    if (str(spec.clusterIP).length > 0 && clusterIPsOf(spec).length === 0) spec.clusterIPs = [spec.clusterIP];
    return svc;
  }
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (str(spec.clusterIP) === '') spec.clusterIP = oldSpec.clusterIP;
    if (clusterIPsOf(spec).length === 0 && clusterIPsOf(oldSpec).length > 0)
      spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = list(oldSpec.ports).map(obj);
    for (const p of list(spec.ports).map(obj)) {
      if (int(p.nodePort) !== 0) continue;
      const match = oldPorts.find((o) => int(o.port) === int(p.port) && str(o.protocol) === str(p.protocol));
      if (match && int(match.nodePort) !== 0) p.nodePort = match.nodePort;
    }
  }
  const sameIPs = JSON.stringify(clusterIPsOf(oldSpec)) === JSON.stringify(clusterIPsOf(spec));
  if (
    clusterIPsOf(oldSpec).length > 0 &&
    clusterIPsOf(spec).length === 0 &&
    str(oldSpec.clusterIP) === str(spec.clusterIP)
  ) {
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (str(oldSpec.clusterIP) !== str(spec.clusterIP)) {
    if (str(oldSpec.clusterIP).length > 0 && str(spec.clusterIP).length === 0) {
      if (sameIPs) delete spec.clusterIPs;
    } else if (sameIPs) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
  return svc;
}

function servicePortRepr(port: Obj): GoRepr {
  return new GoRepr(
    `core.ServicePort{Name:"", Protocol:${goQuote(str(port.protocol))}, AppProtocol:(*string)(nil), ` +
      `Port:${int(port.port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function validateServicePort(
  port: Obj,
  requireName: boolean,
  names: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (requireName && name.length === 0) errs.push(required(path.child('name')));
  else if (name.length !== 0) {
    errs.push(...dnsLabelErrors(name, path.child('name')));
    if (names.has(name)) errs.push(duplicate(path.child('name'), name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(int(port.port)).map((msg) => invalid(path.child('port'), int(port.port), msg)));
  const protocol = str(port.protocol);
  if (protocol.length === 0) errs.push(required(path.child('protocol')));
  else if (!PORT_PROTOCOLS.includes(protocol))
    errs.push(notSupported(path.child('protocol'), protocol, PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(port.targetPort, path.child('targetPort')));
  if (isSet(port.appProtocol)) {
    const ap = str(port.appProtocol);
    errs.push(...isQualifiedName(ap).map((msg) => invalid(path.child('appProtocol'), ap, msg)));
  }
  return errs;
}

function validateClusterIPs(spec: Obj): FieldError[] {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const ips = clusterIPsOf(spec);
  if (str(spec.clusterIP).length !== 0) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== str(spec.clusterIP))
      errs.push(invalid(ipsPath, goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(invalid(ipsPath, goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strList(spec.ipFamilies).forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6')
      errs.push(notSupported(SPEC.child('ipFamilies').index(i), family, ['IPv4', 'IPv6']));
    if (seen.has(family)) errs.push(duplicate(SPEC.child('ipFamilies').index(i), family));
    seen.add(family);
  });
  if (isSet(spec.ipFamilyPolicy)) {
    const policy = str(spec.ipFamilyPolicy);
    const supported = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
    if (!supported.includes(policy)) errs.push(notSupported(SPEC.child('ipFamilyPolicy'), policy, supported));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1)
        errs.push(invalid(ipsPath, goStringSlice(ips), "'None' must be the first and only value"));
      return;
    }
    if (!isSloppyIP(ip)) errs.push(invalid(ipsPath.index(i), ip, IP_EXAMPLE));
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, goStringSlice(ips), 'may only hold up to 2 values'));
  return errs;
}

/** ValidateService (create rules; update adds validateServiceUpdateOnly). */
export function validateServiceObject(svc: Obj): FieldError[] {
  const spec = obj(svc.spec);
  const errs = validateObjectMeta(svc.metadata, {
    namespaced: true,
    nameFn: nameIsDNS1035Label,
    coreFinalizers: true,
  });
  const type = str(spec.type);
  const ports = list(spec.ports).map(obj);
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName')
    errs.push(required(SPEC.child('ports')));
  const ips = clusterIPsOf(spec);
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(spec)) {
    errs.push(
      invalid(SPEC.child('clusterIPs').index(0), ips[0], `may not be set to 'None' for ${type} services`),
    );
  }
  if (type === 'ExternalName') {
    if (ips.length > 0)
      errs.push(forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (list(spec.ipFamilies).length > 0)
      errs.push(forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (isSet(spec.ipFamilyPolicy))
      errs.push(forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname.length > 0)
      errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid(SPEC.child('externalName'), cname, msg)));
    else errs.push(required(SPEC.child('externalName')));
  }
  const names = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(...validateServicePort(p, ports.length > 1, names, SPEC.child('ports').index(i))),
  );
  if (isSet(spec.selector)) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));
  const affinity = str(spec.sessionAffinity);
  if (affinity.length === 0) errs.push(required(SPEC.child('sessionAffinity')));
  else if (!AFFINITIES.includes(affinity))
    errs.push(notSupported(SPEC.child('sessionAffinity'), affinity, AFFINITIES));
  const configPath = SPEC.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    const when = 'when session affinity type is ClientIP';
    if (!isSet(spec.sessionAffinityConfig)) errs.push(required(configPath, when));
    else if (!isSet(obj(spec.sessionAffinityConfig).clientIP))
      errs.push(required(configPath.child('clientIP'), when));
    else if (!isSet(timeout)) errs.push(required(configPath.child('clientIP', 'timeoutSeconds'), when));
    else if (int(timeout) <= 0 || int(timeout) > MAX_CLIENT_IP_AFFINITY_SECONDS) {
      errs.push(
        invalid(
          configPath.child('clientIP', 'timeoutSeconds'),
          int(timeout),
          `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`,
        ),
      );
    }
  } else if (affinity === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(forbidden(configPath, 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(spec));
  strList(spec.externalIPs).forEach((ip, i) => {
    if (!isSloppyIP(ip)) errs.push(invalid(SPEC.child('externalIPs').index(i), ip, IP_EXAMPLE));
  });
  if (type.length === 0) errs.push(required(SPEC.child('type')));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported(SPEC.child('type'), type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (int(p.nodePort) !== 0)
        errs.push(
          forbidden(
            SPEC.child('ports').index(i).child('nodePort'),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (int(p.nodePort) === 0) return;
    const key = `${str(p.protocol)}/${int(p.nodePort)}`;
    if (nodePorts.has(key))
      errs.push(duplicate(SPEC.child('ports').index(i).child('nodePort'), int(p.nodePort)));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${int(p.port)}`;
    if (portKeys.has(key)) errs.push(duplicate(SPEC.child('ports').index(i), servicePortRepr(p)));
    portKeys.add(key);
  });
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(
      forbidden(
        SPEC.child('allocateLoadBalancerNodePorts'),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  if (type === 'LoadBalancer' && !isSet(spec.allocateLoadBalancerNodePorts)) {
    errs.push(required(FieldPath.of('allocateLoadBalancerNodePorts'))); // sic: upstream omits "spec."
  }
  if (isSet(spec.loadBalancerClass) && type !== 'LoadBalancer') {
    errs.push(forbidden(SPEC.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '')
      errs.push(
        invalid(
          SPEC.child('externalTrafficPolicy'),
          etp,
          'may only be set for externally-accessible services',
        ),
      );
  } else if (etp === '') errs.push(required(SPEC.child('externalTrafficPolicy')));
  else if (etp !== 'Cluster' && etp !== 'Local')
    errs.push(notSupported(SPEC.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  if (!isSet(spec.internalTrafficPolicy)) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type))
      errs.push(required(SPEC.child('internalTrafficPolicy')));
  } else if (!['Cluster', 'Local'].includes(str(spec.internalTrafficPolicy))) {
    errs.push(
      notSupported(SPEC.child('internalTrafficPolicy'), str(spec.internalTrafficPolicy), [
        'Cluster',
        'Local',
      ]),
    );
  }
  return errs;
}

function validateUpgradeDowngradeClusterIPs(oldSpec: Obj, spec: Obj): FieldError[] {
  if (str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(oldSpec) && isHeadless(spec)) return [];
  const olds = clusterIPsOf(oldSpec);
  const news = clusterIPsOf(spec);
  const first = SPEC.child('clusterIPs').index(0);
  const shown = goStringSlice(news.length > 0 || isSet(spec.clusterIPs) ? news : null);
  const errs: FieldError[] = [];
  if (olds.length === news.length) {
    olds.forEach((ip, i) => {
      if (ip !== news[i])
        errs.push(invalid(SPEC.child('clusterIPs').index(i), shown, 'may not change once set'));
    });
  } else if (olds.length > news.length) {
    if (news.length === 0) errs.push(invalid(first, shown, 'primary clusterIP can not be unset'));
    if (olds.length > 0 && news.length > 0 && news[0] !== olds[0])
      errs.push(invalid(first, shown, 'may not change once set'));
    if (news.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
      const policy = isSet(spec.ipFamilyPolicy) ? str(spec.ipFamilyPolicy) : null;
      errs.push(
        invalid(
          SPEC.child('ipFamilyPolicy'),
          policy,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (olds.length > 0 && news[0] !== olds[0]) {
    errs.push(invalid(first, shown, 'may not change once set'));
  }
  return errs;
}

/**
 * Node ports outside --service-node-port-range. Upstream finds these while allocating, before
 * validation runs, so a create or update with such a port fails with these errors alone.
 */
export function nodePortRangeErrors(svcRaw: unknown, oldRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const spec = obj(obj(svcRaw).spec);
  if (!needsNodePort(spec)) return [];
  const oldNodePorts = new Set(list(obj(obj(oldRaw).spec).ports).map((p) => int(obj(p).nodePort)));
  const { min, max } = opts.nodePortRange;
  const errs: FieldError[] = [];
  list(spec.ports).forEach((raw, i) => {
    const nodePort = int(obj(raw).nodePort);
    if (nodePort === 0 || oldNodePorts.has(nodePort)) return;
    if (nodePort < min || nodePort > max) {
      errs.push(
        invalid(
          SPEC.child('ports').index(i).child('nodePort'),
          nodePort,
          `provided port is not in the valid range. The range of valid ports is ${min}-${max}`,
        ),
      );
    }
  });
  return errs;
}

/** Service create: prepare, allocation-time range check, then ValidateService. */
export function validateServiceCreate(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const svc = obj(prepareService(raw));
  const rangeErrs = nodePortRangeErrors(svc, undefined, opts);
  return rangeErrs.length > 0 ? rangeErrs : validateServiceObject(svc);
}

/** ValidateServiceUpdate: metadata rules, clusterIPs may not change, then ValidateService. */
export function validateServiceUpdate(raw: unknown, oldRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const svc = obj(prepareService(raw, oldRaw));
  const old = obj(oldRaw);
  const rangeErrs = nodePortRangeErrors(svc, old, opts);
  if (rangeErrs.length > 0) return rangeErrs;
  return [
    ...validateCoreObjectMetaUpdate(svc.metadata, old.metadata),
    ...validateUpgradeDowngradeClusterIPs(obj(old.spec), obj(svc.spec)),
    ...validateServiceObject(svc),
  ];
}
