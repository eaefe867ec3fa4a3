// Child process for the TLS test: the unmodified SDK against an https:// emulator, trusting its CA only
// through NODE_EXTRA_CA_CERTS (which Node reads at start, hence a process of its own). Prints one JSON line.
import { Scalekit } from '@scalekit-sdk/node';
import { Feature } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { sdkOrganizationClient } from './sdk.js';

const { EMULATOR_URL, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } = process.env;
const scalekit = new Scalekit(EMULATOR_URL!, EMULATOR_CLIENT_ID!, EMULATOR_CLIENT_SECRET!);
try {
  const created = await scalekit.organization.createOrganization('Over TLS Inc', { externalId: 'tls-tenant' });
  const { client, exec } = sdkOrganizationClient(scalekit);
  const { link } = await exec(client.generatePortalLink, { id: created.organization!.id, features: [Feature.sso] });
  const read = await scalekit.organization.getOrganizationByExternalId('tls-tenant');
  console.log(JSON.stringify({ organizationId: created.organization!.id, readBack: read.organization?.id, location: link!.location }));
} catch (error) {
  console.log(JSON.stringify({ error: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300) }));
  process.exitCode = 1;
}
