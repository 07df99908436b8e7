export default async function globalTeardown(): Promise<void> {
  await globalThis.portflowTestDevServer?.stop();
  globalThis.portflowTestDevServer = undefined;
}
