// Why a protobuf request body could not be decoded. Every reason is a client error: the apiserver
// answers 400 BadRequest with the message, as upstream does for a body its serializer refuses.

export const PROTOBUF_DECODE_REASONS = {
  /** Empty, or without the `k8s\x00` prefix. */
  NotProtobuf: 'the body is not a Kubernetes protobuf message',
  /** A length or varint runs past the end of its message. */
  Truncated: 'a field runs past the end of its message',
  /** Bytes that are not protobuf: bad field number, wire type, or over-long varint. */
  Malformed: 'the bytes are not a well-formed protobuf message',
  /** A known field number arrived with the wrong wire type. */
  WrongWireType: 'a field arrived with a wire type its declared type cannot have',
  /** A value the Go type cannot hold or print (an int64 beyond 2^53, a bad IntOrString type...). */
  InvalidValue: 'a field holds a value its type cannot represent',
  /** The envelope names no kind, or no apiVersion. */
  MissingKind: 'the envelope does not say which kind it carries',
  /** The envelope names a kind this decoder has no field table for. */
  NotRegistered: 'the kind is not registered for protobuf decoding',
  /** The envelope asks for a content encoding or type other than plain protobuf. */
  Unsupported: 'the envelope uses an encoding this decoder does not support',
} as const;

export type ProtobufDecodeReason = keyof typeof PROTOBUF_DECODE_REASONS;

export class ProtobufDecodeError extends Error {
  constructor(
    readonly reason: ProtobufDecodeReason,
    message: string,
  ) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}
