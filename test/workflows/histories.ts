/**
 * Recorded workflow histories: the workflow tests write them when RECORD_HISTORIES=1
 * (`RECORD_HISTORIES=1 npx jest test/workflows`), replay.test.ts replays every one of them.
 */
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = resolve(__dirname, '../fixtures/histories');

export const RECORDING = process.env.RECORD_HISTORIES === '1';

/**
 * Writes each workflow's history as `<workflowId>.json` (the format `temporal workflow show
 * --output json` and the Web UI download give), when recording. The name is the workflow ID
 * because replay needs it: a workflow may derive IDs (its children's) from its own.
 */
export async function recordHistories(client: Client, workflowIds: string[]): Promise<void> {
  if (!RECORDING) return;
  await mkdir(HISTORIES_DIR, { recursive: true });
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const file = join(HISTORIES_DIR, `${workflowId}.json`);
    // Written whole or not at all: replay.test.ts may read the folder meanwhile.
    await writeFile(`${file}.partial`, `${historyToJSON(history)}\n`);
    await rename(`${file}.partial`, file);
  }
}

export interface RecordedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

/**
 * The recorded history files, listed when a test file is defined (so each gets its own test):
 * today's at the top, those of older workflow code (kept running on replay by a patch) in the
 * folder named after the patch.
 */
export function recordedHistoryFiles(): string[] {
  return readdirSync(HISTORIES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
}

export async function readRecordedHistory(file: string): Promise<RecordedHistory> {
  const history = historyFromJSON(JSON.parse(await readFile(join(HISTORIES_DIR, file), 'utf8')));
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    file,
    // A history does not hold its own workflow ID: the file is named after it.
    workflowId: basename(file, '.json'),
    workflowType: started?.workflowType?.name ?? 'unknown',
    history,
  };
}
