/**
 * The session shell around the tunnel core, against a fake pptpd (the core in the server role),
 * on vitest's fake clock: timers, `performance.now()` and the in-memory pipes all move only when
 * the test advances time, so nothing sleeps or polls.
 */
import { udpPacket } from '@pptpkit/testkit';
import { describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { FakeIo, type FakeIoOptions } from './fake-io.js';
import { settings, startSession, until, useFakeClock } from './session-harness.js';

useFakeClock();

const fake = (options: FakeIoOptions = {}) => new FakeIo(options);

describe('the session shell against a fake pptpd, on a fake clock', () => {
  it('comes up with MS-CHAPv2 + MPPE-128 stateless, carries IP both ways, tears down in order', async () => {
    const io = fake();
    const t = startSession(io);
    await until(() => t.up() !== undefined);
    expect(io.prepared).toBe('10.0.0.1');
    expect(t.up()).toMatchObject({
      state: 'up',
      interface: 'ppp0',
      local: '192.168.77.10',
      remote: '192.168.77.1',
      dns: ['192.168.77.53'],
      auth: 'MS-CHAPv2',
      mppe: { keyBits: 128, stateless: true, mppc: false },
    });
    // The 1500-byte path to the server - 44 (IP, GRE, PPP, MPPE header and inner protocol).
    expect(io.broughtUp).toMatchObject({ local: '192.168.77.10', peer: '192.168.77.1', mtu: 1456 });

    // TUN → PPP → MPPE → GRE: the server core decrypts with its own keys (RFC 3079 server role).
    const out = udpPacket('192.168.77.10', '192.168.77.1', 1);
    io.tunRead(out);
    io.tunRead(udpPacket('192.168.77.10', '192.168.77.1', 2));
    await until(() => io.received.length === 2);
    expect(io.received[0]).toEqual(out);
    // GRE → MPPE → PPP → TUN.
    const back = udpPacket('192.168.77.1', '192.168.77.10', 3);
    io.sendIp(back);
    await until(() => io.tunWrites.length === 1);
    expect(io.tunWrites[0]).toEqual(back);
    expect(t.session.status().data).toMatchObject({ txPackets: 2, rxPackets: 1 });
    // What `status --json` prints: the documented schema tag and the fields the README lists.
    expect(t.session.status()).toMatchObject({
      schema: 'pptpkit.status/1',
      state: 'up',
      local: '192.168.77.10',
      remote: '192.168.77.1',
      mtu: 1456,
      auth: 'MS-CHAPv2',
    });
    // Not IPv4: dropped and counted, nothing sent.
    io.tunRead(Uint8Array.of(0x60, 0, 0, 0, ...new Array(36).fill(0)));
    expect(t.session.status().data?.txDropped).toBe(1);

    t.root.abort();
    await until(() => t.result() !== undefined);
    expect(t.result()).toMatchObject({ exitCode: EXIT.signal, wasUp: true });
    // LCP Terminate reached the server, then the call was cleared in order.
    expect(io.serverEvents).toContainEqual(
      expect.objectContaining({ type: 'down', layer: 'ppp', code: 'PPP_PEER_TERMINATED' }),
    );
    expect(io.restored).toBe(true);
    expect(io.greClosed).toBe(true);
    expect(t.lines.join('\n')).not.toContain('Secret-pw1');
    io.dispose();
  });

  it('reports each state change to onState, in order, ending with stopping and ended', async () => {
    const io = fake();
    const states: string[] = [];
    const t = startSession(io, { onState: (state) => states.push(state) });
    await until(() => t.up() !== undefined);
    // `up` is reported before onUp runs: a supervisor sees the state the status shows.
    expect(states).toEqual(['control', 'call', 'ppp', 'configuring', 'up']);
    t.root.abort();
    await until(() => t.result() !== undefined);
    expect(states).toEqual(['control', 'call', 'ppp', 'configuring', 'up', 'stopping', 'ended']);
    io.dispose();
  });

  it('a wrong password ends with the auth-failed status, the server’s E=691, no tunnel', async () => {
    const io = fake();
    const t = startSession(io, { credentials: { user: 'alice', password: 'Wr0ng-pw-x1' } });
    await until(() => t.result() !== undefined);
    expect(t.result()).toMatchObject({ exitCode: EXIT.authFailed, wasUp: false });
    // The authenticator's Failure packet (RFC 2759 §6: E=691, authentication failure).
    expect(t.records().find((r) => r['message'] === 'authentication failed')).toMatchObject({
      code: 'MSCHAP_AUTH_FAILED',
      serverError: 691,
    });
    expect(t.lines.join('\n')).not.toContain('Wr0ng-pw-x1');
    expect(io.broughtUp).toBeUndefined();
    expect(io.restored).toBe(true);
    io.dispose();
  });

  it('a server answering E=648 (password expired): exit 19 saying plainly the password must be changed', async () => {
    // The fake pptpd answers a wrong password with `E=691 R=0 ...` (RFC 2759 §6); the same
    // packet with `E=648`, the code for an expired password (RFC 2759 §6), is what a Windows
    // server sends for a right password that has expired.
    const from = new TextEncoder().encode('E=691');
    const to = new TextEncoder().encode('E=648');
    const io = fake({
      editServerGre: (d) => {
        for (let i = 0; i + from.length <= d.length; i++) {
          if (from.every((b, j) => d[i + j] === b)) d.set(to, i);
        }
      },
    });
    const t = startSession(io, { credentials: { user: 'alice', password: 'Old-pw-x1' } });
    await until(() => t.result() !== undefined);
    expect(t.result()).toMatchObject({ exitCode: EXIT.authFailed, wasUp: false });
    const failed = t.records().find((r) => r['message'] === 'authentication failed');
    expect(failed).toMatchObject({
      code: 'MSCHAP_PASSWORD_EXPIRED',
      serverError: 648,
      hint: 'the password has expired: put a new one in a file named by the new-password-file option (or run pptpkit up on a terminal to be asked for one) and pptpkit changes it, or have it changed elsewhere',
    });
    expect(t.result()?.reason).toMatch(/the password has expired \(E=648\)/);
    expect(t.result()?.authCode).toBe('MSCHAP_PASSWORD_EXPIRED');
    expect(t.lines.join('\n')).not.toContain('Old-pw-x1');
    io.dispose();
  });

  it('E=648 with a new password: MS-CHAPv2 Change-Password (RFC 2759 §7), up, "password changed for alice"', async () => {
    const io = fake({ users: { alice: 'Old-pw-x1' }, expired: ['alice'] });
    const t = startSession(io, {
      credentials: { user: 'alice', password: 'Old-pw-x1', newPassword: 'New-pw-x2' },
    });
    await until(() => t.up() !== undefined);
    expect(t.up()).toMatchObject({ state: 'up', auth: 'MS-CHAPv2' });
    expect(t.records().some((r) => r['message'] === 'password changed for alice')).toBe(true);
    // MPPE keys agree with the server's, which derives them from the new password.
    const back = udpPacket('192.168.77.1', '192.168.77.10', 3);
    io.sendIp(back);
    await until(() => io.tunWrites.length === 1);
    expect(io.tunWrites[0]).toEqual(back);
    const text = t.lines.join('\n');
    expect(text).not.toContain('Old-pw-x1');
    expect(text).not.toContain('New-pw-x2');
    t.root.abort();
    await until(() => t.result() !== undefined);
    io.dispose();
  });

  it('a server that refuses MPPE while we require it ends with a negotiation error', async () => {
    const io = fake({
      mppe: {
        required: false,
        allow128: false,
        allow56: false,
        allow40: false,
        stateful: 'refuse',
        mppc: false,
      },
    });
    const t = startSession(io);
    await until(() => t.result() !== undefined);
    expect(t.result()?.exitCode).toBe(EXIT.negotiation);
    expect(t.result()?.reason).toMatch(/MPPE|CCP/);
    expect(io.broughtUp).toBeUndefined();
    io.dispose();
  });

  it('measures the LCP echo round trip (lcp-echo-interval) and reports it in status', async () => {
    const io = fake();
    const t = startSession(io, { settings: settings({ lcpEchoInterval: 1 }) });
    await until(() => t.session.status().lcpEchoRttMs !== undefined);
    expect(t.session.status().lcpEchoRttMs).toBeGreaterThanOrEqual(0);
    expect(t.session.status().lcpEchoRttMs).toBeLessThan(1000);
    t.root.abort();
    await until(() => t.result() !== undefined);
    expect(t.result()?.exitCode).toBe(EXIT.signal);
    io.dispose();
  });

  it('idle 1: a link without data ends with pppd’s idle status (12) after 1 to 1.25 s', async () => {
    const io = fake();
    const t = startSession(io, { settings: settings({ idle: 1 }) });
    await until(() => t.up() !== undefined);
    const upAt = performance.now();
    await until(() => t.result() !== undefined);
    expect(t.result()).toMatchObject({ exitCode: EXIT.idle, wasUp: true });
    expect(t.result()?.reason).toMatch(/idle/);
    const ms = performance.now() - upAt;
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThanOrEqual(1300);
    expect(io.restored).toBe(true);
    io.dispose();
  });

  it('idle: traffic keeps the link up; maxconnect 2 ends it with status 13', async () => {
    const io = fake();
    const t = startSession(io, { settings: settings({ idle: 1, maxConnect: 2 }) });
    await until(() => t.up() !== undefined);
    // A packet every 200 ms: never idle for a second.
    let n = 0;
    const feeder = setInterval(
      () => io.tunRead(udpPacket('192.168.77.10', '192.168.77.1', n++)),
      200,
    );
    await until(() => t.result() !== undefined);
    clearInterval(feeder);
    expect(t.result()).toMatchObject({ exitCode: EXIT.connectTime, wasUp: true });
    io.dispose();
  });

  it('local:remote without ipcp-accept-local: another address from the server fails (pppd)', async () => {
    const io = fake();
    const t = startSession(io, {
      settings: settings({ localAddress: '192.168.77.99', acceptLocal: false }),
    });
    await until(() => t.result() !== undefined);
    expect(t.result()?.exitCode).toBe(EXIT.negotiation);
    expect(t.result()?.reason).toMatch(/192\.168\.77\.10.*192\.168\.77\.99/);
    expect(io.broughtUp).toBeUndefined();
    io.dispose();
  });

  it('sizes the tunnel from the path MTU to the server and follows it when it shrinks', async () => {
    const io = fake();
    io.pathMtu = 1400;
    const t = startSession(io);
    await until(() => t.up() !== undefined);
    // 1400 - 44: a full-size packet leaves as one 1400-byte GRE packet.
    expect(io.broughtUp?.mtu).toBe(1356);
    // We asked for an MRU of 1360 (1400 - 40), so the server's packets fit the path too.
    expect(io.server.status(performance.now()).mtu).toBe(1356);
    // ICMP "fragmentation needed" taught the kernel a smaller path MTU: the TUN follows.
    io.pathMtu = 1280;
    await until(() => io.mtuChanges.length > 0, 6_000);
    expect(io.mtuChanges).toEqual([1236]);
    expect(t.session.status().mtu).toBe(1236);
    expect(t.lines.join('\n')).toContain('path MTU changed');
    // The same path MTU again changes nothing.
    await vi.advanceTimersByTimeAsync(6_000);
    expect(io.mtuChanges).toEqual([1236]);
    t.root.abort();
    await until(() => t.result() !== undefined);
    io.dispose();
  });

  it('a stop while the server does not answer ends at once and still restores the host', async () => {
    const io = fake({ unreachable: true });
    const t = startSession(io);
    await until(() => io.prepared !== undefined);
    t.root.abort();
    await until(() => t.result() !== undefined, 100);
    expect(t.result()).toMatchObject({ exitCode: EXIT.signal, wasUp: false });
    expect(io.restored).toBe(true);
    expect(io.greClosed).toBe(true);
    io.dispose();
  });
});
