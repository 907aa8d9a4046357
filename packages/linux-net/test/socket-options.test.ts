import { once } from 'node:events';
import { type AddressInfo, createServer, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GreSocket,
  openGreSocket,
  openRtnetlink,
  openTcpSocket,
  type PacketBatch,
  setSocketMark,
  socketMark,
} from '../src/index.js';
import { isRoot, leaveNetns, Netns, until } from './netns.js';
import { grePacket, payloadFor } from './packets.js';

const A = '10.202.0.1';
const A2 = '10.202.0.11';
const B = '10.202.0.2';
const MARK = 0x2a;
const TABLE = '202';

describe('socket marks: argument checks', () => {
  it('refuses a mark that is not a 32-bit unsigned integer', () => {
    expect(() => openTcpSocket({ mark: -1 })).toThrow(RangeError);
    expect(() => openTcpSocket({ mark: 2 ** 32 })).toThrow(RangeError);
    expect(() => setSocketMark(0, 1.5)).toThrow(RangeError);
    expect(() => openGreSocket('10.0.0.1', { mark: Number.NaN })).toThrow(RangeError);
  });

  it('refuses a local address that is not IPv4', () => {
    expect(() => openTcpSocket({ localAddress: 'example.org' })).toThrow(RangeError);
    expect(() => openGreSocket('10.0.0.1', { localAddress: '10.0.0' })).toThrow(RangeError);
  });
});

/**
 * The left namespace reaches B only through table 202, which `ip rule fwmark 0x2a` selects: an
 * unmarked socket has no route at all, so a packet that arrives proves the mark was set before
 * the route was looked up. Left has two addresses; which one the right side sees proves the bind.
 */
describe.skipIf(!isRoot)('SO_MARK and a bound source on real sockets (policy routing)', () => {
  let left: Netns;
  let right: Netns;
  const sockets: GreSocket[] = [];

  beforeAll(() => {
    left = new Netns('mark-a');
    right = new Netns('mark-b');
    left.ip(
      'link',
      'add',
      'pkln-ma',
      'type',
      'veth',
      'peer',
      'name',
      'pkln-mb',
      'netns',
      right.name,
    );
    left.ip('addr', 'add', `${A}/24`, 'dev', 'pkln-ma', 'noprefixroute');
    left.ip('addr', 'add', `${A2}/24`, 'dev', 'pkln-ma', 'noprefixroute');
    right.ip('addr', 'add', `${B}/24`, 'dev', 'pkln-mb');
    left.ip('link', 'set', 'pkln-ma', 'up');
    right.ip('link', 'set', 'pkln-mb', 'up');
    left.ip('route', 'add', '10.202.0.0/24', 'dev', 'pkln-ma', 'table', TABLE);
    left.ip('rule', 'add', 'fwmark', String(MARK), 'table', TABLE);
  });

  afterAll(() => {
    for (const socket of sockets) socket.close();
    leaveNetns();
    left?.delete();
    right?.delete();
  });

  it('an unmarked GRE socket has no route to B; a marked one reaches it from the bound address', async () => {
    left.enter();
    let unmarked: unknown;
    try {
      openGreSocket(B).close();
    } catch (error) {
      unmarked = error;
    }
    const marked = openGreSocket(B, { mark: MARK, localAddress: A2 });
    sockets.push(marked);
    right.enter();
    // Connected to A2: the kernel hands it only GRE whose source is A2.
    const atB = openGreSocket(A2);
    sockets.push(atB);
    leaveNetns();
    expect(unmarked).toMatchObject({ code: 'LINUXNET_NO_ROUTE' });
    expect(marked.mark()).toBe(MARK);
    expect(marked.localAddress).toBe(A2);
    const received: Uint8Array[] = [];
    atB.startReading((batch: PacketBatch) => {
      for (let i = 0; i < batch.count; i++) {
        const at = batch.offsets[i]!;
        received.push(batch.buffer.slice(at, at + batch.lengths[i]!));
      }
    });
    const packet = grePacket(0x77, 1, payloadFor(1, 64));
    expect(marked.write(packet)).toBe(true);
    await until(() => received.length === 1, 'the marked GRE packet at B');
    atB.stopReading();
    expect(received[0]).toEqual(packet);
  });

  it('routeTo with the mark finds the path the marked sockets take (ip route get ... mark)', async () => {
    left.enter();
    const rtnl = openRtnetlink();
    leaveNetns();
    try {
      await expect(rtnl.routeTo(B)).rejects.toMatchObject({ code: 'LINUXNET_NO_ROUTE' });
      expect(await rtnl.routeTo(B, { mark: MARK })).toMatchObject({
        destination: B,
        device: 'pkln-ma',
      });
      await expect(rtnl.routeTo(B, { mark: 2 ** 32 })).rejects.toThrow(RangeError);
    } finally {
      rtnl.close();
    }
  });

  it('a TCP socket marked and bound before connect reaches B from A2; unmarked it has no route', async () => {
    // listen() creates its socket a turn later (after an address lookup): stay until it has.
    right.enter();
    const server = createServer();
    server.listen(0, B);
    await once(server, 'listening');
    leaveNetns();
    const port = (server.address() as AddressInfo).port;
    const seen = new Promise<string | undefined>((resolve) =>
      server.once('connection', (c) => {
        resolve(c.remoteAddress);
        c.destroy();
      }),
    );
    try {
      left.enter();
      const plain = new Socket({ fd: openTcpSocket(), readable: true, writable: true });
      const fd = openTcpSocket({ mark: MARK, localAddress: A2 });
      const marked = new Socket({ fd, readable: true, writable: true });
      plain.connect(port, B);
      marked.connect(port, B);
      leaveNetns();
      const [plainError] = (await once(plain, 'error')) as [NodeJS.ErrnoException];
      expect(plainError.code).toBe('ENETUNREACH');
      await once(marked, 'connect');
      expect(socketMark(fd)).toBe(MARK);
      expect(marked.localAddress).toBe(A2);
      expect(await seen).toBe(A2);
      marked.destroy();
    } finally {
      leaveNetns();
      server.close();
    }
  });
});
