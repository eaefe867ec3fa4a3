// A TCP relay that makes loopback behave like a distant server: every chunk, in both directions, is held for
// half the configured round trip before it is passed on, and a new connection's first bytes wait one extra round
// trip for the TCP handshake that loopback skips. TLS and HTTP/2 pass through untouched (the relay never parses).
// Bandwidth and loss are not modelled: the pages and the portal are small, latency is what a cold visit pays.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  /** `127.0.0.1:port`, for URLs. */
  host: string;
  port: number;
  /** Where connections go; may be set after listening, so the target can be told the proxy's address first. */
  setTarget(port: number, host?: string): void;
  /** Changes the delay for chunks queued from now on (connections already open included). */
  setRtt(ms: number): void;
  /** Every connection accepted so far (each a cold TCP connection the browser opened), oldest first. */
  connections(): readonly ConnectionRecord[];
  close(): Promise<void>;
}

export interface ConnectionRecord {
  /** performance.now() in this process when the connection was accepted. */
  acceptedAt: number;
  /** Bytes the client sent, and bytes sent back to it: a connection opened ahead and never used shows only its TLS handshake. */
  bytesUp: number;
  bytesDown: number;
}

/**
 * One direction of a connection: chunks queued with the time they may leave, written in order by one timer.
 * (Separate setTimeout calls per chunk could reorder chunks whose due times differ by the handshake delay.)
 */
class DelayedPipe {
  #queue: { due: number; chunk: Buffer | null }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly delayMs: () => number,
  ) {}

  /** `null` ends the other side once everything before it has been written. */
  push(chunk: Buffer | null, notBefore = 0): void {
    this.#queue.push({ due: Math.max(performance.now(), notBefore) + this.delayMs(), chunk });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#queue.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      // Timers fire up to a millisecond early or late; within half a millisecond counts as due.
      while (this.#queue.length > 0 && this.#queue[0]!.due <= now + 0.5) {
        const { chunk } = this.#queue.shift()!;
        if (this.to.destroyed) continue;
        if (chunk === null) this.to.end();
        else this.to.write(chunk);
      }
      this.#schedule();
    }, Math.max(0, this.#queue[0]!.due - performance.now()));
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
  }
}

export async function startLatencyProxy(options: { rttMs: number; targetPort?: number; targetHost?: string }): Promise<LatencyProxy> {
  let rttMs = options.rttMs;
  const oneWay = () => rttMs / 2;
  let target = { port: options.targetPort ?? 0, host: options.targetHost ?? '127.0.0.1' };
  const accepted: ConnectionRecord[] = [];
  const open = new Set<Socket>();

  const server: Server = createServer((client) => {
    const record: ConnectionRecord = { acceptedAt: performance.now(), bytesUp: 0, bytesDown: 0 };
    accepted.push(record);
    // The client's SYN would reach the server after one way and its SYN-ACK come back after another: data it
    // sends may leave only one round trip after it connected.
    const handshakeDone = performance.now() + rttMs;
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.setNoDelay(true);
      socket.once('close', () => open.delete(socket));
    }
    const toUpstream = new DelayedPipe(upstream, oneWay);
    const toClient = new DelayedPipe(client, oneWay);
    client.on('data', (chunk: Buffer) => {
      record.bytesUp += chunk.length;
      toUpstream.push(chunk, handshakeDone);
    });
    upstream.on('data', (chunk: Buffer) => {
      record.bytesDown += chunk.length;
      toClient.push(chunk);
    });
    // Half-close travels with the same delay, behind the data sent before it.
    client.on('end', () => toUpstream.push(null, handshakeDone));
    upstream.on('end', () => toClient.push(null));
    const teardown = () => {
      toUpstream.clear();
      toClient.clear();
      client.destroy();
      upstream.destroy();
    };
    // A reset on either side drops the other at once: nothing more will be delivered in order anyway.
    client.on('error', teardown);
    upstream.on('error', teardown);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    port,
    setTarget: (targetPort, targetHost = '127.0.0.1') => {
      target = { port: targetPort, host: targetHost };
    },
    setRtt: (ms) => {
      rttMs = ms;
    },
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
