import { loadConfigOrExit } from '../config';
import { createLogger } from '../logger';
import { DEFAULT_PLATFORM_TOKEN, startEmulator } from './index';

async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'emulator' });
  const emulator = await startEmulator({
    host: config.EMULATOR_HOST,
    port: config.EMULATOR_PORT,
    token: config.PLATFORM_TOKEN ?? config.PLATFORM_PASSWORD ?? DEFAULT_PLATFORM_TOKEN,
    dialect: config.EMULATOR_DIALECT,
    username: config.PLATFORM_USERNAME,
    dataFile: `${config.DATA_DIR}/emulator.sqlite`,
    logger,
    callback: config.EMULATOR_CALLBACK_URL
      ? { url: config.EMULATOR_CALLBACK_URL, secret: config.EMULATOR_CALLBACK_SECRET as string }
      : undefined,
  });
  logger.info({ url: emulator.url, dialect: config.EMULATOR_DIALECT }, 'emulator listening');
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

run().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${String(error)}\n`);
  process.exit(1);
});
