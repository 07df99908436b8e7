/**
 * Recorded workflow histories: the workflow tests write them when RECORD_HISTORIES=1
 * (`RECORD_HISTORIES=1 npx jest test/workflows`), replay.test.ts replays every one of them.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = resolve(__dirname, '../fixtures/histories');

export const RECORDING = process.env.RECORD_HISTORIES === '1';

/**
 * Writes each workflow's history as `<path>.<label>.json` (the format `temporal workflow show
 * --output json` and the Web UI download), when recording.
 */
export async function recordHistories(
  client: Client,
  path: string,
  workflows: Record<string, string>,
): Promise<void> {
  if (!RECORDING) return;
  await mkdir(HISTORIES_DIR, { recursive: true });
  for (const [label, workflowId] of Object.entries(workflows)) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await writeFile(join(HISTORIES_DIR, `${path}.${label}.json`), `${historyToJSON(history)}\n`);
  }
}

export interface RecordedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

export async function readRecordedHistories(): Promise<RecordedHistory[]> {
  const files = (await readdir(HISTORIES_DIR)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history = historyFromJSON(
        JSON.parse(await readFile(join(HISTORIES_DIR, file), 'utf8')),
      );
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return {
        file,
        // The replayer needs an ID; the history itself names only the type.
        workflowId: file.replace(/\.json$/, ''),
        workflowType: started?.workflowType?.name ?? 'unknown',
        history,
      };
    }),
  );
}
