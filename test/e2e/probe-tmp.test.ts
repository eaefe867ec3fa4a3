import { it } from 'node:test';
import { startDemo, signIn, portalFrame } from './harness.js';
it('probe', async () => {
  const t0 = Date.now(); const c0 = process.cpuUsage();
  const run = await startDemo();
  const c1 = process.cpuUsage(c0); console.log('startDemo wall', Date.now()-t0, 'node cpu', (c1.user+c1.system)/1e3);
  const t1 = Date.now(); const c2 = process.cpuUsage();
  const org = run.emulator.organizations()[0]!.id;
  await signIn(run.page, org);
  await portalFrame(run.page, run.emulator.url);
  const c3 = process.cpuUsage(c2); console.log('signin+portal wall', Date.now()-t1, 'node cpu', (c3.user+c3.system)/1e3);
  await run.close();
});
