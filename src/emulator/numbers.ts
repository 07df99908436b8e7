import { randomBytes } from 'node:crypto';
import {
  formatNumber,
  isTollFree,
  splitNumber,
  type AccountNumberEntry,
  type AssignmentResult,
  type AssignmentType,
  type DirectoryListing,
  type E911Address,
  type LineAssignmentBody,
  type NumberDetails,
  type NumberUpdate,
  type OrderResult,
  type OrderedNumber,
} from '../domain';
import { EmulatorError, notFound } from './errors';
import type { Holdings } from './carrier';
import type { Inventory } from './inventory';
import type { EmulatorStore } from './store';

/** A number a partition holds: ACTIVE in one of its accounts (or in COOLDOWN, on the Alianza dialect). */
export interface NumberRow {
  partition_id: string;
  telephone_number: string;
  account_id: string;
  status: string;
  activated_at: string;
  assigned_to: string | null;
  assignment_type: AssignmentType | null;
  is_primary: number;
  e911_address: string | null;
  directory_listing: string | null;
  caller_id_name: string | null;
}

/** Where a number is assigned: the seed's assignment type and the id the listing shows. */
export interface AssignmentTarget {
  type: AssignmentType;
  assignedTo: string;
}

/** The answer to a release. */
export interface ReleasedNumber {
  telephoneNumber: string;
  status: 'RELEASED';
}

export const ACTIVE = 'ACTIVE';
/** Alianza's word for a deleted number the partition still keeps from others. */
export const COOLDOWN = 'COOLDOWN';

/** An id as the seed writes them (`order_xyz789`): a prefix and random base-36 characters. */
export function newId(prefix: string): string {
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
  return `${prefix}_${random}`;
}

function toEntry(row: NumberRow): AccountNumberEntry {
  return {
    telephoneNumber: row.telephone_number,
    formatted: formatNumber(row.telephone_number),
    assignedTo: row.assigned_to,
    assignmentType: row.assignment_type,
    primary: row.is_primary === 1,
    status: row.status,
    e911Registered: row.e911_address !== null,
  };
}

function toDetails(row: NumberRow): NumberDetails {
  const { npa, nxx } = splitNumber(row.telephone_number);
  const e911Address = row.e911_address ? (JSON.parse(row.e911_address) as E911Address) : null;
  const listing = row.directory_listing
    ? (JSON.parse(row.directory_listing) as DirectoryListing)
    : { listed: false as const };
  return {
    telephoneNumber: row.telephone_number,
    formatted: formatNumber(row.telephone_number),
    npa,
    nxx,
    status: row.status,
    accountId: row.account_id,
    assignedTo: row.assigned_to,
    assignmentType: row.assignment_type,
    e911: e911Address ? { registered: true, address: e911Address } : { registered: false },
    directoryListing: listing,
    callerIdName: row.caller_id_name,
  };
}

/** The order's word for its numbers' outcomes: all, some or none ordered. */
function orderStatus(numbers: OrderedNumber[]): string {
  const ordered = numbers.filter((number) => number.status === ACTIVE).length;
  if (ordered === numbers.length) return 'COMPLETED';
  return ordered > 0 ? 'PARTIAL' : 'FAILED';
}

/** The numbers partitions hold, their orders, assignments, E911, listings and caller ID. */
export class NumberBook implements Holdings {
  private readonly statements;

