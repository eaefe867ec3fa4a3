// Run as a child process by emulator-close.test.ts: uses the emulator the way tests do, then closes it
// and must exit on its own (no process.exit), proving close() leaves no socket or timer behind.
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator } from '../../src/index.js';

const emulator = await startEmulator();
const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
await scalekit.organization.generatePortalLink('org_acme'); // leaves an HTTP/2 session and a keep-alive socket open
await fetch(`${emulator.url}/_emulator/stats`, { headers: { authorization: `Bearer ${emulator.controlToken}` } });
emulator.faults.setLatency(60_000);
const pending = scalekit.organization.getOrganization('org_acme').catch(() => 'failed as expected');
const pendingToken = fetch(`${emulator.url}/oauth/token`, { method: 'POST' }).catch(() => 'failed as expected');
// wait until both requests are inside the emulator, waiting out the latency
while (emulator.stats().tokenRequests < 1 || !emulator.stats().rpcs.GetOrganization) await new Promise((r) => setImmediate(r));
await emulator.close();
console.log(await pending, await pendingToken);
console.log('closed');
