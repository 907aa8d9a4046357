/**
 * IPv6CP against the real pppd 2.4.9 (pptpd's, with `+ipv6`): the lab is restarted with
 * `PKL_IPV6=1` for this file and put back as it was after.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cli, inNs, up, waitFor } from './client-harness.js';
import { lab, readGuestFile } from './lab.js';

const labInfo = inject('lab');
/** An address on the server guest's dummy0 (beside the IPv4 target), not on the PPP link. */
const ROUTED = 'fd78::1';

/** The namespace's IPv6 routing tables and addresses, as iproute2 prints them. */
async function ipv6State(): Promise<string> {
  const routes = await inNs(['ip', '-6', 'route', 'show', 'table', 'all']);
  const addresses = await inNs(['ip', '-6', 'addr', 'show']);
  return `${routes.stdout}\n${addresses.stdout}`;
}

describe.skipIf(!labInfo.available)('IPv6CP against pptpd + pppd 2.4.9 with +ipv6', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptpkit-interop-ipv6-'));
  beforeAll(async () => {
    expect((await lab(['stop'])).code).toBe(0);
    expect((await lab(['start'], { PKL_IPV6: '1' })).code).toBe(0);
    expect(readGuestFile(labInfo.run, 'server', 'settings')).toMatch(/^PKL_IPV6=1$/m);
    // A routed address on the server, off the PPP link: reached only through defaultroute6.
    const add = await lab(['server-exec', `ip -6 addr add ${ROUTED}/128 dev dummy0`]);
    expect(add.code).toBe(0);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await lab(['stop']);
    expect((await lab(['start'])).code).toBe(0);
  });

  it('IPv6CP up: link-local addresses both ends agree on, ping6 of the server and of a routed address through MPPE, defaultroute6; down restores the IPv6 tables exactly', async () => {
    mkdirSync(join(dir, 'peers'));
    writeFileSync(
      join(dir, 'peers', 'v6'),
      'pty "pptp 10.77.0.10 --nolaunchpppd" name pptpkit remotename PPTP require-mppe ipparam tunnel\n+ipv6\ndefaultroute6\n',
    );
    const secrets = join(dir, 'chap-secrets');
    writeFileSync(secrets, 'pptpkit PPTP golden-Passw0rd *\n', { mode: 0o600 });
    // The namespace's link-local addresses finish duplicate address detection first (they
    // would read "tentative" before and not after).
    let before = await ipv6State();
    for (let i = 0; i < 30 && before.includes('tentative'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      before = await ipv6State();
    }
    const t = up(dir, secrets, 'v6');
    const record = await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    const iface = String(record['interface']);
    const status = JSON.parse(
      (
        await inNs([...cli, 'status', 'v6', '--json'], {
          PPTPKIT_RUN_DIR: join(dir, 'run'),
        })
      ).stdout,
    ) as { ipv6cp?: { state: string; local?: string; remote?: string } };
    expect(status.ipv6cp?.state).toBe('Opened');
    const local = `fe80::${status.ipv6cp?.local}`;
    const remote = `fe80::${status.ipv6cp?.remote}`;
    // pppd logs the same pair from its side (its llv6_ntoa text is ours).
    const pppd = readGuestFile(labInfo.run, 'server', 'pppd.log');
    expect(pppd).toContain(`local  LL address ${remote}`);
    expect(pppd).toContain(`remote LL address ${local}`);
    const addresses = await inNs(['ip', '-6', 'addr', 'show', 'dev', iface]);
    expect(addresses.stdout).toMatch(/inet6 fe80::\S+ peer fe80::\S+\/128 scope link nodad/);
    const ping = await inNs([
      'ping',
      '-6',
      '-c',
      '3',
      '-i',
      '0.3',
      '-W',
      '2',
      `${remote}%${iface}`,
    ]);
    expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
    const routes = await inNs(['ip', '-6', 'route', 'show', 'default']);
    expect(routes.stdout).toMatch(new RegExp(`^default dev ${iface} metric 1024`, 'm'));
    // The server's routed address, through the IPv6 default route and MPPE.
    const routed = await inNs(['ping', '-6', '-c', '3', '-i', '0.3', '-W', '2', ROUTED]);
    expect(routed.stdout).toMatch(/3 packets transmitted, 3 received/);
    expect((await inNs(['ip', '-6', 'route', 'get', ROUTED])).stdout).toContain(`dev ${iface}`);
    t.child.kill('SIGINT');
    // pppd's exit status for a signal (5), as the other client tests expect.
    expect(await t.exited).toBe(5);
    expect(await ipv6State()).toBe(before);
  });
});