  constructor(
    private readonly store: EmulatorStore,
    private readonly inventory: Inventory,
  ) {
    const db = store.db;
    this.statements = {
      get: db.prepare<[string, string], NumberRow>(
        'SELECT * FROM numbers WHERE partition_id = ? AND telephone_number = ?',
      ),
      ofAccount: db.prepare<[string, string], NumberRow>(
        'SELECT * FROM numbers WHERE partition_id = ? AND account_id = ? ORDER BY telephone_number',
      ),
      activate: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO numbers (partition_id, telephone_number, account_id, status, activated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (partition_id, telephone_number) DO UPDATE SET
           account_id = excluded.account_id, status = excluded.status,
           activated_at = excluded.activated_at, assigned_to = NULL, assignment_type = NULL,
           is_primary = 0, e911_address = NULL, directory_listing = NULL, caller_id_name = NULL`,
      ),
      save: db.prepare<NumberRow>(
        `UPDATE numbers SET assigned_to = @assigned_to, assignment_type = @assignment_type,
           is_primary = @is_primary, e911_address = @e911_address,
           directory_listing = @directory_listing, caller_id_name = @caller_id_name
         WHERE partition_id = @partition_id AND telephone_number = @telephone_number`,
      ),
      remove: db.prepare<[string, string]>(
        'DELETE FROM numbers WHERE partition_id = ? AND telephone_number = ?',
      ),
      setStatus: db.prepare<[string, string, string]>(
        'UPDATE numbers SET status = ? WHERE partition_id = ? AND telephone_number = ?',
      ),
      startCooldown: db.prepare<[string, string, number]>(
        `INSERT INTO cooldowns (partition_id, telephone_number, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (partition_id, telephone_number) DO UPDATE SET expires_at = excluded.expires_at`,
      ),
      cooldownOf: db.prepare<[string, string], { expires_at: number }>(
        'SELECT expires_at FROM cooldowns WHERE partition_id = ? AND telephone_number = ?',
      ),
      endCooldown: db.prepare<[string, string]>(
        'DELETE FROM cooldowns WHERE partition_id = ? AND telephone_number = ?',
      ),
      expiredCooldowns: db.prepare<[number], { partition_id: string; telephone_number: string }>(
        'SELECT partition_id, telephone_number FROM cooldowns WHERE expires_at <= ?',
      ),
      saveOrder: db.prepare<[string, string, string]>(
        'INSERT INTO orders (partition_id, order_id, answer) VALUES (?, ?, ?)',
      ),
      getOrder: db.prepare<[string, string], { answer: string }>(
        'SELECT answer FROM orders WHERE partition_id = ? AND order_id = ?',
      ),
    };
  }

  accountOf(partitionId: string, telephoneNumber: string): string | undefined {
    return this.statements.get.get(partitionId, telephoneNumber)?.account_id;
  }

  /** The partition's record of a number, as stored; undefined when it holds none. */
  find(partitionId: string, telephoneNumber: string): NumberRow | undefined {
    return this.statements.get.get(partitionId, telephoneNumber);
  }

  rowsOfAccount(partitionId: string, accountId: string): NumberRow[] {
    return this.statements.ofAccount.all(partitionId, accountId);
  }

  /** Where calls to the number go: set (replacing any other) or cleared. */
  route(row: NumberRow, target: AssignmentTarget | null, primary?: boolean): NumberRow {
    const routed: NumberRow = {
      ...row,
      assigned_to: target?.assignedTo ?? null,
      assignment_type: target?.type ?? null,
      is_primary: target && primary !== undefined ? (primary ? 1 : 0) : target ? row.is_primary : 0,
    };
    this.statements.save.run(routed);
    return routed;
  }

  /** Alianza's delete: cleared and kept from everyone until `expiresAt`, then back to the pool. */
  coolDown(partitionId: string, telephoneNumber: string, expiresAt: number): void {
    const row = this.held(partitionId, telephoneNumber);
    this.statements.save.run({
      ...row,
      assigned_to: null,
      assignment_type: null,
      is_primary: 0,
      e911_address: null,
      directory_listing: null,
      caller_id_name: null,
    });
    this.statements.setStatus.run(COOLDOWN, partitionId, telephoneNumber);
    this.statements.startCooldown.run(partitionId, telephoneNumber, expiresAt);
  }

  /** When a number's cooldown ends (ms), or undefined when it is not cooling down. */
  cooldownEnd(partitionId: string, telephoneNumber: string): number | undefined {
    return this.statements.cooldownOf.get(partitionId, telephoneNumber)?.expires_at;
  }

  /** Back in its account from COOLDOWN. */
  recover(partitionId: string, telephoneNumber: string): void {
    this.statements.setStatus.run(ACTIVE, partitionId, telephoneNumber);
    this.statements.endCooldown.run(partitionId, telephoneNumber);
  }

  /** Numbers whose cooldown ended by `nowMs` go back to the pool. */
  endCooldowns(nowMs: number): void {
    for (const { partition_id, telephone_number } of this.statements.expiredCooldowns.all(nowMs)) {
      this.statements.endCooldown.run(partition_id, telephone_number);
      this.release(partition_id, telephone_number);
    }
  }

  /** Makes numbers ACTIVE and unassigned in an account (an order, or a completed port). */
  activate(partitionId: string, accountId: string, telephoneNumbers: string[], at: string): void {
    for (const telephoneNumber of telephoneNumbers)
      this.statements.activate.run(partitionId, telephoneNumber, accountId, ACTIVE, at);
  }

  /** Orders each number on its own: one that cannot be had fails alone. */
  order(
    partitionId: string,
    accountId: string,
    telephoneNumbers: string[],
    tollFree: boolean,
    now: string,
  ): OrderResult {
    const outcomes = telephoneNumbers.map((telephoneNumber): OrderedNumber => {
      const reason = this.unorderableReason(partitionId, telephoneNumber, tollFree);
      if (reason) return { telephoneNumber, status: 'FAILED', reason };
      this.activate(partitionId, accountId, [telephoneNumber], now);
      return { telephoneNumber, status: ACTIVE, accountId, orderedDate: now };
    });
    const result: OrderResult = {
      orderId: newId('order'),
      status: orderStatus(outcomes),
      telephoneNumbers: outcomes,
    };
    this.statements.saveOrder.run(partitionId, result.orderId, JSON.stringify(result));
    return result;
  }

  getOrder(partitionId: string, orderId: string): OrderResult {
    const saved = this.statements.getOrder.get(partitionId, orderId);
    if (!saved) throw notFound(`no order ${orderId} in this partition`);
    return JSON.parse(saved.answer) as OrderResult;
  }

  details(partitionId: string, telephoneNumber: string): NumberDetails {
    return toDetails(this.held(partitionId, telephoneNumber));
  }

  update(partitionId: string, telephoneNumber: string, update: NumberUpdate): NumberDetails {
    const row = this.held(partitionId, telephoneNumber);
    if (update.callerIdName !== undefined) row.caller_id_name = update.callerIdName;
    if (update.e911Address !== undefined)
      row.e911_address = update.e911Address === null ? null : JSON.stringify(update.e911Address);
    if (update.directoryListing !== undefined)
      row.directory_listing = JSON.stringify(update.directoryListing);
    this.statements.save.run(row);
    return toDetails(row);
  }

  /** Back to the pool: assignments, E911 and listing go with the partition's record of it. */
  release(partitionId: string, telephoneNumber: string): ReleasedNumber {
    this.held(partitionId, telephoneNumber);
    this.statements.remove.run(partitionId, telephoneNumber);
    // A ported-in number was never in the pool; releasing it puts it there.
    this.inventory.addNumber(telephoneNumber);
    return { telephoneNumber, status: 'RELEASED' };
  }

  accountNumbers(partitionId: string, accountId: string): AccountNumberEntry[] {
    return this.statements.ofAccount.all(partitionId, accountId).map(toEntry);
  }

  assign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    body: Partial<LineAssignmentBody> & { telephoneNumber: string },
  ): AssignmentResult {
    const row = this.ofAccount(partitionId, accountId, body.telephoneNumber);
    this.refuseIfAssignedElsewhere(row, target);
    row.assigned_to = target.assignedTo;
    row.assignment_type = target.type;
    if (body.primary !== undefined) row.is_primary = body.primary ? 1 : 0;
    if (body.e911Address) row.e911_address = JSON.stringify(body.e911Address);
    this.statements.save.run(row);
    return { ...toEntry(row), accountId };
  }

  /** Unassigning a number that is not assigned is done already; one assigned elsewhere is refused. */
  unassign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    telephoneNumber: string,
  ): AccountNumberEntry {
    const row = this.ofAccount(partitionId, accountId, telephoneNumber);
    this.refuseIfAssignedElsewhere(row, target);
    row.assigned_to = null;
    row.assignment_type = null;
    row.is_primary = 0;
    this.statements.save.run(row);
    return toEntry(row);
  }

  /** Why a number cannot be added to an account now, or undefined when it can. */
  unorderableReason(
    partitionId: string,
    telephoneNumber: string,
    tollFree: boolean,
  ): string | undefined {
    if (isTollFree(telephoneNumber) !== tollFree) {
      return tollFree
        ? 'not a toll-free number'
        : 'toll-free numbers are ordered through /telephone-number/order/tollfree';
    }
    const holder = this.accountOf(partitionId, telephoneNumber);
    if (holder !== undefined) return `already active on this platform (account ${holder})`;
    if (!this.inventory.contains(telephoneNumber)) return "not in the platform's inventory";
    return undefined;
  }

  held(partitionId: string, telephoneNumber: string): NumberRow {
    const row = this.statements.get.get(partitionId, telephoneNumber);
    if (!row) throw notFound(`${telephoneNumber} is not a number of this partition`);
    return row;
  }

  private ofAccount(partitionId: string, accountId: string, telephoneNumber: string): NumberRow {
    const row = this.statements.get.get(partitionId, telephoneNumber);
    if (!row || row.account_id !== accountId)
      throw notFound(`${telephoneNumber} is not a number of account ${accountId}`);
    return row;
  }

  private refuseIfAssignedElsewhere(row: NumberRow, target: AssignmentTarget): void {
    if (row.assigned_to === null) return;
    if (row.assigned_to === target.assignedTo && row.assignment_type === target.type) return;
    throw new EmulatorError(
      409,
      'NUMBER_ASSIGNED',
      `${row.telephone_number} is assigned to ${row.assignment_type} ${row.assigned_to}`,
      { assignedTo: row.assigned_to, assignmentType: row.assignment_type },
    );
  }
}
