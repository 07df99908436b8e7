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

describe('yieldingSlots', () => {
  it('hands out every slot while no admission is in flight', async () => {
    const slots = yieldingSlots<WorkflowSlotInfo>(new AdmissionGate(8), {
      maxSlots: 3,
      whileBusy: 1,
    });
    const abort = new AbortController();
    await Promise.all([1, 2, 3].map(() => slots.reserveSlot(context, abort.signal)));
    expect(slots.tryReserveSlot(context)).toBeNull();
  });

  it('keeps to whileBusy slots while admissions are in flight, and gives the rest once they are through', async () => {
    const gate = new AdmissionGate(8);
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 3, whileBusy: 1 });
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
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 3, whileBusy: 1 });
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
    const slots = yieldingSlots<WorkflowSlotInfo>(gate, { maxSlots: 1, whileBusy: 1 });
    const abort = new AbortController();
    await slots.reserveSlot(context, abort.signal);
    const waiting = slots.reserveSlot(context, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow();
  });
});
