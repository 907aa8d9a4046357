import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { firstEthernetMac } from '../../src/host/first-ethernet-mac.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake /sys/class/net: name → [type, ifindex, address]. */
function sysfs(interfaces: Record<string, [number, number, string]>): string {
  const root = mkdtempSync(join(tmpdir(), 'pkl6-sys-'));
  dirs.push(root);
  for (const [name, [type, index, mac]] of Object.entries(interfaces)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'type'), `${type}\n`);
    writeFileSync(join(root, name, 'ifindex'), `${index}\n`);
    writeFileSync(join(root, name, 'address'), `${mac}\n`);
  }
  return root;
}

describe('firstEthernetMac (ipv6cp-use-persistent)', () => {
  it('the Ethernet interface with the lowest index, skipping loopback, PPP/TUN and all-zero addresses', () => {
    const root = sysfs({
      lo: [772, 1, '00:00:00:00:00:00'],
      wlan0: [1, 5, '34:56:78:9a:bc:de'],
      eth0: [1, 3, '02:11:22:33:44:55'],
      dummy0: [1, 2, '00:00:00:00:00:00'],
      ppp0: [65534, 4, ''],
    });
    expect(firstEthernetMac(root)).toBe('02:11:22:33:44:55');
  });

  it('none: undefined (a random identifier is used then)', () => {
    expect(firstEthernetMac(sysfs({ lo: [772, 1, '00:00:00:00:00:00'] }))).toBeUndefined();
    expect(firstEthernetMac(join(tmpdir(), 'pkl6-no-such-dir'))).toBeUndefined();
  });
});
