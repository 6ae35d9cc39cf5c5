// The grpc probe, as upstream's pkg/probe/grpc does it: a unary call to the standard health
// service (grpc.health.v1.Health/Check, https://github.com/grpc/grpc/blob/master/doc/health-checking.md)
// over HTTP/2 without TLS, at the pod IP and the probe's port, with the probe's `service` in the
// request. SERVING is a success; any other answer, a gRPC error or no answer within the timeout is
// a failure with upstream's wording. As upstream's blocking dial, a refused connection is retried
// until the timeout. The two messages are small enough to encode by hand (protobuf field 1 in
// each: HealthCheckRequest.service, a string; HealthCheckResponse.status, an enum).
import http2 from 'node:http2';
import { firstOutcome, KUBE_MINOR_VERSION, type ActionOutcome } from './actions.ts';

const CHECK_PATH = '/grpc.health.v1.Health/Check';
/** HealthCheckResponse.ServingStatus by number. */
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** gRPC status codes by number, as grpc-go names them in errors. */
const CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];
const UNIMPLEMENTED = 12;
const DEADLINE_EXCEEDED = 4;
/** Between connection attempts while the server refuses them (grpc-go backs off from 1 s; kept short). */
const REDIAL_MS = 200;

/** Go's %v of a duration in whole milliseconds: 1s, 1.5s, 500ms. */
function goDuration(ms: number): string {
  return ms % 1000 === 0 || ms > 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** A HealthCheckRequest in a gRPC frame: no compression flag, a 4-byte length, the message. */
export function healthCheckFrame(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const message =
    name.length > 0 ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** HealthCheckResponse.status from a whole gRPC response body (0, UNKNOWN, when absent). */
export function servingStatus(body: Buffer): number {
  if (body.length < 5) return 0;
  const message = body.subarray(5, 5 + body.readUInt32BE(1));
  let status = 0;
  for (let i = 0; i < message.length;) {
    const tag = message[i++]!;
    let value = 0;
    for (let shift = 0; i < message.length; shift += 7) {
      const b = message[i++]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    if (tag === 0x08)
      status = value; // field 1, varint
    else if ((tag & 7) === 2) i += value; // another length-delimited field: skip its bytes
  }
  return status;
}

/** Connects (h2c), retrying refused connections until `deadline`; undefined when it never did. */
async function connect(authority: string, deadline: number): Promise<http2.ClientHttp2Session | undefined> {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    const session = await new Promise<http2.ClientHttp2Session | undefined>((resolve) => {
      const s = http2.connect(`http://${authority}`);
      const timer = setTimeout(() => {
        s.destroy();
        resolve(undefined);
      }, left);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', () => {
        clearTimeout(timer);
        s.destroy();
        resolve(undefined);
      });
    });
    if (session) return session;
    await new Promise((r) => setTimeout(r, Math.min(REDIAL_MS, Math.max(0, deadline - Date.now()))));
  }
}

/** One health check of `service` at host:port within `timeoutMs`. */
export async function doGrpcCheck(
  host: string,
  port: number,
  service: string,
  timeoutMs: number,
): Promise<ActionOutcome> {
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  const session = await connect(authority, deadline);
  if (!session) {
    return {
      result: 'failure',
      output: `timeout: failed to connect service "${authority}" within ${goDuration(timeoutMs)}: context deadline exceeded`,
    };
  }
  try {
    return await check(session, service, deadline, timeoutMs);
  } finally {
    session.destroy();
  }
}

function check(
  session: http2.ClientHttp2Session,
  service: string,
  deadline: number,
  timeoutMs: number,
): Promise<ActionOutcome> {
  return new Promise((resolve) => {
    const finish = firstOutcome(resolve, () => {
      clearTimeout(timer);
      stream.close();
    });
    const stream = session.request({
      ':method': 'POST',
      ':path': CHECK_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, deadline - Date.now())}m`,
      'user-agent': `kube-probe/${KUBE_MINOR_VERSION}`,
    });
    const timer = setTimeout(
      () =>
        finish({
          result: 'failure',
          output: `timeout: health rpc did not complete within ${goDuration(timeoutMs)}`,
        }),
      Math.max(0, deadline - Date.now()),
    );
    const chunks: Buffer[] = [];
    let grpcStatus: number | undefined;
    let grpcMessage = '';
    const readStatus = (headers: http2.IncomingHttpHeaders): void => {
      const raw = headers['grpc-status'];
      if (raw === undefined) return;
      grpcStatus = Number(raw);
      grpcMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
    };
    stream.on('response', (headers) => {
      const status = Number(headers[':status']);
      if (status !== 200) {
        finish({
          result: 'failure',
          output: `error: health rpc probe failed: rpc error: code = Unknown desc = unexpected HTTP status code received from server: ${status}`,
        });
        return;
      }
      readStatus(headers); // a trailers-only answer carries its status here
    });
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (err) =>
      finish({
        result: 'failure',
        output: `error: health rpc probe failed: rpc error: code = Unavailable desc = ${err.message}`,
      }),
    );
    stream.on('close', () => {
      if (grpcStatus === undefined) grpcStatus = 2; // no status: grpc-go reports Unknown
      if (grpcStatus !== 0) {
        if (grpcStatus === UNIMPLEMENTED) {
          finish({
            result: 'failure',
            output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${grpcMessage}`,
          });
        } else if (grpcStatus === DEADLINE_EXCEEDED) {
          finish({
            result: 'failure',
            output: `timeout: health rpc did not complete within ${goDuration(timeoutMs)}`,
          });
        } else {
          finish({
            result: 'failure',
            output: `error: health rpc probe failed: rpc error: code = ${CODES[grpcStatus] ?? `Code(${grpcStatus})`} desc = ${grpcMessage}`,
          });
        }
        return;
      }
      const serving = servingStatus(Buffer.concat(chunks));
      if (serving === 1) finish({ result: 'success', output: 'service healthy' });
      else
        finish({
          result: 'failure',
          output: `service unhealthy (responded with "${SERVING_STATUS[serving] ?? String(serving)}")`,
        });
    });
    stream.end(healthCheckFrame(service));
  });
}
