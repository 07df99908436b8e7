/** Asks portflow for a CSV report and reads it back as a spreadsheet would. */
import { request } from 'undici';

export interface CsvAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Each line's fields, the header line first. */
  rows: string[][];
}

/** RFC 4180: fields separated by commas, quoted when they hold one, `""` a quote inside. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    if (quoted && char === '"' && text[at + 1] === '"') {
      field += '"';
      at++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted || (char !== ',' && char !== '\n')) {
      field += char;
    } else {
      row.push(char === '\n' ? field.replace(/\r$/, '') : field);
      field = '';
      if (char === '\n') {
        rows.push(row);
        row = [];
      }
    }
  }
  return rows;
}

export async function csvRequest(url: string, token: string): Promise<CsvAnswer> {
  const response = await request(url, {
    headers: { 'x-auth-token': token, accept: 'text/csv' },
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, rows: parseCsv(text) };
}
