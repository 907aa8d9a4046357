import assert from 'node:assert/strict';
import { ByteReader, ByteWriter, DecodeError } from '@pptpkit/wire';

const bytes = new ByteWriter().u16(0x880b).u16(28).finish();
const r = new ByteReader(bytes, 'GRE_TRUNCATED');
assert.equal(r.u16('protocol'), 0x880b);
assert.equal(r.u16('payloadLength'), 28);
try {
  r.u32('sequence'); // 4 more bytes asked for, none left
  assert.fail('read past the end');
} catch (e) {
  if (!(e instanceof DecodeError)) throw e;
  console.log(e.code, e.details.offset, e.details.field); // GRE_TRUNCATED 4 sequence
}
