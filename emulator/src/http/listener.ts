// One TCP port that speaks what a Scalekit environment URL speaks.
// - Cleartext: HTTP/1.1 (token, portal page, controls, REST) and h2c (gRPC; the SDK's transport uses h2c with
//   prior knowledge), told apart by sniffing each connection for the HTTP/2 preface.
// - TLS: HTTP/2 or HTTP/1.1 as ALPN negotiates (a browser picks h2, the SDK's axios HTTP/1.1).
// On HTTP/2 each request is routed by its content type: gRPC to the gRPC handler, anything else (a browser
// on h2, curl --http2) to the same HTTP app as HTTP/1.1.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

type Http1Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type Http2Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const SNIFF_TIMEOUT_MS = 30_000;

export interface DualListener {
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  port: number;
  host: string;
  /** The HTTP app; must accept both HTTP/1.1 and HTTP/2 compatibility request objects. */
  app: (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;
  grpc: Http2Handler;
  /** PEM key and certificate chain: serve TLS with ALPN instead of cleartext. */
  tls?: { key: string; cert: string };
}

function isGrpc(req: http2.Http2ServerRequest): boolean {
  return /^application\/grpc(?:[+;]|$)/i.test(req.headers['content-type'] ?? '');
}

export async function listenDual(opts: ListenOptions): Promise<DualListener> {
  const onHttp2: Http2Handler = (req, res) => (isGrpc(req) ? opts.grpc(req, res) : opts.app(req, res));
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  let server: net.Server;
  let inner: Array<{ close(): void }>;
  if (opts.tls) {
    const secure = http2.createSecureServer(
      { key: opts.tls.key, cert: opts.tls.cert, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'] },
      (req, res) => {
        if (req.httpVersionMajor === 2) onHttp2(req, res);
        else opts.app(req, res);
      },
    );
    secure.on('connection', track);
    // A client that gives up mid-handshake (or does not trust the certificate) is not the emulator's problem.
    secure.on('tlsClientError', (_error, socket) => socket.destroy());
    server = secure;
    inner = [];
  } else {
    const h1 = http.createServer(opts.app as Http1Handler);
    const h2 = http2.createServer(onHttp2);
    inner = [h1, h2];
    // Bun's node:http2 server serves only sockets it accepted itself (a socket handed over with
    // emit('connection') gets no HTTP/2 session), so under Bun the h2c server listens on a private loopback
    // port and sniffed HTTP/2 connections are relayed to it byte for byte.
    let h2Port: number | null = null;
    if (typeof process.versions.bun === 'string') {
      await new Promise<void>((resolve, reject) => {
        h2.once('error', reject);
        h2.listen(0, '127.0.0.1', () => resolve());
      });
      h2Port = (h2.address() as net.AddressInfo).port;
    }
    const relay = (socket: net.Socket, first: Buffer) => {
      const upstream = net.connect(h2Port!, '127.0.0.1');
      track(upstream);
      upstream.on('error', () => socket.destroy());
      upstream.on('close', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.write(first);
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    };
    server = net.createServer((socket) => {
      track(socket);
      socket.on('error', () => socket.destroy()); // a peer resetting mid-sniff is not our problem
      let seen = Buffer.alloc(0);
      // A peer that opens a connection and never says which protocol it speaks is dropped.
      const onIdle = () => socket.destroy();
      socket.setTimeout(SNIFF_TIMEOUT_MS, onIdle);
      const onData = (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        const n = Math.min(seen.length, PREFACE.length);
        const maybeH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
        if (maybeH2 && seen.length < PREFACE.length) return; // need more bytes to decide
        socket.off('data', onData);
        socket.setTimeout(0);
        socket.off('timeout', onIdle);
        socket.pause();
        if (maybeH2 && h2Port !== null) return relay(socket, seen);
        socket.unshift(seen);
        // Both servers pick up bytes already buffered on the socket (http2 reads them on the next tick).
        (maybeH2 ? h2 : h1).emit('connection', socket);
        if (!maybeH2) socket.resume();
      };
      socket.on('data', onData);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of inner) s.close();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
