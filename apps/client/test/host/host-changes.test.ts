import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../src/host/command-runner.js';
import { type FileAccess, HostChanges } from '../../src/host/host-changes.js';
import { JournalFile } from '../../src/host/journal-file.js';
import { resolvConfWithPeerDns } from '../../src/host/resolv-conf.js';
import { FakeRtnetlink } from './fake-rtnetlink.js';

/** File access as the CLI does it: UTF-8 text, written in place (through a link). */
const diskFiles: FileAccess = {
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  },
  write: (p, c) => {
    if (c === null) rmSync(p, { force: true });
    else writeFileSync(p, c);
  },
};

/** Network-only tests never touch a file. */
const noFiles: FileAccess = {
  read: () => {
    throw new Error('no file access expected');
  },
  write: () => {
    throw new Error('no file access expected');
  },
};

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
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, 'search example.org\nnameserver 10.0.0.53\n');
    const c = new HostChanges(rtnl, journal, diskFiles);
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
    c.replaceFile(resolvConf, (prev) => resolvConfWithPeerDns(prev, ['192.168.77.53']));

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
    expect(readFileSync(resolvConf, 'utf8')).toContain('nameserver 192.168.77.53');
    expect(readFileSync(resolvConf, 'utf8')).toContain('search example.org');
    expect(rtnl.dump()).not.toBe(before);

    const report = await c.undo();
    expect(report.failures).toEqual([]);
    expect(report.undone).toBe(6);
    expect(rtnl.dump()).toBe(before);
    expect(rtnl.linksMap.get('ppp0')?.mtu).toBe(1500);
    expect(rtnl.addrs).toEqual([]);
    expect(readFileSync(resolvConf, 'utf8')).toBe('search example.org\nnameserver 10.0.0.53\n');
    expect(journal.read()).toBeUndefined();
  });

  it('after a crash, a new run undoes the journal it finds, including a change left pending', async () => {
    const rtnl = new FakeRtnetlink([
      { destination: '0.0.0.0/0', gateway: '10.0.0.254', device: 'eth0' },
    ]);
    const before = rtnl.dump();
    const files = noFiles;
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
    const report = await new HostChanges(rtnl, journal, noFiles).undo({
      type: 'route-added',
      route: { destination: '198.51.100.1/32', device: 'eth0' },
    });
    expect(report).toEqual({ undone: 0, alreadyUndone: 1, failures: [] });
  });

  it('the journal file is private and replaced atomically', async () => {
    const c = new HostChanges(new FakeRtnetlink([]), journal, noFiles);
    await c.addRoute({ destination: '198.51.100.1/32', device: 'eth0' });
    const text = readFileSync(journal.path, 'utf8');
    expect(JSON.parse(text)).toEqual({
      entries: [{ type: 'route-added', route: { destination: '198.51.100.1/32', device: 'eth0' } }],
    });
    expect(statSync(journal.path).mode & 0o777).toBe(0o600);
  });
});

