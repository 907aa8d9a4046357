import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxNetError, openTun, type TunDevice } from '../src/index.js';
import { isRoot, leaveNetns, Netns, until } from './netns.js';
import { packBatch, parseUdp, payloadFor, udpPacket } from './packets.js';

const LOCAL = '10.200.0.1';
const PEER = '10.200.0.2';
const DEVICE = 'pkln-tun0';

describe.skipIf(!isRoot)('TUN device inside a network namespace', () => {
  let ns: Netns;
  let tun: TunDevice;
  let udp: Socket;

  beforeAll(async () => {
    ns = new Netns('tun');
    ns.enter();
    tun = openTun({ name: DEVICE, mtu: 1400 });
    ns.exec('sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1');
    ns.ip('addr', 'add', LOCAL, 'peer', PEER, 'dev', DEVICE);
    ns.ip('link', 'set', DEVICE, 'up');
    udp = createSocket('udp4');
    udp.bind(0, LOCAL);
    await once(udp, 'listening');
  });

  afterAll(() => {
    udp?.close();
    tun?.close();
    leaveNetns();
    ns?.delete();
  });

  it('exists in the namespace with the requested name and MTU', () => {
    const [link] = ns.json<{ ifname: string; mtu: number }[]>('link', 'show', DEVICE);
    expect(tun.name).toBe(DEVICE);
    expect(link?.mtu).toBe(1400);
  });

  it('reads what the kernel routes into it, batched (kernel → TUN)', async () => {
    const seen = new Map<number, ReturnType<typeof parseUdp>>();
    let batches = 0;
    tun.startReading((batch) => {
      batches++;
      for (let i = 0; i < batch.count; i++) {
        const offset = batch.offsets[i]!;
        const packet = parseUdp(batch.buffer.subarray(offset, offset + batch.lengths[i]!));
        if (packet?.destinationPort === 9999) seen.set(packet.payload[0]!, packet);
      }
    });
    const count = 100;
    for (let i = 0; i < count; i++) udp.send(payloadFor(i, 200).fill(i, 0, 1), 9999, PEER);
    await until(() => seen.size === count, 'all datagrams on the TUN');
    tun.stopReading();
    expect(batches).toBeLessThanOrEqual(count);
    for (let i = 0; i < count; i++) {
      const packet = seen.get(i)!;
      expect(packet.source).toBe(LOCAL);
      expect(packet.destination).toBe(PEER);
      expect(packet.payload).toEqual(payloadFor(i, 200).fill(i, 0, 1));
    }
    expect(tun.stats.receivedPackets).toBeGreaterThanOrEqual(count);
  });

  it('delivers a batch written to it to a local socket (TUN → kernel)', async () => {
    const port = udp.address().port;
    const got = new Map<number, { payload: Uint8Array; address: string }>();
    const onMessage = (message: Uint8Array, rinfo: { address: string }) => {
      got.set(message[0]!, { payload: new Uint8Array(message), address: rinfo.address });
    };
    udp.on('message', onMessage);
    const packets = Array.from({ length: 64 }, (_, i) =>
      udpPacket(PEER, LOCAL, 7777, port, payloadFor(i, 300).fill(i, 0, 1)),
    );
    const { buffer, offsets, lengths } = packBatch(packets);
    expect(tun.writeBatch(buffer, offsets, lengths, packets.length)).toBe(64);
    expect(tun.write(udpPacket(PEER, LOCAL, 7777, port, Uint8Array.of(200, 1, 2, 3)))).toBe(true);
    await until(() => got.size === 65, 'all datagrams at the socket');
    udp.off('message', onMessage);
    for (let i = 0; i < 64; i++) {
      expect(got.get(i)?.address).toBe(PEER);
      expect(got.get(i)?.payload).toEqual(payloadFor(i, 300).fill(i, 0, 1));
    }
    expect(got.get(200)?.payload).toEqual(Uint8Array.of(200, 1, 2, 3));
    expect(tun.stats.sentPackets).toBe(65);
  });

  it('delivers one packet per handler call when maxBatch is 1', async () => {
    let calls = 0;
    let packets = 0;
    tun.startReading(
      (batch) => {
        calls++;
        packets += batch.count;
        expect(batch.count).toBe(1);
      },
      { maxBatch: 1 },
    );
    for (let i = 0; i < 10; i++) udp.send(Uint8Array.of(i), 9998, PEER);
    await until(() => packets >= 10, 'ten packets one by one');
    tun.stopReading();
    expect(calls).toBe(packets);
  });

  it('rejects bad arguments with RangeError/TypeError', () => {
    expect(() => openTun({ name: 'a/b' })).toThrow(RangeError);
    expect(() => openTun({ name: 'x'.repeat(16) })).toThrow(RangeError);
    expect(() => openTun({ name: 'pkln-x', mtu: 67 })).toThrow(RangeError);
    expect(() => tun.startReading(() => {}, { maxBatch: 65 })).toThrow(RangeError);
    const buffer = new Uint8Array(10);
    expect(() => tun.writeBatch(buffer, Uint32Array.of(8), Uint32Array.of(4), 1)).toThrow(
      RangeError,
    );
  });

  it('refuses a second single-queue open of the same name with LINUXNET_BUSY', () => {
    let error: unknown;
    try {
      openTun({ name: DEVICE }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinuxNetError);
    expect((error as LinuxNetError).code).toBe('LINUXNET_BUSY');
    expect((error as LinuxNetError).details.syscall).toBe('ioctl(TUNSETIFF)');
  });

  it('opens several queues of a multi-queue device', () => {
    const first = openTun({ name: 'pkln-mq%d', multiQueue: true });
    const second = openTun({ name: first.name, multiQueue: true });
    expect(first.name).toMatch(/^pkln-mq\d+$/);
    expect(second.name).toBe(first.name);
    expect(ns.ip('-d', 'link', 'show', first.name)).toContain('multi_queue');
    first.close();
    second.close();
    expect(() => ns.ip('link', 'show', first.name)).toThrow();
  });

  it('reports a device deleted under its reader through onError (LINUXNET_NOT_FOUND) and stops', async () => {
    const doomed = openTun({ name: 'pkln-tun2' });
    const errors: unknown[] = [];
    doomed.startReading(() => {}, { onError: (error) => errors.push(error) });
    ns.ip('link', 'delete', 'pkln-tun2');
    await until(() => errors.length > 0, 'the read error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(LinuxNetError);
    expect((errors[0] as LinuxNetError).code).toBe('LINUXNET_NOT_FOUND');
    expect(doomed.reading).toBe(false);
    doomed.close();
  });

  it('closes: the fd goes, the device disappears, further use throws LINUXNET_CLOSED', () => {
    const extra = openTun({ name: 'pkln-tun1' });
    extra.startReading(() => {});
    expect(ns.ip('link', 'show', 'pkln-tun1')).toContain('pkln-tun1');
    extra.close();
    extra.close();
    expect(extra.closed).toBe(true);
    expect(extra.reading).toBe(false);
    expect(() => ns.ip('link', 'show', 'pkln-tun1')).toThrow();
    expect(() => extra.write(new Uint8Array(20))).toThrow(
      expect.objectContaining({ code: 'LINUXNET_CLOSED' }),
    );
  });
});
