import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDevServer, type RunningDevServer } from '../../src/dev/dev-server';
import { freePort } from '../../src/dev/net';
import { resolveTemporalCli } from '../../src/dev/temporal-cli';
import { createLogger } from '../../src/logger';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import type { ReleaseObject } from '../../src/domain';
import { DAY_MS } from '../../src/domain/time';
import { portWorkflowId, releaseWorkflowId } from '../../src/workflows/definitions';
import { advanceCarrierUntil, eventually, startPortflow, type Portflow } from '../helpers/portflow';
import {
  compileApp,
  startBuiltEmbedded,
  type Banner,
  type NodeProcess,
} from '../helpers/compiled-app';
import { emulatorControl, jsonRequest } from '../helpers/emulator';
import {
  ACCOUNT_NUMBER,
  PIN,
  submitPortWithSecrets,
  submitPortWithSecretsAt,
} from '../helpers/secrets';
import { TEST_NAMESPACE } from '../helpers/temporal';

const CHROMIUM = '/usr/bin/chromium';
const NUMBER = '+16077986464';
const EMBEDDED_NUMBER = '+16077986465';

/** Where the screenshots go, to look at after a run. */
const SHOTS = mkdtempSync(join(tmpdir(), 'portflow-web-ui-'));

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Finds a workflow in the UI's workflow list by a search query, then opens its history. */
async function openWorkflowByQuery(
  page: Page,
  options: { uiUrl: string; workflowId: string; query: string; shotPrefix: string },
): Promise<string> {
  await page.goto(`${options.uiUrl}/namespaces/${TEST_NAMESPACE}/workflows`);
  await page.getByTestId('toggle-manual-query').click();
  await page.getByTestId('manual-search-input').fill(options.query);
  await page.getByTestId('manual-search-button').click();
  const link = page.getByRole('link', { name: options.workflowId, exact: true });
  await link.waitFor();
  // The workflow alone of its kind: its number's hold carries the number too, but is no port or release.
  const kind = options.workflowId.slice(0, options.workflowId.indexOf('-') + 1);
  await expect(page.getByRole('link', { name: new RegExp(`^${kind}`) }).count()).resolves.toBe(1);
  await shot(page, `${options.shotPrefix}1-list-filtered`);
  await link.click();
  await page.getByRole('heading', { name: 'Event History' }).waitFor();
  return options.workflowId;
}

/** What the page holds, shown or not: its whole DOM and its visible text. */
async function everythingOn(page: Page): Promise<string> {
  return `${await page.content()}\n${await page.locator('body').innerText()}`;
}

/** A number of `partitionId` ordered and released through the API, aging its 90 days. */
async function agingNumber(portflow: Portflow, partitionId: string): Promise<string> {
  const path = `/v2/partition/${partitionId}/telephone-number`;
  const search = await portflow.call('GET', `${path}/search?npa=607&quantity=1`);
  const number = (search.body as { telephoneNumbers: { telephoneNumber: string }[] })
    .telephoneNumbers[0]?.telephoneNumber as string;
  const order = await portflow.call('POST', `${path}/order`, {
    body: { telephoneNumbers: [number], accountId: 'acc_123' },
  });
  expect(order.body).toMatchObject({ status: 'COMPLETED' });
  const release = await portflow.call('DELETE', `${path}/${encodeURIComponent(number)}`);
  expect(release.status).toBe(202);
  await eventually(
    async () =>
      (await portflow.call('GET', `${path}/${encodeURIComponent(number)}/release`))
        .body as ReleaseObject,
    (release) => release.status === 'AGING',
  );
  return number;
}

function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 2000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: this test drives the Debian chromium package. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (as .ci/run does).',
    );
  }
}

