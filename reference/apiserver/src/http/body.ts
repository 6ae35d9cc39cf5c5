// Reads and decodes request bodies with upstream's limits and answers: 413 past 3 MiB, 415 for
// a media type the endpoint does not take, 400 for a body that does not parse.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from '../api-error.ts';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../protobuf/kubernetes-protobuf.ts';
import { ProtobufDecodeError } from '../protobuf/protobuf-decode-error.ts';

/** Upstream's limit for a request body (maxRequestBodyBytes, 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE] as const;
export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume(); // drain so the connection can answer
    throw requestEntityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw requestEntityTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Decodes an object body (create/update). */
export function decodeObject(req: IncomingMessage, body: Buffer): unknown {
  const type = mediaType(req);
  if (type === 'application/json' || type === '') return parseJson(body);
  if (type === 'application/yaml') return parseYamlBody(body);
  // kubectl's typed commands (create namespace, create secret, …) send Kubernetes protobuf.
  if (type === PROTOBUF_MEDIA_TYPE) {
    try {
      return decodeKubernetesProtobuf(body).object;
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw badRequest(err.message);
      throw err;
    }
  }
  throw unsupportedMediaType(OBJECT_MEDIA_TYPES);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(
      `the object provided is unrecognized: couldn't get version/kind; json parse error: ${(err as Error).message}`,
    );
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
