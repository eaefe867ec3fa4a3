// One TCP port that speaks both HTTP/1.1 (token, portal page, controls) and cleartext HTTP/2 (gRPC),
// as a Scalekit environment URL does: the SDK's gRPC transport uses h2c with prior knowledge, so every
// connection is sniffed for the HTTP/2 preface and handed to the matching server.
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

export async function listenDual(opts: {
  port: number;
  host: string;
  http1: Http1Handler;
  http2: Http2Handler;
}): Promise<DualListener> {
  const h1 = http.createServer(opts.http1);
  const h2 = http2.createServer(opts.http2);
  const sockets = new Set<net.Socket>();

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
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
      socket.unshift(seen);
      // Both servers pick up bytes already buffered on the socket (http2 reads them on the next tick).
      (maybeH2 ? h2 : h1).emit('connection', socket);
      if (!maybeH2) socket.resume();
    };
    socket.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port, opts.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });

  return {
    port: (tcp.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        h1.close();
        h2.close();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
