// Valid objects to start each test from, and small helpers. Each fixture is built fresh per call
// so tests can change it freely.

import { applyDefaults } from '../../src/validation/defaults.ts';
import { errorMessage, type FieldError } from '../../src/validation/field-error.ts';

export type Obj = Record<string, unknown>;

/** The whole upstream messages of a list of field errors. */
export const messages = (errs: readonly FieldError[]): string[] => errs.map(errorMessage);

/** A defaulted copy, typed loosely for editing in tests. */
export const defaulted = (kind: string, o: Obj): Obj => applyDefaults(kind, o) as Obj;

/** The DNS-1123 subdomain message of upstream's validation.go for an invalid value. */
export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
/** The DNS-1123 label message. */
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
/** The DNS-1035 label message. */
export const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function pod(): Obj {
  return defaulted('Pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'kconform/busybox:1.35' }] },
  });
}

export function service(): Obj {
  return defaulted('Service', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
}

export function persistentVolume(): Obj {
  return defaulted('PersistentVolume', {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv1' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv1' } },
  });
}

export function persistentVolumeClaim(): Obj {
  return defaulted('PersistentVolumeClaim', {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'claim', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
}

export function replicationController(): Obj {
  return defaulted('ReplicationController', {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc', namespace: 'default' },
    spec: {
      template: {
        metadata: { labels: { app: 'rc' } },
        spec: { containers: [{ name: 'app', image: 'kconform/busybox:1.35' }] },
      },
    },
  });
}

/** The object as stored: a resourceVersion, uid and creationTimestamp, as upstream adds them. */
export function stored(o: Obj): Obj {
  const copy = structuredClone(o);
  copy.metadata = {
    ...(copy.metadata as Obj),
    resourceVersion: '7',
    uid: '0b6a9c7e-0000-4000-8000-000000000001',
    creationTimestamp: '2024-05-01T10:00:00Z',
  };
  return copy;
}

/** A deep copy with `edit` applied, for building the new side of an update. */
export function edited(o: Obj, edit: (copy: Obj) => void): Obj {
  const copy = structuredClone(o);
  edit(copy);
  return copy;
}

export const at = (o: Obj, ...path: (string | number)[]): Obj => {
  let cur: unknown = o;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur as Obj;
};
