// A gRPC health server for probe tests (grpc.health.v1.Health/Check over HTTP/2 without TLS, as a
// gRPC server speaks it: length-prefixed protobuf, the status in trailers), on loopback. Each
// service name gets the answer the test sets: a ServingStatus number (1 SERVING, 2 NOT_SERVING),
// 'unimplemented' (grpc-status 12) or 'hang' (never answers). Unknown names are SERVING.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export type HealthAnswer = number | 'unimplemented' | 'hang';

export interface GrpcHealthServer {
  port: number;
  answers: Map<string, HealthAnswer>;
  /** Every check received: the path, the User-Agent and the service asked about. */
  seen: { path: string; userAgent: string; service: string }[];
  close(): Promise<void>;
}

/** HealthCheckResponse{status} in a gRPC frame. */
export function responseFrame(status: number): Buffer {
  const message = status === 0 ? Buffer.alloc(0) : Buffer.from([0x08, status]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

export async function startGrpcHealthServer(host = '127.0.0.1'): Promise<GrpcHealthServer> {
  const answers = new Map<string, HealthAnswer>();
  const seen: GrpcHealthServer['seen'] = [];
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const frame = Buffer.concat(chunks);
      // the request's field 1 (service): tag, one-byte length, the name
      const service = frame.length > 7 ? frame.subarray(7).toString() : '';
      seen.push({ path: String(headers[':path']), userAgent: String(headers['user-agent']), service });
      const answer = answers.get(service) ?? 1;
      if (answer === 'hang') return;
      if (answer === 'unimplemented') {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': '12',
            'grpc-message': 'unknown service',
          },
          { endStream: true },
        );
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(responseFrame(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    answers,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // hung streams would hold the close: end their sessions
        for (const s of sessions) s.destroy();
      }),
  };
}
