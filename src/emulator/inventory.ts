import {
  TOLL_FREE_NPAS,
  formatNumber,
  isTollFree,
  splitNumber,
  type AvailableNumber,
  type NumberSearchQuery,
  type TollFreeSearchQuery,
} from '../domain';
import type { EmulatorStore } from './store';

/** A rate center of the seeded inventory and the real exchanges it holds spare numbers in. */
interface RateCenter {
  npa: string;
  rateCenter: string;
  state: string;
  lata: string;
  exchanges: readonly string[];
}

/**
 * The seed's Binghamton numbers with valid exchanges (the seed's 607-123 breaks NANP), beside
 * a few other cities, so that NPA, NPA-NXX, rate-center and pattern searches all have answers.
 */
export const RATE_CENTERS: readonly RateCenter[] = [
  {
    npa: '607',
    rateCenter: 'BINGHAMTON',
    state: 'NY',
    lata: '132',
    exchanges: ['722', '723', '724', '729'],
  },
  {
    npa: '212',
    rateCenter: 'NEW YORK',
    state: 'NY',
    lata: '132',
    exchanges: ['736', '737', '739'],
  },
  { npa: '312', rateCenter: 'CHICAGO', state: 'IL', lata: '358', exchanges: ['346', '353', '368'] },
  {
    npa: '415',
    rateCenter: 'SAN FRANCISCO',
    state: 'CA',
    lata: '722',
    exchanges: ['241', '392', '434'],
  },
  { npa: '512', rateCenter: 'AUSTIN', state: 'TX', lata: '558', exchanges: ['472', '477', '494'] },
];

const TOLL_FREE_EXCHANGES = ['222', '444'];

/** Lines of one exchange: `first`..`last` and the round `0000`, so `*0000` and `*1234*` find numbers. */
function lines(first: number, last: number): string[] {
  const range = Array.from({ length: last - first + 1 }, (_, index) =>
    String(first + index).padStart(4, '0'),
  );
  return ['0000', ...range];
}

const LOCAL_LINES = lines(1000, 1999);
const TOLL_FREE_LINES = lines(1200, 1299);

interface InventoryRow {
  telephone_number: string;
  npa: string;
  nxx: string;
  line: string;
  rate_center: string | null;
  state: string | null;
  lata: string | null;
}

function rateCenterOf(npa: string): RateCenter | undefined {
  return RATE_CENTERS.find((center) => center.npa === npa);
}

function inventoryRow(telephoneNumber: string): InventoryRow {
  const { npa, nxx, line } = splitNumber(telephoneNumber);
  const center = rateCenterOf(npa);
  return {
    telephone_number: telephoneNumber,
    npa,
    nxx,
    line,
    rate_center: center?.rateCenter ?? null,
    state: center?.state ?? null,
    lata: center?.lata ?? null,
  };
}

function seededNumbers(): string[] {
  const numbers: string[] = [];
  for (const center of RATE_CENTERS) {
    for (const nxx of center.exchanges) {
      for (const line of LOCAL_LINES) numbers.push(`+1${center.npa}${nxx}${line}`);
    }
  }
  for (const npa of TOLL_FREE_NPAS) {
    for (const nxx of TOLL_FREE_EXCHANGES) {
      for (const line of TOLL_FREE_LINES) numbers.push(`+1${npa}${nxx}${line}`);
    }
  }
  return numbers;
}

function toAvailableNumber(row: InventoryRow): AvailableNumber {
  const found: AvailableNumber = {
    telephoneNumber: row.telephone_number,
    formatted: formatNumber(row.telephone_number),
    npa: row.npa,
    nxx: row.nxx,
    line: row.line,
    available: true,
  };
  if (row.rate_center) found.rateCenter = row.rate_center;
  if (row.state) found.state = row.state;
  if (row.lata) found.lata = row.lata;
  return found;
}

/**
 * The platform's pool of spare numbers. A number a partition holds is not available to that
 * partition; partitions do not see each other's holdings.
 */
export class Inventory {
  private readonly insert;
  private readonly has;

  constructor(private readonly store: EmulatorStore) {
    this.insert = store.db.prepare<InventoryRow & { toll_free: number }>(
      `INSERT OR IGNORE INTO inventory (telephone_number, npa, nxx, line, rate_center, state, lata, toll_free)
       VALUES (@telephone_number, @npa, @nxx, @line, @rate_center, @state, @lata, @toll_free)`,
    );
    this.has = store.db.prepare<[string], { found: number }>(
      'SELECT 1 AS found FROM inventory WHERE telephone_number = ?',
    );
  }

  /** Fills an empty inventory with the deterministic seed, in one transaction. */
  seedIfEmpty(): void {
    const { count } = this.store.db.prepare('SELECT count(*) AS count FROM inventory').get() as {
      count: number;
    };
    if (count > 0) return;
    this.store.transaction(() => {
      for (const telephoneNumber of seededNumbers()) this.addNumber(telephoneNumber);
    });
  }

  contains(telephoneNumber: string): boolean {
    return this.has.get(telephoneNumber) !== undefined;
  }

  /** Puts a number into the pool (seeding, or a released number that was ported in). */
  addNumber(telephoneNumber: string): void {
    this.insert.run({
      ...inventoryRow(telephoneNumber),
      toll_free: isTollFree(telephoneNumber) ? 1 : 0,
    });
  }

  searchLocal(partitionId: string, query: NumberSearchQuery): AvailableNumber[] {
    return this.search(partitionId, false, query);
  }

  searchTollFree(partitionId: string, query: TollFreeSearchQuery): AvailableNumber[] {
    return this.search(partitionId, true, query);
  }

  private search(
    partitionId: string,
    tollFree: boolean,
    query: Partial<NumberSearchQuery> & { quantity: number },
  ): AvailableNumber[] {
    const conditions = ['toll_free = @tollFree'];
    if (query.npa) conditions.push('npa = @npa');
    if (query.nxx) conditions.push('nxx = @nxx');
    if (query.rateCenter) conditions.push('rate_center = @rateCenter');
    if (query.state) conditions.push('state = @state');
    // The pattern's `*` is GLOB's `*`; the pattern holds only digits and `*`.
    if (query.pattern) conditions.push(`telephone_number GLOB '+1' || @pattern`);
    const sql = `
      SELECT telephone_number, npa, nxx, line, rate_center, state, lata FROM inventory
      WHERE ${conditions.join(' AND ')}
        AND NOT EXISTS (SELECT 1 FROM numbers
                        WHERE numbers.partition_id = @partitionId
                          AND numbers.telephone_number = inventory.telephone_number)
      ORDER BY telephone_number
      LIMIT @quantity`;
    const rows = this.store.db.prepare<Record<string, unknown>, InventoryRow>(sql).all({
      partitionId,
      tollFree: tollFree ? 1 : 0,
      npa: query.npa ?? null,
      nxx: query.nxx ?? null,
      rateCenter: query.rateCenter ?? null,
      state: query.state ?? null,
      pattern: query.pattern ?? null,
      quantity: query.quantity,
    });
    return rows.map(toAvailableNumber);
  }
}
