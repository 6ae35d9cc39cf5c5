// The audit log: one audit.k8s.io/v1 Event per request at level Metadata, as JSON lines, when
// the apiserver was given --audit-log-path. Writes are appended through one stream.
import { createWriteStream, type WriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { RequestInfo } from './request-info.ts';
import type { User } from './authn.ts';

export interface AuditRecord {
  info: RequestInfo;
  verb: string;
  method: string;
  requestURI: string;
  user: User | undefined;
  sourceIP: string;
  code: number;
  received: Date;
  userAgent: string | undefined;
}

export class AuditLog {
  private readonly out: WriteStream;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  write(r: AuditRecord): void {
    const objectRef: Record<string, string> = {};
    if (r.info.resource) objectRef.resource = r.info.resource;
    if (r.info.namespace) objectRef.namespace = r.info.namespace;
    if (r.info.name) objectRef.name = r.info.name;
    if (r.info.subresource) objectRef.subresource = r.info.subresource;
    if (r.info.isResourceRequest) {
      objectRef.apiGroup = r.info.group;
      objectRef.apiVersion = r.info.version;
    }
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: randomUUID(),
      stage: 'ResponseComplete',
      requestURI: r.requestURI,
      verb: r.verb,
      user: r.user
        ? { username: r.user.name, uid: r.user.uid, groups: r.user.groups }
        : { username: 'system:anonymous', groups: ['system:unauthenticated'] },
      sourceIPs: [r.sourceIP],
      ...(r.userAgent ? { userAgent: r.userAgent } : {}),
      ...(r.info.isResourceRequest ? { objectRef } : {}),
      responseStatus: { metadata: {}, code: r.code },
      requestReceivedTimestamp: r.received.toISOString(),
      stageTimestamp: new Date().toISOString(),
    };
    this.out.write(JSON.stringify(event) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** Upstream's verb for a request: get/list/watch/create/update/patch/delete/deletecollection. */
export function kubernetesVerb(method: string, info: RequestInfo, query: URLSearchParams): string {
  const watching = info.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (!info.isResourceRequest) return method.toLowerCase();
      if (watching) return 'watch';
      return info.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return info.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
