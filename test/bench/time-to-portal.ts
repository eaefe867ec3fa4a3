export async function measureTimeToPortal(): Promise<never> {
  throw new Error('not yet');
}
