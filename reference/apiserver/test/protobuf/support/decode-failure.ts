import { expect } from 'chai';
import { decodeKubernetesProtobuf } from '../../../src/protobuf/kubernetes-protobuf.ts';
import { ProtobufDecodeError } from '../../../src/protobuf/protobuf-decode-error.ts';

/** The ProtobufDecodeError decoding `body` throws; fails the test if it throws nothing or else. */
export function decodeFailure(body: Uint8Array): ProtobufDecodeError {
  try {
    decodeKubernetesProtobuf(body);
  } catch (err) {
    expect(err).to.be.instanceOf(ProtobufDecodeError);
    return err as ProtobufDecodeError;
  }
  throw new Error('expected a ProtobufDecodeError');
}