describe('HostChanges: files put back byte for byte', () => {
  let dir = '';
  let journal: JournalFile;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-files-'));
    journal = new JournalFile(join(dir, 'run', 'lab.journal'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const rewrite = (c: HostChanges, path: string): void =>
    c.replaceFile(path, (prev) => resolvConfWithPeerDns(prev, ['10.78.0.53']));

  it('restores bytes that are not UTF-8, and the mode', async () => {
    const path = join(dir, 'resolv.conf');
    // Latin-1 "é" and a lone 0xff: a UTF-8 round trip would change them.
    const bytes = Buffer.from([...Buffer.from('# caf'), 0xe9, 0x0a, 0xff, 0x0a]);
    writeFileSync(path, bytes);
    chmodSync(path, 0o640);
    const c = new HostChanges(new FakeRtnetlink([]), journal, diskFiles);
    rewrite(c, path);
    expect(readFileSync(path, 'utf8')).toContain('nameserver 10.78.0.53');
    chmodSync(path, 0o666);
    const report = await c.undo();
    expect(report).toEqual({ undone: 1, alreadyUndone: 0, failures: [] });
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mode & 0o7777).toBe(0o640);
  });

  it('writes through a symbolic link and keeps it a link; the target is restored', async () => {
    const target = join(dir, 'managed-resolv.conf');
    const link = join(dir, 'resolv.conf');
    writeFileSync(target, 'nameserver 10.0.0.53\n', { mode: 0o644 });
    symlinkSync('managed-resolv.conf', link);
    const c = new HostChanges(new FakeRtnetlink([]), journal, diskFiles);
    rewrite(c, link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain('nameserver 10.78.0.53');
    // Someone replaces the link by a regular file meanwhile: undo puts the link back.
    rmSync(link);
    writeFileSync(link, 'nameserver 192.0.2.1\n');
    expect((await c.undo()).failures).toEqual([]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('managed-resolv.conf');
    expect(readFileSync(target, 'utf8')).toBe('nameserver 10.0.0.53\n');
  });

  it('a file that did not exist is removed again', async () => {
    const path = join(dir, 'resolv.conf');
    const c = new HostChanges(new FakeRtnetlink([]), journal, diskFiles);
    rewrite(c, path);
    expect(readFileSync(path, 'utf8')).toContain('nameserver 10.78.0.53');
    await c.undo();
    expect(() => lstatSync(path)).toThrow(/ENOENT/);
  });

  it('refuses a dangling link (it would create a file elsewhere) and journals nothing', () => {
    const link = join(dir, 'resolv.conf');
    symlinkSync(join(dir, 'nowhere', 'stub-resolv.conf'), link);
    const c = new HostChanges(new FakeRtnetlink([]), journal, diskFiles);
    expect(() => rewrite(c, link)).toThrow(/ENOENT/);
    expect(c.entries).toEqual([]);
    expect(readlinkSync(link)).toBe(join(dir, 'nowhere', 'stub-resolv.conf'));
  });

  it('a crash between snapshot and confirmation: the pending snapshot is restored', async () => {
    const path = join(dir, 'resolv.conf');
    writeFileSync(path, 'nameserver 10.0.0.53\n');
    const c = new HostChanges(new FakeRtnetlink([]), journal, diskFiles);
    rewrite(c, path);
    const entry = c.entries[0]!;
    // As if the process had died right after writing: the entry is only pending.
    journal.write({ entries: [], pending: entry });
    const left = journal.read()!;
    const report = await new HostChanges(new FakeRtnetlink([]), journal, diskFiles).undo(
      left.pending,
    );
    expect(report.failures).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('nameserver 10.0.0.53\n');
    expect(journal.read()).toBeUndefined();
  });
});

describe('HostChanges: systemd-resolved per-link DNS', () => {
  let dir = '';
  let journal: JournalFile;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-resolved-'));
    journal = new JournalFile(join(dir, 'run', 'lab.journal'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function recorder(fail: (args: readonly string[]) => boolean = () => false) {
    const calls: string[] = [];
    const run: CommandRunner = async (file, args) => {
      calls.push([file, ...args].join(' '));
      return fail(args)
        ? { code: 1, stdout: '', stderr: 'Failed to resolve interface "ppp0"' }
        : { code: 0, stdout: '', stderr: '' };
    };
    return { calls, run };
  }

  it('sets DNS and the catch-all domain, journals it, and reverts the link on undo', async () => {
    const { calls, run } = recorder();
    const rtnl = new FakeRtnetlink([], ['eth0', 'ppp0']);
    const c = new HostChanges(rtnl, journal, noFiles, [], run);
    await c.setLinkDns('ppp0', ['10.78.0.53', '10.78.0.54'], true);
    expect(journal.read()?.entries).toEqual([{ type: 'resolved-link', device: 'ppp0' }]);
    expect(await c.undo()).toEqual({ undone: 1, alreadyUndone: 0, failures: [] });
    expect(calls).toEqual([
      'resolvectl dns ppp0 10.78.0.53 10.78.0.54',
      'resolvectl domain ppp0 ~.',
      'resolvectl revert ppp0',
    ]);
  });

  it('without the default route through the tunnel, no catch-all domain', async () => {
    const { calls, run } = recorder();
    const c = new HostChanges(new FakeRtnetlink([], ['ppp0']), journal, noFiles, [], run);
    await c.setLinkDns('ppp0', ['10.78.0.53'], false);
    expect(calls).toEqual(['resolvectl dns ppp0 10.78.0.53']);
  });

  it('a failing resolvectl is a typed error, and what it may have set is still reverted', async () => {
    const { calls, run } = recorder((args) => args[0] === 'domain');
    const c = new HostChanges(new FakeRtnetlink([], ['ppp0']), journal, noFiles, [], run);
    await expect(c.setLinkDns('ppp0', ['10.78.0.53'], true)).rejects.toMatchObject({
      code: 'HOST_RESOLVECTL_FAILED',
    });
    await c.undo();
    expect(calls.at(-1)).toBe('resolvectl revert ppp0');
  });

  it('after a crash, a link that is gone needs no revert (resolved forgot it)', async () => {
    const { run } = recorder((args) => args[0] === 'revert');
    const report = await new HostChanges(
      new FakeRtnetlink([], ['eth0']),
      journal,
      noFiles,
      [{ type: 'resolved-link', device: 'ppp0' }],
      run,
    ).undo();
    expect(report).toEqual({ undone: 0, alreadyUndone: 1, failures: [] });
  });

  it('a revert that fails while the link still exists is reported', async () => {
    const { run } = recorder((args) => args[0] === 'revert');
    const report = await new HostChanges(
      new FakeRtnetlink([], ['ppp0']),
      journal,
      noFiles,
      [{ type: 'resolved-link', device: 'ppp0' }],
      run,
    ).undo();
    expect(report.failures).toEqual(['resolved-link ppp0: Failed to resolve interface "ppp0"']);
    expect(journal.read()).toBeDefined();
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
