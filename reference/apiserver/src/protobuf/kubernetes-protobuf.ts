// Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`, what
// kubectl's typed-client commands such as `kubectl create namespace` send) turned into the plain
// object the JSON API would have received. The body is the 4-byte prefix `k8s\x00` and a
// runtime.Unknown whose typeMeta names the kind and whose raw bytes are the object's own message
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf). See message-decoder.ts for how fields
// become JSON.
import { APPS_V1_MESSAGES } from './apps-v1-messages.ts';
import { CORE_V1_MESSAGES } from './core-v1-messages.ts';
import { CORE_V1_POD_MESSAGES } from './core-v1-pod-messages.ts';
import { CORE_V1_VOLUME_MESSAGES } from './core-v1-volume-messages.ts';
import { defineMessages } from './field-table.ts';
import { MessageDecoder } from './message-decoder.ts';
import { META_V1_MESSAGES, RUNTIME_MESSAGES, SPECIAL_WIRE_MESSAGES } from './meta-v1-messages.ts';
import { ProtobufDecodeError } from './protobuf-decode-error.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_PREFIX: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00); // "k8s\x00"
/** Named in "no kind is registered" errors, where upstream names its scheme's source file. */
export const PROTOBUF_SCHEME_NAME = 'reference/apiserver/src/protobuf/kubernetes-protobuf.ts';

export interface ProtobufKind {
  /** `*`: any apiVersion, as upstream registers the meta/v1 options types in every group version. */
  apiVersion: string;
  kind: string;
  message: string;
}

/** Every kind a protobuf body may carry, written out. */
export const PROTOBUF_KINDS: readonly ProtobufKind[] = [
  { apiVersion: 'v1', kind: 'Namespace', message: 'Namespace' },
  { apiVersion: 'v1', kind: 'ConfigMap', message: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret', message: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount', message: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Service', message: 'Service' },
  { apiVersion: 'v1', kind: 'Pod', message: 'Pod' },
  { apiVersion: 'apps/v1', kind: 'Deployment', message: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', message: 'ReplicaSet' },
  { apiVersion: '*', kind: 'DeleteOptions', message: 'DeleteOptions' },
];

export const PROTOBUF_MESSAGES = defineMessages(
  RUNTIME_MESSAGES,
  SPECIAL_WIRE_MESSAGES,
  META_V1_MESSAGES,
  CORE_V1_MESSAGES,
  CORE_V1_POD_MESSAGES,
  CORE_V1_VOLUME_MESSAGES,
  APPS_V1_MESSAGES,
);

const decoder = new MessageDecoder(PROTOBUF_MESSAGES);

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** What the JSON body would have been: `kind` and `apiVersion` first, then the object's fields. */
  object: Record<string, unknown>;
}

/**
 * Decodes a Kubernetes protobuf body. Throws a ProtobufDecodeError — a client error, answered
 * 400 BadRequest with its message — for anything but a well-formed envelope of a registered kind.
 * Never mutates `body`.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  if (body.length === 0) {
    throw new ProtobufDecodeError('NotProtobuf', 'empty data: a protobuf body starts with "k8s\\x00"');
  }
  if (body.length < PROTOBUF_PREFIX.length || PROTOBUF_PREFIX.some((byte, i) => body[i] !== byte)) {
    throw new ProtobufDecodeError(
      'NotProtobuf',
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ("k8s\\x00")',
    );
  }
  const envelope = decoder.decode(body.subarray(PROTOBUF_PREFIX.length), 'Unknown');
  const typeMeta = (envelope.get(1) as Map<number, unknown> | undefined) ?? new Map<number, unknown>();
  const apiVersion = (typeMeta.get(1) as string | undefined) ?? '';
  const kind = (typeMeta.get(2) as string | undefined) ?? '';
  const described = `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
  if (!kind) throw new ProtobufDecodeError('MissingKind', `Object 'Kind' is missing in '${described}'`);
  if (!apiVersion)
    throw new ProtobufDecodeError('MissingKind', `Object 'apiVersion' is missing in '${described}'`);

  const contentEncoding = (envelope.get(3) as string | undefined) ?? '';
  const contentType = (envelope.get(4) as string | undefined) ?? '';
  if (contentEncoding) {
    throw new ProtobufDecodeError(
      'Unsupported',
      `unsupported contentEncoding "${contentEncoding}" in protobuf envelope`,
    );
  }
  if (contentType && contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new ProtobufDecodeError(
      'Unsupported',
      `unsupported contentType "${contentType}" in protobuf envelope`,
    );
  }

  const registered = PROTOBUF_KINDS.find(
    (k) => k.kind === kind && (k.apiVersion === '*' || k.apiVersion === apiVersion),
  );
  if (!registered) {
    throw new ProtobufDecodeError(
      'NotRegistered',
      `no kind "${kind}" is registered for version "${apiVersion}" in scheme "${PROTOBUF_SCHEME_NAME}"`,
    );
  }
  const raw = (envelope.get(2) as Uint8Array | undefined) ?? new Uint8Array(0);
  const fields = decoder.toJson(decoder.decode(raw, registered.message, kind), registered.message);
  return { apiVersion, kind, object: { kind, apiVersion, ...fields } };
}
