import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowingFlag } from '../../src/lib/heap.js';

describe('heap growth bound for `clientele serve`', () => {
  it('sets V8 heap growing percent when node was started without one', () => {
    expect(heapGrowingFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowingFlag(['--enable-source-maps', '--max-old-space-size=512'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it.each(['--heap-growing-percent=60', '--heap_growing_percent=10', '--heap-growing-percent'])('leaves an operator\'s own %s alone', (arg) => {
    expect(heapGrowingFlag(['--enable-source-maps', arg])).toBeNull();
  });
});
