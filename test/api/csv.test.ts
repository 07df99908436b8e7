import Fastify from 'fastify';
import { sendCsv, wantsCsv, type CsvColumn } from '../../src/api/csv';
import { parseCsv } from '../helpers/csv';

interface Row {
  name: string;
  count?: number;
}

const columns: CsvColumn<Row>[] = [
  { header: 'name', value: (row) => row.name },
  { header: 'count', value: (row) => row.count },
];

async function csvOf(rows: Row[], accept = 'text/csv') {
  const app = Fastify();
  app.get('/report', (request, reply) =>
    wantsCsv(request) ? sendCsv(reply, 'report.csv', columns, rows) : reply.send(rows),
  );
  try {
    return await app.inject({ method: 'GET', url: '/report', headers: { accept } });
  } finally {
    await app.close();
  }
}

describe('CSV reports', () => {
  it('quotes what a spreadsheet would split and keeps it whole', async () => {
    const tricky = ['Acme, Inc.', 'the "big" one', 'two\nlines', ''];
    const response = await csvOf(tricky.map((name, count) => ({ name, count })));
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(parseCsv(response.body)).toEqual([
      ['name', 'count'],
      ...tricky.map((name, count) => [name, String(count)]),
    ]);
  });

  it('keeps a formula from running, and a telephone number or a signed number as it is', async () => {
    const response = await csvOf(
      ['=HYPERLINK("http://x")', '@SUM(A1)', '+cmd|calc', '+16077981234', '-12.5'].map((name) => ({
        name,
      })),
    );
    expect(parseCsv(response.body).map((row) => row[0])).toEqual([
      'name',
      `'=HYPERLINK("http://x")`,
      "'@SUM(A1)",
      "'+cmd|calc",
      '+16077981234',
      '-12.5',
    ]);
  });

  it.each([
    ['text/csv', true],
    ['text/csv;q=0.5, application/json', false],
    ['application/json;q=0.4, text/csv;q=0.9', true],
    ['text/csv;q=0', false],
    ['*/*', false],
    ['', false],
  ])('answers CSV for Accept %j: %s', async (accept, csv) => {
    const response = await csvOf([{ name: 'a' }], accept);
    expect(response.headers['content-type']?.toString().startsWith('text/csv')).toBe(csv);
  });
});
