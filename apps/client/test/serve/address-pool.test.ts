import { describe, expect, it } from 'vitest';
import { AddressPool } from '../../src/serve/address-pool.js';
import { ip } from './core-harness.js';

describe('AddressPool', () => {
  it('hands out each address once across ranges, and again after release', () => {
    const pool = new AddressPool([
      { first: ip('10.0.0.1'), last: ip('10.0.0.2'), step: 1 },
      { first: ip('10.0.1.7'), last: ip('10.0.1.7'), step: 1 },
    ]);
    const got = [pool.take(), pool.take(), pool.take()];
    expect(got).toEqual([ip('10.0.0.1'), ip('10.0.0.2'), ip('10.0.1.7')]);
    expect(pool.take()).toBeUndefined();
    pool.release(ip('10.0.0.2'));
    expect(pool.take()).toBe(ip('10.0.0.2'));
    expect(pool.used).toBe(3);
  });

  it('keeps a /8 as a range: taking from it costs nothing per address', () => {
    const pool = new AddressPool([{ first: ip('10.0.0.0'), last: ip('10.255.255.255'), step: 1 }]);
    for (let i = 0; i < 1000; i++) pool.take();
    expect(pool.used).toBe(1000);
    expect(pool.contains(ip('10.200.0.1'))).toBe(true);
    expect(pool.contains(ip('11.0.0.0'))).toBe(false);
  });

  it('takes only what `permits` accepts, and stops looking in a huge pool that refuses all', () => {
    const pool = new AddressPool([{ first: ip('10.0.0.0'), last: ip('10.255.255.255'), step: 1 }]);
    expect(pool.take((a) => a === ip('10.0.0.9'))).toBe(ip('10.0.0.9'));
    let looks = 0;
    expect(
      pool.take(() => {
        looks++;
        return false;
      }),
    ).toBeUndefined();
    // Bounded work: at most 65,536 looks past the address in use, not 16 million.
    expect(looks).toBeLessThanOrEqual(65_537);
    expect(looks).toBeGreaterThan(60_000);
  });

  it('takes a fixed address outside the ranges once', () => {
    const pool = new AddressPool([{ first: ip('10.0.0.1'), last: ip('10.0.0.1'), step: 1 }]);
    expect(pool.takeExactly(ip('172.16.0.5'))).toBe(true);
    expect(pool.takeExactly(ip('172.16.0.5'))).toBe(false);
    pool.release(ip('172.16.0.5'));
    expect(pool.takeExactly(ip('172.16.0.5'))).toBe(true);
  });
});
