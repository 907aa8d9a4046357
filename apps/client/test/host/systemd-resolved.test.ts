import { describe, expect, it } from 'vitest';
import { type ResolvedProbe, systemdResolvedInUse } from '../../src/host/systemd-resolved.js';

function probe(o: {
  runDir?: boolean;
  realpath?: string;
  ours?: string;
  init?: string;
}): ResolvedProbe {
  return {
    exists: (p) => p === '/run/systemd/resolve/' && (o.runDir ?? true),
    realpath: () => o.realpath,
    netns: (pid) => (pid === 'self' ? (o.ours ?? 'ns:1') : (o.init ?? 'ns:1')),
  };
}

describe('systemdResolvedInUse', () => {
  it('the stub or the uplink file of a running resolved, in the init namespace: yes', () => {
    expect(
      systemdResolvedInUse(
        '/etc/resolv.conf',
        probe({ realpath: '/run/systemd/resolve/stub-resolv.conf' }),
      ),
    ).toBe(true);
    expect(
      systemdResolvedInUse(
        '/etc/resolv.conf',
        probe({ realpath: '/run/systemd/resolve/resolv.conf' }),
      ),
    ).toBe(true);
  });

  it('a regular resolv.conf, or a link elsewhere (resolvconf, NetworkManager): no', () => {
    expect(systemdResolvedInUse('/etc/resolv.conf', probe({ realpath: '/etc/resolv.conf' }))).toBe(
      false,
    );
    expect(
      systemdResolvedInUse('/etc/resolv.conf', probe({ realpath: '/run/resolvconf/resolv.conf' })),
    ).toBe(false);
  });

  it('resolved not running (no /run/systemd/resolve/), or a dangling link: no', () => {
    expect(
      systemdResolvedInUse(
        '/etc/resolv.conf',
        probe({ runDir: false, realpath: '/run/systemd/resolve/stub-resolv.conf' }),
      ),
    ).toBe(false);
    expect(systemdResolvedInUse('/etc/resolv.conf', probe({}))).toBe(false);
  });

  it('another network namespace (ip netns exec): no, resolved serves only the init one', () => {
    const p = probe({
      realpath: '/run/systemd/resolve/stub-resolv.conf',
      ours: 'ns:2',
      init: 'ns:1',
    });
    expect(systemdResolvedInUse('/etc/resolv.conf', p)).toBe(false);
    const unreadable = { ...p, netns: () => undefined };
    expect(systemdResolvedInUse('/etc/resolv.conf', unreadable)).toBe(false);
  });
});
