import { describe, expect, it } from 'vitest';
import { ipv6HookContext } from '../../src/cli/runtime/scripts.js';
import { defaultPeerSettings } from '../../src/config/index.js';

describe('ipv6HookContext (pppd ipv6-up/ipv6-down)', () => {
  const settings = { ...defaultPeerSettings(), ipparam: 'office' };
  it("the link-local addresses in pppd's llv6_ntoa text, once IPv6CP opened", () => {
    const ctx = ipv6HookContext('PAL', '10.1.1.14', settings, {
      interface: 'ppp0',
      local: '192.168.0.10',
      remote: '192.168.0.1',
      ipv6cp: { state: 'Opened', local: '0000:0000:0000:000a', remote: '1234:5678:9abc:def0' },
    });
    expect(ctx).toMatchObject({
      iface: 'ppp0',
      device: '10.1.1.14',
      local: '192.168.0.10',
      ipparam: 'office',
      linkLocal: { local: 'fe80::0000:0000:0000:000a', remote: 'fe80::1234:5678:9abc:def0' },
    });
  });

  it('none without identifiers (IPv6CP off, rejected by the server, or not open)', () => {
    expect(ipv6HookContext('PAL', 's', settings, { interface: 'ppp0' })).toBeUndefined();
    expect(ipv6HookContext('PAL', 's', settings, { ipv6cp: { state: 'Stopped' } })).toBeUndefined();
  });
});
