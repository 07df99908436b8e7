import type { SlotReserveContext, WorkflowSlotInfo } from '@temporalio/worker';
import { AdmissionGate } from '../../src/operations/admission';
import { yieldingSlots } from '../../src/worker/yielding-slots';

const context = { slotType: 'workflow' } as SlotReserveContext;

/** An admission held open until `finish` is called. */
function admissionIn(gate: AdmissionGate) {
  let finish!: () => void;
  const done = gate.admit(() => new Promise<void>((resolve) => (finish = resolve)));
  return { finish: () => (finish(), done) };
}

/** No quiet period and no floor: the slots follow the admissions in flight alone. */
const instant = { whileBusy: 1, quietMs: 0, minGapMs: 0 };

describe('yieldingSlots', () => {
  it('hands out every slot while no admission is in flight', async () => {
    const slots = yieldingSlots<WorkflowSlotInfo>(new AdmissionGate(8), {
      maxSlots: 3,
      ...instant,
    });
    const abort = new AbortController();
    await Promise.all([1, 2, 3].map(() => slots.reserveSlot(context, abort.signal)));
    expect(slots.tryReserveSlot(context)).toBeNull();
  });

  it('keeps to whileBusy slots while admissions are in flight, and gives the rest once they are through', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 3, ...instant });
    const abort = new AbortController();
    const admission = admissionIn(gate);
    await slots.reserveSlot(context, abort.signal);
    let second = false;
    const waiting = slots.reserveSlot(context, abort.signal).then(() => (second = true));
    expect(slots.tryReserveSlot(context)).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    await admission.finish();
    await waiting;
    expect(second).toBe(true);
  });

  it('gives a slot released while admissions are in flight to a waiting reservation', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 3, ...instant });
    const abort = new AbortController();
    const admission = admissionIn(gate);
    await slots.reserveSlot(context, abort.signal);
    const waiting = slots.reserveSlot(context, abort.signal);
    slots.releaseSlot({} as never);
    await waiting;
    await admission.finish();
  });

  it('stops waiting when the SDK aborts the reservation', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 1, ...instant });
    const abort = new AbortController();
    await slots.reserveSlot(context, abort.signal);
    const waiting = slots.reserveSlot(context, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow();
  });

  it('keeps yielding for quietMs after the last admission, then gives every slot', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, {
      maxSlots: 3,
      whileBusy: 1,
      quietMs: 200,
      minGapMs: 0,
    });
    const abort = new AbortController();
    await admissionIn(gate).finish();
    await slots.reserveSlot(context, abort.signal);
    expect(slots.tryReserveSlot(context)).toBeNull();
    await slots.reserveSlot(context, abort.signal);
    expect(Date.now() - gate.lastEndedAt).toBeGreaterThanOrEqual(200);
    expect(slots.tryReserveSlot(context)).not.toBeNull();
  });

  it('hands out at most one slot per minGapMs while admissions flow', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, {
      maxSlots: 3,
      whileBusy: 1,
      quietMs: 0,
      minGapMs: 100,
    });
    const abort = new AbortController();
    const admission = admissionIn(gate);
    const first = Date.now();
    await slots.reserveSlot(context, abort.signal);
    slots.releaseSlot({} as never);
    expect(slots.tryReserveSlot(context)).toBeNull();
    await slots.reserveSlot(context, abort.signal);
    expect(Date.now() - first).toBeGreaterThanOrEqual(100);
    await admission.finish();
  });
});
