// Seeded randomness for the simulator. Everything random comes from here so that a seed
// reproduces a run: ids and tokens, the seeded history, cars plugging in, noise and faults.
//
// Two kinds of randomness:
//  - `Prng` (mulberry32): a stream, consumed in order (ids, per-unit event streams, faults).
//  - `hashUnit(...)`: a stateless hash of integers -> [0,1), for noise that must not depend on
//    how often a unit is looked at (time advances lazily per unit on request).

/** A small, fast, seedable PRNG (mulberry32). Not for secrets: the simulator's tokens are test data. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = mix32(seed >>> 0) || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(chars: number): string {
    let s = '';
    while (s.length < chars)
      s += Math.floor(this.next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return s.slice(0, chars);
  }
  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
  /** UUID-shaped (8-4-4-4-12 hex), like the protocol's account tokens. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** 32-bit integer finaliser (from murmur3). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Stateless hash of a few integers to [0, 1). */
export function hashUnit(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = mix32(h ^ mix32((p | 0) + Math.floor(p / 4294967296)));
  }
  return h / 4294967296;
}

/** A child seed for an independent stream (e.g. one per unit), stable for (seed, index, salt). */
export function childSeed(seed: number, index: number, salt: number): number {
  return mix32(mix32(seed ^ 0x5bd1e995) ^ mix32(index + 1) ^ mix32(salt * 0x27d4eb2d));
}
