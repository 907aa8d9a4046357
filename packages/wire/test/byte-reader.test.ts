import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, DecodeError } from '../src/index.js';

describe('ByteReader', () => {
  it('reads big-endian integers in network byte order', () => {
    const r = new ByteReader(Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0xff, 0xfe, 0xfd, 0xfc, 9), 'T');
    expect(r.u16('a')).toBe(0x0102);
    expect(r.u8('b')).toBe(0x03);
    expect(r.u24('c')).toBe(0x04fffe);
    expect(r.u16('d')).toBe(0xfdfc);
    expect(r.remaining).toBe(1);
    expect(new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xfe), 'T').u32('e')).toBe(0xfffffffe);
  });

  it('throws a DecodeError naming the field and offset on a read past the end', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3), 'PPTP_TRUNCATED');
    r.u16('first');
    try {
      r.u16('callId');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      const err = e as DecodeError;
      expect(err.code).toBe('PPTP_TRUNCATED');
      expect(err.details.offset).toBe(2);
      expect(err.details.field).toBe('callId');
    }
    expect(r.offset).toBe(2);
  });

  it('returns views for byte ranges and the rest', () => {
    const src = Uint8Array.of(1, 2, 3, 4, 5);
    const r = new ByteReader(src, 'T', 1);
    const v = r.bytes(2, 'x');
    expect([...v]).toEqual([2, 3]);
    expect(v.buffer).toBe(src.buffer);
    expect(r.peek()).toBe(4);
    expect([...r.rest()]).toEqual([4, 5]);
    expect(r.peek()).toBeUndefined();
  });

  it('round-trips whatever ByteWriter wrote', () => {
    fc.assert(
      fc.property(
        fc.nat(0xff),
        fc.nat(0xffff),
        fc.nat(0xffffff),
        fc.nat(0xffffffff),
        fc.uint8Array(),
        (a, b, c, d, tail) => {
          const bytes = new ByteWriter(1).u8(a).u16(b).u24(c).u32(d).bytes(tail).finish();
          const r = new ByteReader(bytes, 'T');
          expect([r.u8('a'), r.u16('b'), r.u24('c'), r.u32('d')]).toEqual([a, b, c, d]);
          expect([...r.rest()]).toEqual([...tail]);
        },
      ),
    );
  });

  it('never throws anything but DecodeError on arbitrary read plans', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.array(fc.nat(5)), (bytes, plan) => {
        const r = new ByteReader(bytes, 'T');
        try {
          for (const step of plan) {
            if (step === 0) r.u8('f');
            else if (step === 1) r.u16('f');
            else if (step === 2) r.u24('f');
            else if (step === 3) r.u32('f');
            else if (step === 4) r.bytes(3, 'f');
            else r.skip(2, 'f');
          }
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
        expect(r.offset).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});

describe('ByteWriter', () => {
  it('rejects values that do not fit their field', () => {
    const w = new ByteWriter();
    expect(() => w.u8(256)).toThrow(RangeError);
    expect(() => w.u16(-1)).toThrow(RangeError);
    expect(() => w.u32(2 ** 32)).toThrow(RangeError);
    expect(() => w.u8(1.5)).toThrow(RangeError);
  });

  it('patches a length field after the fact', () => {
    const w = new ByteWriter()
      .u16(0)
      .bytes(Uint8Array.of(7, 7, 7))
      .zeros(2);
    w.setU16(0, w.length);
    expect([...w.finish()]).toEqual([0, 7, 7, 7, 7, 0, 0]);
    expect(() => w.setU16(6, 1)).toThrow(RangeError);
  });
});
