import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

type CsvValue = string | number | boolean | null | undefined;

/** A CSV column: its header and how a row gives its value. */
export interface CsvColumn<Row> {
  header: string;
  value(row: Row): CsvValue;
}

const CSV = 'text/csv';

/** Whether the client asked for CSV: `text/csv` in its Accept, ranked no lower than JSON. */
export function wantsCsv(request: FastifyRequest): boolean {
  const ranks = new Map<string, number>();
  for (const range of (request.headers.accept ?? '').split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    ranks.set(type, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const csv = ranks.get(CSV) ?? 0;
  return csv > 0 && csv >= (ranks.get('application/json') ?? 0);
}

/**
 * One field, RFC 4180: quoted when it holds a comma, quote or line break. A text a spreadsheet
 * would run as a formula (=, @, or + and - not before a plain number) gets a leading `'`.
 */
function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-]\d+(\.\d+)?$/.test(text)))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Answers `rows` as CSV, a header line and then each row as it comes (an attachment named `filename`). */
export function sendCsv<Row>(
  reply: FastifyReply,
  filename: string,
  columns: readonly CsvColumn<Row>[],
  rows: AsyncIterable<Row> | Iterable<Row>,
): FastifyReply {
  async function* lines() {
    yield `${columns.map((column) => field(column.header)).join(',')}\r\n`;
    for await (const row of rows)
      yield `${columns.map((column) => field(column.value(row))).join(',')}\r\n`;
  }
  return reply
    .type(`${CSV}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(lines()));
}