describe('the Temporal Web UI, as an operator sees a port', () => {
  let devServer: RunningDevServer;
  let uiUrl: string;
  let portflow: Portflow;
  let browser: BrowserContext;
  let profile: string;
  let portRequestId: string;
  let releasedNumber: string;

  beforeAll(async () => {
    requireChromium();
    const logger = createLogger({ level: 'warn' });
    const apiPort = await freePort();
    // The run's shared dev server has no UI: this file starts one with the UI and the codec endpoint.
    devServer = await startDevServer({
      cli: await resolveTemporalCli({ logger }),
      logger,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: TEST_NAMESPACE,
      codecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
    });
    uiUrl = devServer.uiUrl as string;
    const connection = await Connection.connect({ address: devServer.address });
    try {
      await ensureSearchAttributes(connection, TEST_NAMESPACE);
    } finally {
      await connection.close();
    }
    portflow = await startPortflow({
      temporalAddress: devServer.address,
      apiPort,
      env: { CODEC_CORS_ORIGINS: new URL(uiUrl).origin },
    });

    const A = portflow.partitionA;
    portRequestId = await submitPortWithSecrets(portflow, NUMBER);
    await advanceCarrierUntil(portflow, A, portRequestId, (port) => port.status === 'APPROVED');
    releasedNumber = await agingNumber(portflow, A);

    profile = mkdtempSync(join(tmpdir(), 'portflow-chromium-'));
    browser = await launchChromium(profile);
  });

  afterAll(async () => {
    await browser?.close();
    await portflow?.close();
    await devServer?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
    process.stderr.write(`Web UI screenshots: ${SHOTS}\n`);
  });

  function openPortFromList(page: Page): Promise<string> {
    const portId = portWorkflowId(portflow.partitionA, portRequestId);
    return openWorkflowByQuery(page, {
      uiUrl,
      workflowId: portId,
      query: `PortStatus = "APPROVED" AND TelephoneNumbers = "${NUMBER}"`,
      shotPrefix: '',
    });
  }

  it('finds the port by PortStatus and number and shows its history, with no secret in the page', async () => {
    const page = await browser.newPage();
    const portId = await openPortFromList(page);
    await page.getByText('encryption-key-id').first().waitFor();
    await shot(page, '2-port-without-codec');

    const seen = await everythingOn(page);
    expect(seen).toContain(portId);
    expect(seen).toContain('portIn');
    // Activities read as steps.
    for (const step of ['awaitCarrierStatus', 'submitPort']) expect(seen).toContain(step);
    // The input is on the page, as Temporal stores it: encrypted.
    expect(seen).toContain('encryption-key-id');
    // The codec endpoint is configured but this browser is not signed in: it decodes nothing.
    expect(seen).toContain('Codec Server could not connect');
    for (const secret of [PIN, ACCOUNT_NUMBER]) expect(seen).not.toContain(secret);
    await page.close();
  });

  it('finds an aging release by ReleaseStatus and AgingUntil, as "every number aging until next week"', async () => {
    const page = await browser.newPage();
    const inEightyDays = new Date(Date.now() + 80 * DAY_MS).toISOString();
    const inNinetyOneDays = new Date(Date.now() + 91 * DAY_MS).toISOString();
    const releaseId = releaseWorkflowId(portflow.partitionA, releasedNumber);
    await openWorkflowByQuery(page, {
      uiUrl,
      workflowId: releaseId,
      query:
        `ReleaseStatus = "AGING" AND AgingUntil > "${inEightyDays}" AND ` +
        `AgingUntil < "${inNinetyOneDays}" AND PartitionId = "${portflow.partitionA}"`,
      shotPrefix: 'release-',
    });
    await shot(page, 'release-2-history');
    expect(await everythingOn(page)).toContain('releaseNumber');
    await page.close();
  });

  it('shows the decoded request, secrets redacted, once the browser is signed in to the codec', async () => {
    const page = await browser.newPage();
    await page.goto(`${portflow.apiUrl}/codec/session`);
    await page.locator('#token').fill(portflow.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in until').waitFor();

    await openPortFromList(page);
    // The codec settings, as an operator fills them in. The panel opens under the page's
    // sticky bars, which take a pointer's clicks: each control is clicked without one.
    await page.locator('[data-testid^="data-encoder-status"]').first().click();
    await page.getByTestId('data-encoder-title').waitFor();
    await page.locator('#use-local-endpoint-radio').dispatchEvent('click');
    await page.locator('#data-encoder-endpoint-input').fill(`${portflow.apiUrl}/codec`);
    const includeCredentials = page.locator('input#pass-access-credentials');
    await includeCredentials.dispatchEvent('click');
    await expect(includeCredentials.isChecked()).resolves.toBe(true);
    await page.getByTestId('confirm-data-encoder-button').dispatchEvent('click');
    await page.reload();
    await page.getByText('[REDACTED]').first().waitFor();
    await shot(page, '3-port-with-codec');

    const seen = await everythingOn(page);
    expect(seen).toContain(NUMBER);
    expect(seen).toContain('acc_123');
    for (const secret of [PIN, ACCOUNT_NUMBER]) expect(seen).not.toContain(secret);

    // The summaries, in words, are payloads too: the codec shows them.
    // A running workflow's page refreshes itself: a click that lands mid-refresh is tried again.
    // The UI renders a summary as markdown in a frame of its own: look in every frame.
    const summaryShown = async () => {
      for (let poll = 0; poll < 20; poll++) {
        for (const frame of page.frames()) {
          const count = await frame
            .getByText('Port 1 number(s) into account acc_123')
            .count()
            .catch(() => 0);
          if (count > 0) return true;
        }
        await page.waitForTimeout(500);
      }
      return false;
    };
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('tab', { name: 'User Metadata' }).dispatchEvent('click');
      if (await summaryShown()) break;
      await shot(page, `4-user-metadata-missing-${attempt}`);
      if (attempt === 3) throw new Error('the User Metadata tab never showed the summary');
    }
    await shot(page, '4-user-metadata-with-codec');
    await page.close();
  });
});

