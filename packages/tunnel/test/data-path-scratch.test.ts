/**
 * The data path's scratch buffers are shared by every data path of the process: a writer that
 * feeds another tunnel synchronously must still find the buffer it was handed intact (the sink
 * contract: valid during the call), and an idle data path trims what its session keeps spare.
 */
import { GreSession } from '@pptpkit/gre';
import { deriveMsChapV2StartKeys, MppeDecryptor, MppeEncryptor } from '@pptpkit/mppe';
import { describe, expect, it } from 'vitest';
import { DataPath, type PacketWriter } from '../src/data-path.js';
import { ipv4Packet } from './ipv4.js';

const material = {
  passwordHashHash: new Uint8Array(16).fill(7),
  ntResponse: new Uint8Array(24).fill(9),
};

function ciphers(role: 'client' | 'server') {
  const k = deriveMsChapV2StartKeys({ role, keyBits: 128, ...material });
  return {
    encryptor: new MppeEncryptor({ startKey: k.send, keyBits: 128, stateless: true }),
    decryptor: new MppeDecryptor({ startKey: k.receive, keyBits: 128, stateless: true }),
  };
}

/** A stateless MPPE-128 data path writing to the given writers. */
function path(
  role: 'client' | 'server',
  gre: GreSession,
  toNetwork: PacketWriter,
  toTun: PacketWriter,
): DataPath {
  return new DataPath({
    gre,
    toNetwork,
    toTun,
    framing: { acfc: true, pfc: true },
    peerMru: 1500,
    mppe: ciphers(role),
    onResetNeeded: () => undefined,
  });
}

describe('DataPath scratch shared by the process', () => {
  it('a writer that makes another tunnel send and receive at once keeps its own buffer intact', () => {
    // Client X → server side S1; S1's host answers every packet at once with another packet
    // through server side S2 to client Y, all synchronously (an in-memory router).
    const atY: Uint8Array[] = [];
    let s1: DataPath | undefined;
    let y: DataPath | undefined;
    const greS1 = new GreSession({
      localCallId: 1,
      peerCallId: 2,
      deliver: (b, s, e) => void s1!.receiveFrame(b, s, e),
    });
    const greY = new GreSession({
      localCallId: 3,
      peerCallId: 4,
      deliver: (b, s, e) => void y!.receiveFrame(b, s, e),
    });
    let checkedNetwork = 0;
    let checkedTun = 0;
    const x = path(
      'client',
      new GreSession({ localCallId: 2, peerCallId: 1, deliver: () => undefined }),
      (buf, offset, length) => {
        const sent = buf.slice(offset, offset + length);
        greS1.receive(buf, offset, offset + length, 0);
        expect(buf.subarray(offset, offset + length)).toEqual(sent);
        checkedNetwork++;
        return true;
      },
      () => true,
    );
    const s2 = path(
      'server',
      new GreSession({ localCallId: 4, peerCallId: 3, deliver: () => undefined }),
      (buf, offset, length) => {
        greY.receive(buf, offset, offset + length, 0);
        return true;
      },
      () => true,
    );
    s1 = path(
      'server',
      greS1,
      () => true,
      (buf, offset, length) => {
        const got = buf.slice(offset, offset + length);
        const answer = ipv4Packet([0xaa, length & 0xff, 3, 4, 5], '192.168.77.1', '192.168.77.20');
        s2.sendIp(answer, 0, answer.length, 0);
        expect(buf.subarray(offset, offset + length)).toEqual(got);
        checkedTun++;
        return true;
      },
    );
    y = path(
      'client',
      greY,
      () => true,
      (buf, offset, length) => {
        atY.push(buf.slice(offset, offset + length));
        return true;
      },
    );
    const packets = Array.from({ length: 5 }, (_, i) => ipv4Packet(new Array(100 + i).fill(i)));
    for (const p of packets) x.sendIp(p, 0, p.length, 0);
    expect(checkedNetwork).toBe(5);
    expect(checkedTun).toBe(5);
    expect(s1.counters.rxPackets).toBe(5);
    expect(atY).toEqual(
      packets.map((p) =>
        ipv4Packet([0xaa, p.length & 0xff, 3, 4, 5], '192.168.77.1', '192.168.77.20'),
      ),
    );
  });

  it('10 s after the last data packet the session is trimmed, and traffic allocates again', () => {
    const toB: Uint8Array[] = [];
    const atB: Uint8Array[] = [];
    let now = 0;
    let b: DataPath | undefined;
    const greB = new GreSession({
      localCallId: 1,
      peerCallId: 2,
      deliver: (bytes, s, e) => void b!.receiveFrame(bytes, s, e, now),
      reorder: { holdMs: 1000 },
    });
    const a = path(
      'client',
      new GreSession({ localCallId: 2, peerCallId: 1, deliver: () => undefined }),
      (buf, offset, length) => {
        toB.push(buf.slice(offset, offset + length));
        return true;
      },
      () => true,
    );
    const mppe = ciphers('server');
    b = new DataPath({
      gre: greB,
      toNetwork: () => true,
      toTun: (buf, offset, length) => {
        atB.push(buf.slice(offset, offset + length));
        return true;
      },
      framing: { acfc: true, pfc: true },
      peerMru: 1500,
      mppe,
      onResetNeeded: () => undefined,
    });
    const receive = (i: number, at: number) => {
      now = at;
      greB.receive(toB[i]!, 0, toB[i]!.length, at);
    };
    expect(b.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 4; i++) {
      const p = ipv4Packet([i, i, i, i]);
      a.sendIp(p, 0, p.length, 100);
    }
    // Swapped in flight: the packet held behind the gap takes a buffer from the pool.
    for (const i of [0, 2, 1, 3]) receive(i, 100);
    expect(atB).toHaveLength(4);
    expect(greB.heldBuffers).toEqual({ copies: 0, spare: 1 });
    expect(mppe.decryptor.heldBytes).toBe(4096 * 16);
    expect(b.nextDeadline()).toBe(100 + 10_000);
    b.timeout(100 + 9_999);
    expect(greB.heldBuffers.spare).toBe(1);
    b.timeout(100 + 10_000);
    expect(greB.heldBuffers.spare).toBe(0);
    expect(mppe.decryptor.heldBytes).toBe(0);
    expect(b.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    // Traffic again: decrypted as before, and the next trim is scheduled from it.
    const p = ipv4Packet([9, 9, 9, 9]);
    a.sendIp(p, 0, p.length, 20_000);
    receive(4, 20_000);
    expect(atB[4]).toEqual(p);
    // The chain refills a page at a time: one packet's budget (64 keys) fills one 4 KiB page.
    expect(mppe.decryptor.heldBytes).toBe(256 * 16);
    expect(b.nextDeadline()).toBe(20_000 + 10_000);
  });
});
