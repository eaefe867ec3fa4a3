// The parent's handle on the emulator child: its credentials, and its /_emulator controls over HTTP.
import type { EmulatorStats } from '../../../emulator/src/index.js';
import { startChild, type Child } from './processes.js';

export interface EmulatorInfo {
  url: string;
  clientId: string;
  clientSecret: string;
  /** For the /_emulator/ controls (never handed to the endpoint processes). */
  controlToken: string;
  /** Where its links point (the proxy's address when started behind one). */
  publicUrl: string;
  /** With `tls`: the CA file for NODE_EXTRA_CA_CERTS, and the key pin Chromium is told to trust. */
  tls: { caPath: string; spkiSha256: string } | null;
}

export interface EmulatorOptions {
  /** HTTPS with h2, as browsers reach Scalekit. */
  tls?: boolean;
  publicUrl?: string;
  /** Who may frame the portal (the emulator's default: http://localhost:* and http://127.0.0.1:*). */
  allowedOrigins?: string[];
}

export interface EmulatorProcess extends Child<EmulatorInfo> {
  stats(): Promise<EmulatorStats>;
  reset(): Promise<void>;
}

export async function startEmulatorProcess(options: EmulatorOptions = {}): Promise<EmulatorProcess> {
  const env: Record<string, string> = {};
  if (options.tls) env['BENCH_EMULATOR_TLS'] = '1';
  if (options.publicUrl) env['BENCH_EMULATOR_PUBLIC_URL'] = options.publicUrl;
  if (options.allowedOrigins) env['BENCH_EMULATOR_ALLOWED_ORIGINS'] = options.allowedOrigins.join(',');
  const child = await startChild<EmulatorInfo>('support/emulator-child.ts', { env });
  const control = async (path: string, init?: RequestInit) => {
    const headers = { ...init?.headers, authorization: `Bearer ${child.info.controlToken}` };
    const response = await fetch(`${child.info.url}/_emulator/${path}`, { ...init, headers });
    if (!response.ok) throw new Error(`emulator control ${path} answered ${response.status}`);
    return response.json();
  };
  return {
    ...child,
    stats: () => control('stats') as Promise<EmulatorStats>,
    reset: async () => {
      await control('reset', { method: 'POST' });
    },
  };
}

/** Environment variables that point an SDK client at the emulator. */
export function scalekitEnv(info: EmulatorInfo): Record<string, string> {
  return {
    SCALEKIT_ENVIRONMENT_URL: info.url,
    SCALEKIT_CLIENT_ID: info.clientId,
    SCALEKIT_CLIENT_SECRET: info.clientSecret,
  };
}

/** Sum of every RPC attempt in a stats snapshot. */
export function rpcCount(stats: EmulatorStats, method?: string): number {
  return method ? (stats.rpcs[method] ?? 0) : Object.values(stats.rpcs).reduce((sum, n) => sum + n, 0);
}
