// Northwind on a Node HTTP server: what `npm start` (main.ts) listens with, and the tests too.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { DemoListener } from './northwind.js';

export interface NodeListenerOptions {
  /** Default 0 (any free port); `npm start` passes `PORT` (3000). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/** Listens on `host:port`; the URL names the host browsers can reach (a wildcard address becomes 127.0.0.1). */
export function nodeListener(options: NodeListenerOptions = {}): DemoListener {
  return async (fetch) => {
    const server = createAdaptorServer({ fetch, overrideGlobalObjects: false }) as Server;
    const host = options.host ?? '127.0.0.1';
    await listen(server, options.port ?? 0, host);
    const { port } = server.address() as AddressInfo;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return { url: `http://${shown}:${port}`, close: () => closeServer(server) };
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stop accepting, let requests in flight finish, and cut what is left (e.g. event streams) after a grace period. */
function closeServer(server: Server, graceMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
