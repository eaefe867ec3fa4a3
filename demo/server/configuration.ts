// GET /api/demo/configuration (demo only): what the signed-in organization has configured, read from
// Scalekit through the SDK, so the demo's badges survive a reload instead of living only in portal events.
import type { DemoConfiguration } from '../shared/api-types.js';
export type { DemoConfiguration };
import { Hono, type Context } from 'hono';
import type { ScalekitClient } from '@scalekit-sdk/node';
import {
  ConnectionProvider,
  ConnectionType,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import { DirectoryProvider, DirectoryType } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';


type ConfigurationApi = {
  connection: Pick<ScalekitClient['connection'], 'listConnections'>;
  directory: Pick<ScalekitClient['directory'], 'listDirectories'>;
};

export interface DemoConfigurationOptions {
  scalekit: ConfigurationApi;
  /** The signed-in organization, from the demo session; null when no one is signed in. */
  organizationOf: (c: Context) => string | null | Promise<string | null>;
  log: (line: string) => void;
}

/** An enabled entry wins over a disabled one; otherwise the first, so a turned-off connection still shows. */
function preferEnabled<T extends { enabled: boolean }>(items: readonly T[]): T | undefined {
  return items.find((item) => item.enabled) ?? items[0];
}

/** Reads both through the SDK, in parallel. */
export async function readConfiguration(scalekit: ConfigurationApi, organizationId: string): Promise<DemoConfiguration> {
  const [{ connections }, { directories }] = await Promise.all([
    scalekit.connection.listConnections(organizationId),
    scalekit.directory.listDirectories(organizationId),
  ]);
  const sso = preferEnabled(connections);
  const directory = preferEnabled(directories);
  return {
    sso: sso
      ? { provider: ConnectionProvider[sso.provider] ?? 'UNKNOWN', type: ConnectionType[sso.type] ?? 'UNKNOWN', enabled: sso.enabled }
      : null,
    directory: directory
      ? {
          provider: DirectoryProvider[directory.directoryProvider] ?? 'UNKNOWN',
          type: DirectoryType[directory.directoryType] ?? 'UNKNOWN',
          enabled: directory.enabled,
        }
      : null,
  };
}

/** Mount at `/api/demo/configuration`. */
export function demoConfigurationRoutes(options: DemoConfigurationOptions): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    const organizationId = await options.organizationOf(c);
    if (!organizationId) {
      return c.json({ error: { code: 'unauthenticated', message: 'Sign in to an organization first.' } }, 401);
    }
    try {
      return c.json(await readConfiguration(options.scalekit, organizationId));
    } catch (error) {
      // The kind only: SDK errors can carry request details.
      options.log(`demo configuration: reading from Scalekit failed (${error instanceof Error ? error.name : typeof error})`);
      return c.json(
        { error: { code: 'upstream_failed', message: "Could not read the organization's configuration from Scalekit." } },
        502,
      );
    }
  });
  return app;
}
