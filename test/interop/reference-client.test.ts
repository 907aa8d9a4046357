import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lab, readGuestFile } from './lab.js';

const labInfo = inject('lab');
const guestFile = (guest: 'server' | 'client', name: string): string =>
  readGuestFile(labInfo.run, guest, name);
if (!labInfo.available) console.warn(`[interop] reference-client tests skipped: ${labInfo.reason}`);

/** The pptpd remote address pool the lab configures (`PKL_REMOTE_IP`, 192.168.77.10-19). */
const remotePool = /^192\.168\.77\.1\d$/;

describe.skipIf(!labInfo.available)('reference client (pptp-linux + pppd) against pptpd', () => {
  let reconfigured = false;

  // Another interop file may have left the lab with other settings: start from the default.
  beforeAll(async () => {
    const settings = guestFile('server', 'settings');
    const isDefault = ['PKL_AUTH=mschap-v2', 'PKL_MPPE=128', 'PKL_MPPE_STATEFUL=0'].every((line) =>
      settings.split('\n').includes(line),
    );
    if (isDefault) return;
    expect((await lab(['stop'])).code).toBe(0);
    expect((await lab(['start'])).code).toBe(0);
  });

  // Other interop files expect the default lab (MS-CHAPv2, MPPE-128 stateless), whatever order
  // the files run in: put it back after the tests that restart it with other settings.
  afterAll(async () => {
    if (!reconfigured) return;
    expect((await lab(['stop'])).code).toBe(0);
    expect((await lab(['start'])).code).toBe(0);
  });

  it('pptpd is listening in the server guest', async () => {
    const status = await lab(['status']);
    expect(status.stdout).toMatch(/server guest: running \(pid \d+, state ready\)/);
  });

  it('gets a tunnel with MS-CHAPv2 and MPPE 128-bit stateless, and pings through it', async () => {
    const run = await lab(['client']);
    expect(run.stderr).toContain('reference client session complete');
    expect(run.code).toBe(0);

    const client = guestFile('client', 'pppd.log');
    expect(client).toContain('CHAP authentication succeeded');
    expect(client).toContain('MPPE 128-bit stateless compression enabled');
    const local = /local {2}IP address (\S+)/.exec(client)?.[1] ?? '';
    expect(local).toMatch(remotePool);
    expect(client).toContain('remote IP address 192.168.77.1');
    // The client ended the call itself (LCP Terminate after SIGTERM).
    expect(client).toMatch(/sent \[LCP TermReq/);

    const server = guestFile('server', 'pppd.log');
    expect(server).toContain('MPPE 128-bit stateless compression enabled');
    expect(server).toContain(`peer from calling number 10.77.0.20 authorized`);

    expect(guestFile('client', 'ping.txt')).toMatch(
      /3 packets transmitted, 3 received, 0% packet loss/,
    );
    // TCP through the tunnel to the echo service on the target behind it.
    expect(guestFile('client', 'echo.txt').trim()).toBe('pptpkit-lab-echo');
  });

  it('a wrong password is refused by pptpd (MS-CHAPv2 failure, no tunnel)', async () => {
    const run = await lab(['client'], { PKL_CLIENT_PASSWORD: 'not-the-password' });
    expect(run.code).not.toBe(0);
    expect(guestFile('client', 'state').trim()).toBe('failed');
    expect(guestFile('client', 'ping.txt')).toBe('');
    const server = guestFile('server', 'pppd.log');
    expect(server).toContain('Peer pptpkit failed CHAP authentication');
    // RFC 2759 §6 Failure packet: E=691 is ERROR_AUTHENTICATION_FAILURE.
    expect(server).toMatch(
      /sent \[CHAP Failure id=0x[0-9a-f]+ "E=691 R=1 C=[0-9a-f]{32} V=0 M=Access denied"\]/,
    );
  });

  it('restarted with require-mppe-40, the tunnel runs MPPE 40-bit and pings through it', async () => {
    reconfigured = true;
    expect((await lab(['stop'])).code).toBe(0);
    const start = await lab(['start'], { PKL_MPPE: '40' });
    expect(start.code).toBe(0);
    const run = await lab(['client']);
    expect(run.code).toBe(0);
    expect(guestFile('client', 'pppd.log')).toContain('MPPE 40-bit stateless compression enabled');
    expect(guestFile('server', 'pppd.log')).toContain('MPPE 40-bit stateless compression enabled');
    expect(guestFile('client', 'ping.txt')).toMatch(/3 packets transmitted, 3 received/);
  });

  it('with mppe-stateful on both ends (patched client pppd), the tunnel runs MPPE 128-bit stateful and recovers from a lost packet', async () => {
    reconfigured = true;
    expect((await lab(['stop'])).code).toBe(0);
    const start = await lab(['start'], { PKL_MPPE: '128', PKL_MPPE_STATEFUL: '1' });
    expect(start.code).toBe(0);
    // PKL_LOSS: after the pings one packet is dropped on its way to the server.
    const run = await lab(['client'], { PKL_LOSS: '1' });
    expect(run.code).toBe(0);
    const client = guestFile('client', 'pppd.log');
    // The patched client asks for stateful mode (H clear) and Naks the server's +H.
    expect(client).toContain('sent [CCP ConfReq id=0x1 <mppe -H -M +S -L -D -C>]');
    expect(client).toContain('sent [CCP ConfNak id=0x1 <mppe -H -M +S -L -D -C>]');
    expect(client).toContain('MPPE 128-bit stateful compression enabled');
    const server = guestFile('server', 'pppd.log');
    expect(server).toContain('MPPE 128-bit stateful compression enabled');
    expect(guestFile('client', 'ping.txt')).toMatch(/3 packets transmitted, 3 received/);
    // Stateful recovery (RFC 3078 §8.2): the server sees the gap and asks for a CCP Reset,
    // the client acknowledges; pings after that get through again.
    expect(server).toMatch(/sent \[CCP ResetReq id=0x[0-9a-f]+\]/);
    expect(client).toMatch(/rcvd \[CCP ResetReq id=0x[0-9a-f]+\]/);
    expect(client).toMatch(/sent \[CCP ResetAck id=0x[0-9a-f]+\]/);
    expect(guestFile('client', 'ping-lost.txt')).toMatch(/1 packets transmitted, 0 received/);
    expect(guestFile('client', 'ping-after-loss.txt')).toMatch(
      /3 packets transmitted, [123] received/,
    );
  });

  it.each([
    {
      auth: 'mschap',
      mppe: '128',
      success: 'CHAP authentication succeeded',
      mppeLine: 'MPPE 128-bit stateless compression enabled',
    },
    { auth: 'chap', mppe: 'none', success: 'CHAP authentication succeeded', mppeLine: undefined },
    { auth: 'pap', mppe: 'none', success: 'PAP authentication succeeded', mppeLine: undefined },
  ])(
    'restarted with require-$auth and MPPE $mppe, the reference client gets a tunnel',
    async ({ auth, mppe, success, mppeLine }) => {
      reconfigured = true;
      expect((await lab(['stop'])).code).toBe(0);
      expect((await lab(['start'], { PKL_AUTH: auth, PKL_MPPE: mppe })).code).toBe(0);
      const run = await lab(['client']);
      expect(run.code).toBe(0);
      const client = guestFile('client', 'pppd.log');
      expect(client).toContain(success);
      if (mppeLine === undefined) expect(client).not.toMatch(/MPPE .* enabled/);
      else expect(client).toContain(mppeLine);
      expect(guestFile('client', 'ping.txt')).toMatch(/3 packets transmitted, 3 received/);
      expect(guestFile('client', 'echo.txt').trim()).toBe('pptpkit-lab-echo');
    },
  );
});
