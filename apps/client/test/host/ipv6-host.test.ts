/**
 * The IPv6 host changes against the kernel, in network namespaces this test creates: a real
 * TUN, link-local addresses, `defaultroute6`, `ipv6-leak-block`, and `restore` leaving the IPv6
 * (and IPv4) routing tables and addresses exactly as they were. Needs root (skipped otherwise,
 * failing under CI).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI) throw new Error('ipv6-host tests need root under CI');

interface Snapshot {
  routes6: string;
  addresses6: string;
  routes4: string;
  lookup: string;
}
interface Run {
  before: Snapshot;
  up: Snapshot & { name: string };
  after: Snapshot;
  log: string[];
}

const namespaces: string[] = [];
const dirs: string[] = [];

/** A namespace like a host on a LAN: IPv4 and an IPv6 default route (as an RA would leave). */
function lan(tag: string): string {
  const ns = `pkl6-${process.pid}-${tag}`;
  const ip = (...args: string[]) => execFileSync('ip', ['-n', ns, ...args]);
  execFileSync('ip', ['netns', 'add', ns]);
  namespaces.push(ns);
  ip('link', 'set', 'lo', 'up');
  // No duplicate address detection: the veths' link-local addresses are final at once, so a
  // snapshot never catches them "tentative".
  execFileSync('ip', [
    'netns',
    'exec',
    ns,
    'sysctl',
    '-qw',
    'net.ipv6.conf.all.accept_dad=0',
    'net.ipv6.conf.default.accept_dad=0',
  ]);
  ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
  for (const dev of ['eth0', 'eth1']) ip('link', 'set', dev, 'up');
  ip('addr', 'add', '192.0.2.10/24', 'dev', 'eth0');
  ip('route', 'add', 'default', 'via', '192.0.2.254', 'dev', 'eth0');
  ip('-6', 'addr', 'add', '2001:db8:1::10/64', 'dev', 'eth0', 'nodad');
  ip('-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'eth0', 'metric', '1024');
  return ns;
}

function run(ns: string, options: string, negotiated: boolean, inject = 'none'): Run {
  const dir = mkdtempSync(join(tmpdir(), 'pkl6-'));
  dirs.push(dir);
  const out = execFileSync(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'pnpm',
      'exec',
      'tsx',
      '--conditions=@pptpkit/source',
      join(import.meta.dirname, 'fixtures', 'ipv6-host-child.ts'),
      options,
      join(dir, 'journal.json'),
      negotiated ? 'yes' : 'no',
      inject,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out) as Run;
}

afterEach(() => {
  for (const ns of namespaces.splice(0)) execFileSync('ip', ['netns', 'del', ns]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('IPv6 on the tunnel interface, against the kernel', () => {
  it('IPv6CP up with defaultroute6: fe80:: addresses (nodad), ::/0 through the TUN; restore puts every table back', () => {
    const r = run(lan('dr6'), '+ipv6 defaultroute6 defaultroute-metric 100', true);
    const tun = r.up.name;
    // The local link-local address with the peer's as its partner (pppd's sif6addr), usable at
    // once (no "tentative").
    expect(r.up.addresses6).toMatch(
      /inet6 fe80::2:0:0:a peer fe80::b\/128 scope link nodad[^\n]*\n/,
    );
    expect(r.up.addresses6).not.toMatch(/fe80::2:0:0:a peer fe80::b\/128 scope link .*tentative/);
    // iproute2 leaves out `proto boot`, its own default.
    expect(r.up.routes6).toMatch(new RegExp(`^default dev ${tun} metric 100 `, 'm'));
    expect(r.up.lookup).toMatch(new RegExp(`dev ${tun} `));
    expect(r.after).toEqual(r.before);
  });

  it("a router advertisement from the server is honoured on the TUN with the kernel's defaults: its default route, prefix and an autoconfigured address; gone after restore", () => {
    const r = run(lan('ra'), '+ipv6', true, 'ra');
    const tun = r.up.name;
    expect(r.up.routes6).toMatch(
      new RegExp(`^default via fe80::b dev ${tun} proto ra metric \\d+ expires`, 'm'),
    );
    expect(r.up.routes6).toMatch(
      new RegExp(`^2001:db8:77::/64 dev ${tun} proto (kernel|ra) `, 'm'),
    );
    expect(r.up.addresses6).toMatch(/inet6 2001:db8:77:[0-9a-f:]+\/64 scope global dynamic/);
    expect(r.after).toEqual(r.before);
  });

  it('defaultroute6 next to a LAN default route of the same metric: refused as pppd does, nothing added', () => {
    const r = run(lan('keep'), '+ipv6 defaultroute6', true);
    expect(r.up.routes6).not.toMatch(new RegExp(`default dev ${r.up.name}`));
    expect(r.log.join('\n')).toContain(
      'not replacing the existing IPv6 default route through eth0',
    );
    expect(r.up.lookup).toContain('dev eth0');
    expect(r.after).toEqual(r.before);
  });

  it('ipv6-leak-block with the IPv4 default through the tunnel and no IPv6CP: IPv6 fails at once instead of leaving by eth0; restore lifts it', () => {
    const r = run(lan('leak'), 'defaultroute replacedefaultroute ipv6-leak-block', false);
    expect(r.before.lookup).toContain('dev eth0');
    expect(r.up.lookup).toMatch(/error: .*No route to host/);
    expect(r.up.routes6).toMatch(/^unreachable default dev lo metric 1 /m);
    expect(r.after).toEqual(r.before);
    expect(r.after.lookup).toContain('dev eth0');
  });

  it('IPv6 disabled on the host: the address cannot be set, a warning, the tunnel stays (IPv4)', () => {
    const ns = lan('off');
    execFileSync('ip', [
      'netns',
      'exec',
      ns,
      'sysctl',
      '-qw',
      'net.ipv6.conf.default.disable_ipv6=1',
    ]);
    const r = run(ns, '+ipv6 defaultroute6', true);
    expect(r.log.join('\n')).toContain('IPv6 address not set');
    expect(r.up.addresses6).not.toContain(r.up.name);
    expect(r.up.routes4).toContain(`dev ${r.up.name}`);
    expect(r.after).toEqual(r.before);
  });

  it('without ipv6-leak-block IPv6 keeps leaving by eth0 (what the option is for)', () => {
    const r = run(lan('open'), 'defaultroute replacedefaultroute', false);
    expect(r.up.lookup).toContain('dev eth0');
  });
});
