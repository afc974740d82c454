/**
 * Index sort of non-negative finite doubles by LSD radix on their IEEE-754 bit patterns (which order like the
 * numbers for values ≥ 0): four 16-bit passes, linear time, stable — far faster than a comparator sort at 10⁶ rows.
 */
export function argsortNonNegative(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const words = new Uint32Array(keys.buffer, keys.byteOffset, n * 2);
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  // Little-endian: word 2i is the low half, 2i + 1 the high half.
  const passes: [number, number][] = [
    [0, 0],
    [0, 16],
    [1, 0],
    [1, 16],
  ];
  for (const [half, shift] of passes) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[2 * i + half]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const idx = order[i]!;
      next[counts[(words[2 * idx + half]! >>> shift) & 0xffff]!++] = idx;
    }
    [order, next] = [next, order];
  }
  return order;
}
