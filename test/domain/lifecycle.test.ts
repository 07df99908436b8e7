import { lifecycleOf } from '../../src/domain/lifecycle';

describe("a number's lifecycle", () => {
  it.each([
    [{}, true, 'ACTIVE'],
    [{ heldBy: 'PORT' }, false, 'PORTING'],
    [{ heldBy: 'RELEASE', release: 'RELEASING' }, true, 'RELEASING'],
    [{ heldBy: 'RELEASE', release: 'AGING' }, true, 'AGING'],
    // An assignment holds the number for one call: it stays what it was.
    [{ heldBy: 'ASSIGN', release: 'RECLAIMED' }, true, 'RECLAIMED'],
    [{ release: 'RELEASED' }, false, 'RELEASED'],
    // Released, then ordered again: the partition holds it once more.
    [{ release: 'RELEASED' }, true, 'ACTIVE'],
    [{ release: 'FAILED' }, true, 'ACTIVE'],
  ] as const)('%j, held by the platform %s: %s', (state, heldByPlatform, lifecycle) => {
    expect(lifecycleOf(state, heldByPlatform)).toBe(lifecycle);
  });
});
