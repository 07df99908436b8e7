import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The emulator's state: one schema for a file and for `:memory:`. The inventory is the
 * platform's pool of spare numbers; everything else is kept per partition, except carrier
 * records, which belong to the losing carriers and so to no partition.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS inventory (
  telephone_number TEXT PRIMARY KEY,
  npa TEXT NOT NULL,
  nxx TEXT NOT NULL,
  line TEXT NOT NULL,
  rate_center TEXT,
  state TEXT,
  lata TEXT,
  toll_free INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inventory_exchange ON inventory (toll_free, npa, nxx);
CREATE INDEX IF NOT EXISTS inventory_rate_center ON inventory (state, rate_center);

CREATE TABLE IF NOT EXISTS numbers (
  partition_id TEXT NOT NULL,
  telephone_number TEXT NOT NULL,
  account_id TEXT NOT NULL,
  status TEXT NOT NULL,
  activated_at TEXT NOT NULL,
  assigned_to TEXT,
  assignment_type TEXT,
  is_primary INTEGER NOT NULL DEFAULT 0,
  e911_address TEXT,
  directory_listing TEXT,
  caller_id_name TEXT,
  PRIMARY KEY (partition_id, telephone_number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS numbers_account ON numbers (partition_id, account_id, telephone_number);

CREATE TABLE IF NOT EXISTS orders (
  partition_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY (partition_id, order_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ports (
  partition_id TEXT NOT NULL,
  port_request_id TEXT NOT NULL,
  status TEXT NOT NULL,
  request TEXT NOT NULL,
  current_provider TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  foc_date TEXT,
  rejection_reason TEXT,
  rejections TEXT,
  next_transition_at INTEGER,
  customer_reference TEXT,
  status_history TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (partition_id, port_request_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ports_due ON ports (next_transition_at) WHERE next_transition_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS port_comments (
  partition_id TEXT NOT NULL,
  port_request_id TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  text TEXT NOT NULL,
  author TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS port_comments_port ON port_comments (partition_id, port_request_id);

CREATE TABLE IF NOT EXISTS alianza_ports (
  partition_id TEXT NOT NULL,
  port_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  port TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  port_request_id TEXT,
  cancelled INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (partition_id, port_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alianza_ports_account ON alianza_ports (partition_id, account_id);

CREATE TABLE IF NOT EXISTS cooldowns (
  partition_id TEXT NOT NULL,
  telephone_number TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (partition_id, telephone_number)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS carrier_records (
  telephone_number TEXT PRIMARY KEY,
  record TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS idempotency (
  partition_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY (partition_id, idempotency_key)
) WITHOUT ROWID;
`;

/** Columns of `ports` that data files made by earlier versions lack. */
const ADDED_PORT_COLUMNS = {
  customer_reference: 'TEXT',
  status_history: "TEXT NOT NULL DEFAULT '[]'",
  rejections: 'TEXT',
};

/** Tables emptied by a reset; `meta` keeps the clock, which the reset sets itself. */
const STATE_TABLES = [
  'inventory',
  'numbers',
  'orders',
  'ports',
  'port_comments',
  'alianza_ports',
  'cooldowns',
  'carrier_records',
  'idempotency',
] as const;

export class EmulatorStore {
  readonly db: Database.Database;
  private readonly readMeta: Database.Statement<[string], { value: string }>;
  private readonly writeMeta: Database.Statement<[string, string]>;

  /** `dataFile` absent: a memory store that lives as long as the process. */
  constructor(dataFile?: string) {
    // A first start makes its data directory (DATA_DIR) rather than failing on it.
    if (dataFile) mkdirSync(dirname(dataFile), { recursive: true });
    this.db = new Database(dataFile ?? ':memory:');
    if (dataFile) {
      // WAL lets a reader (sqlite3 CLI, a second look) in while the emulator writes.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.exec(SCHEMA);
    this.addMissingColumns();
    this.readMeta = this.db.prepare('SELECT value FROM meta WHERE key = ?');
    this.writeMeta = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  /** A data file from before a column was added gets it, empty, so an old sandbox still opens. */
  private addMissingColumns(): void {
    const ports = new Set(
      this.db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('ports')")
        .all()
        .map(({ name }) => name),
    );
    for (const [column, definition] of Object.entries(ADDED_PORT_COLUMNS)) {
      if (!ports.has(column)) this.db.exec(`ALTER TABLE ports ADD COLUMN ${column} ${definition}`);
    }
  }

  getMeta(key: string): string | undefined {
    return this.readMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.writeMeta.run(key, value);
  }

  /** Runs `work` in one transaction: all of its writes or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  clearState(): void {
    for (const table of STATE_TABLES) this.db.exec(`DELETE FROM ${table}`);
  }

  close(): void {
    this.db.close();
  }
}