describe('the embedded Web UI (npm start with the emulator), as an operator first opens it', () => {
  let appRoot: string;
  let embedded: NodeProcess | undefined;
  let banner: Banner;
  let browser: BrowserContext;
  let profile: string;
  let portId: string;

  beforeAll(async () => {
    requireChromium();
    appRoot = await compileApp();
    const started = await startBuiltEmbedded(appRoot);
    embedded = started.embedded;
    banner = started.banner;
    const partitionId = 'first-look';
    const portRequestId = await submitPortWithSecretsAt(
      {
        control: emulatorControl(banner.platform),
        submit: (body) =>
          jsonRequest(`${banner.api}/v2/partition/${partitionId}/telephone-number/port`, 'POST', {
            headers: { 'x-auth-token': banner.developmentToken },
            body,
          }),
      },
      EMBEDDED_NUMBER,
    );
    portId = portWorkflowId(partitionId, portRequestId);
    profile = mkdtempSync(join(tmpdir(), 'portflow-chromium-'));
    browser = await launchChromium(profile);
  });

  afterAll(async () => {
    await browser?.close();
    await embedded?.stop('SIGINT');
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  it('shows the port’s decoded input, secrets redacted, with no sign-in and no codec setting', async () => {
    const page = await browser.newPage();
    await openWorkflowByQuery(page, {
      uiUrl: banner.temporalUi,
      workflowId: portId,
      query: `TelephoneNumbers = "${EMBEDDED_NUMBER}"`,
      shotPrefix: 'embedded-',
    });
    await page.getByText('[REDACTED]').first().waitFor();
    await shot(page, 'embedded-2-port-decoded');

    const seen = await everythingOn(page);
    expect(seen).toContain(EMBEDDED_NUMBER);
    expect(seen).toContain('acc_123');
    expect(seen).not.toContain('Codec Server could not connect');
    for (const secret of [PIN, ACCOUNT_NUMBER]) expect(seen).not.toContain(secret);
    await page.close();
  });
});
