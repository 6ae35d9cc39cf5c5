// Splits a request path into what it addresses, as upstream's RequestInfoFactory does:
// /api/v1/namespaces/ns/pods/web/status → core v1, namespace ns, pods, web, subresource status.

export interface RequestInfo {
  /** false for /version, /healthz, discovery roots and other non-resource paths. */
  isResourceRequest: boolean;
  path: string;
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
  /** The legacy /watch/ path prefix was used. */
  watchPrefix: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestPath(path: string): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '');
  const base: RequestInfo = { isResourceRequest: false, path, group: '', version: '', watchPrefix: false };
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    base.version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    base.group = parts[1]!;
    base.version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return base;
  }
  if (rest.length === 0) return base;
  if (rest[0] === 'watch') {
    base.watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length > 1) {
    base.namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
      rest = rest.slice(2);
    } else {
      // /namespaces/{name}[/status|/finalize]: the namespace object itself.
      delete base.namespace;
    }
  }
  base.isResourceRequest = rest.length > 0;
  base.resource = rest[0];
  if (rest.length > 1) base.name = rest[1];
  if (rest.length > 2) base.subresource = rest[2];
  if (rest.length > 3) base.isResourceRequest = false; // nothing we serve is that deep
  return base;
}
