// A host's webhook receiver for the emulator tests: verifies each delivery with the real SDK, records it, and
// answers the next scripted status (200 once the script is empty).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Scalekit } from '@scalekit-sdk/node';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
  event: { id: string; type: string; organization_id: string; object: string; data: Record<string, any> };
}

/** A host's webhook receiver: verifies each delivery with the real SDK and answers the next scripted status. */
export async function startReceiver(scalekit: Scalekit, secret: string) {
  const deliveries: Delivery[] = [];
  const rejected: string[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers as Record<string, string>;
      try {
        scalekit.verifyWebhookPayload(secret, headers, body);
        deliveries.push({ headers, body, event: JSON.parse(body) });
        res.statusCode = statuses.shift() ?? 200;
      } catch (error) {
        rejected.push((error as Error).message);
        res.statusCode = 401;
      }
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/scalekit`,
    deliveries,
    rejected,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
