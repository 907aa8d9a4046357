import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileAccess, HostChanges } from '../../src/host/host-changes.js';
import { JournalFile } from '../../src/host/journal-file.js';
import { resolvConfWithPeerDns } from '../../src/host/resolv-conf.js';
import { FakeRtnetlink } from './fake-rtnetlink.js';

function memoryFiles(initial: Record<string, string>): FileAccess & { files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    read: (p) => files.get(p) ?? null,
    write: (p, c) => {
      if (c === null) files.delete(p);
      else files.set(p, c);
    },
  };
}

describe('HostChanges: journaled host changes, undone in reverse', () => {
  let dir = '';
  let journal: JournalFile;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-host-'));
    journal = new JournalFile(join(dir, 'run', 'lab.journal'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each change to the journal before making it, and undoes everything in reverse', async () => {
    const rtnl = new FakeRtnetlink(
      [{ destination: '0.0.0.0/0', gateway: '10.0.0.254', device: 'eth0' }],
      ['eth0', 'ppp0'],
    );
    const before = rtnl.dump();
    const seen: string[] = [];
    rtnl.beforeChange = (what) => {
      // The journal on disk already names the change that is about to happen.
      const content = journal.read();
      seen.push(`${what} pending=${content?.pending?.type ?? 'none'}`);
    };
    const files = memoryFiles({ '/etc/resolv.conf': 'search example.org\nnameserver 10.0.0.53\n' });
    const c = new HostChanges(rtnl, journal, files);
    await c.addRoute({ destination: '203.0.113.5/32', gateway: '10.0.0.254', device: 'eth0' });
    await c.setMtu('ppp0', 1400);
    await c.addPointToPointAddress({
      device: 'ppp0',
      local: '192.168.77.10',
      peer: '192.168.77.1',
    });
    await c.deleteRoute({
      destination: '0.0.0.0/0',
      gateway: '10.0.0.254',
      device: 'eth0',
      metric: 0,
    });
    await c.addRoute({ destination: '0.0.0.0/0', device: 'ppp0' });
    c.replaceFile('/etc/resolv.conf', (prev) => resolvConfWithPeerDns(prev, ['192.168.77.53']));

    expect(seen).toEqual([
      'add 203.0.113.5/32 pending=route-added',
      'mtu ppp0 1400 pending=link-mtu-changed',
      'address 192.168.77.10 pending=address-added',
      'delete 0.0.0.0/0 pending=route-deleted',
      'add 0.0.0.0/0 pending=route-added',
    ]);
    expect(journal.read()?.entries.map((e) => e.type)).toEqual([
      'route-added',
      'link-mtu-changed',
      'address-added',
      'route-deleted',
      'route-added',
      'file-replaced',
    ]);
    expect(files.files.get('/etc/resolv.conf')).toContain('nameserver 192.168.77.53');
    expect(files.files.get('/etc/resolv.conf')).toContain('search example.org');
    expect(rtnl.dump()).not.toBe(before);

    const report = await c.undo();
    expect(report.failures).toEqual([]);
    expect(report.undone).toBe(6);
    expect(rtnl.dump()).toBe(before);
    expect(rtnl.linksMap.get('ppp0')?.mtu).toBe(1500);
    expect(rtnl.addrs).toEqual([]);
    expect(files.files.get('/etc/resolv.conf')).toBe('search example.org\nnameserver 10.0.0.53\n');
    expect(journal.read()).toBeUndefined();
  });

  it('after a crash, a new run undoes the journal it finds, including a change left pending', async () => {
    const rtnl = new FakeRtnetlink([
      { destination: '0.0.0.0/0', gateway: '10.0.0.254', device: 'eth0' },
    ]);
    const before = rtnl.dump();
    const files = memoryFiles({});
    const first = new HostChanges(rtnl, journal, files);
    await first.addRoute({ destination: '203.0.113.5/32', gateway: '10.0.0.254', device: 'eth0' });
    await first.deleteRoute({
      destination: '0.0.0.0/0',
      gateway: '10.0.0.254',
      device: 'eth0',
      metric: 0,
    });
    // The process dies while adding the default route through the tunnel: it was journaled as
    // pending and reached the kernel, but the confirmation never got written.
    journal.write({
      entries: first.entries,
      pending: { type: 'route-added', route: { destination: '0.0.0.0/0', device: 'eth0' } },
    });
    await rtnl.addRoute({ destination: '0.0.0.0/0', device: 'eth0' });

    const left = journal.read()!;
    const report = await new HostChanges(rtnl, journal, files, left.entries).undo(left.pending);
    expect(report.failures).toEqual([]);
    expect(rtnl.dump()).toBe(before);
    expect(journal.read()).toBeUndefined();
  });

  it('a pending change that never happened counts as already undone', async () => {
    const rtnl = new FakeRtnetlink([]);
    const files = memoryFiles({});
    const report = await new HostChanges(rtnl, journal, files).undo({
      type: 'route-added',
      route: { destination: '198.51.100.1/32', device: 'eth0' },
    });
    expect(report).toEqual({ undone: 0, alreadyUndone: 1, failures: [] });
  });

  it('the journal file is private and replaced atomically', async () => {
    const c = new HostChanges(new FakeRtnetlink([]), journal, memoryFiles({}));
    await c.addRoute({ destination: '198.51.100.1/32', device: 'eth0' });
    const text = readFileSync(journal.path, 'utf8');
    expect(JSON.parse(text)).toEqual({
      entries: [{ type: 'route-added', route: { destination: '198.51.100.1/32', device: 'eth0' } }],
    });
    expect(statSync(journal.path).mode & 0o777).toBe(0o600);
  });
});

describe('resolvConfWithPeerDns', () => {
  it('puts the server’s DNS first and keeps search/options lines', () => {
    expect(
      resolvConfWithPeerDns('domain a.example\nnameserver 1.1.1.1\noptions edns0\n', [
        '10.1.1.1',
        '10.1.1.2',
      ]),
    ).toBe(
      '# written by pptpkit (usepeerdns); restored when the tunnel ends\nnameserver 10.1.1.1\nnameserver 10.1.1.2\ndomain a.example\noptions edns0\n',
    );
    expect(resolvConfWithPeerDns(null, ['10.1.1.1'])).toContain('nameserver 10.1.1.1\n');
  });
});
