// The opaque `continue` token of a paged list: the revision the first page was read at and the
// last key returned, as upstream's etcd3 storage encodes it (base64 JSON).
import { badRequest } from '../api-error.ts';

export interface ContinueState {
  revision: number;
  startAfter: string;
}

export function encodeContinue(state: ContinueState, prefix: string): string {
  const token = { v: 'meta.k8s.io/v1', rv: state.revision, start: state.startAfter.slice(prefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): ContinueState {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string' ||
      parsed.start.includes('..')
    ) {
      throw new Error('bad token');
    }
    return { revision: parsed.rv, startAfter: prefix + parsed.start };
  } catch {
    throw badRequest('continue key is not valid: invalid character in continue token');
  }
}
