import { PlatformError } from '../../src/platform';

/** The PlatformError a call fails with; anything else (a success, another error) fails the test. */
export async function platformFailure(call: Promise<unknown>): Promise<PlatformError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof PlatformError)) {
    throw new Error(`expected a PlatformError, got ${String(error)}`);
  }
  return error;
}
