import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, Netns } from './netns.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs `fixtures/child.ts` in a child Node process inside the namespace (so even a wrong
 * outcome could only touch that namespace), optionally without CAP_NET_ADMIN and CAP_NET_RAW.
 * The 20 s timeout turns a hang on exit into a failure.
 */
function child(ns: Netns, mode: string, dropCapabilities: boolean): string {
  const node = [
    process.execPath,
    '--conditions=@pptpkit/source',
    '--import',
    'tsx',
    'test/fixtures/child.ts',
    mode,
  ];
  const drop = [
    'setpriv',
    '--inh-caps=-net_admin,-net_raw',
    '--bounding-set=-net_admin,-net_raw',
    '--',
  ];
  return execFileSync(
    'ip',
    ['netns', 'exec', ns.name, ...(dropCapabilities ? drop : []), ...node],
    {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

describe.skipIf(!isRoot)('process-level behaviour (child processes in a namespace)', () => {
  let ns: Netns;

  beforeAll(() => {
    ns = new Netns('proc');
  });

  afterAll(() => {
    ns?.delete();
  });

  it('names the missing capability: CAP_NET_ADMIN for TUN, routes and proxy entries, CAP_NET_RAW for the raw sockets', () => {
    expect(JSON.parse(child(ns, 'capabilities', true))).toEqual({
      openTun: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_ADMIN' },
      openGreSocket: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_RAW' },
      openGreSocketUnroutable: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_RAW' },
      openGreListener: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_RAW' },
      addNeighbourProxy: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_ADMIN' },
      addRoute: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_ADMIN' },
      setLinkUp: { code: 'LINUXNET_NO_CAPABILITY', capability: 'CAP_NET_ADMIN' },
    });
  });

  it('the same operations succeed with the capabilities (the control for the test above)', () => {
    expect(JSON.parse(child(ns, 'capabilities', false))).toEqual({
      openTun: 'opened',
      openGreSocket: 'opened',
      // connect() to an address the namespace has no route to.
      openGreSocketUnroutable: { code: 'LINUXNET_NO_ROUTE' },
      openGreListener: 'opened',
      addNeighbourProxy: 'added',
      addRoute: 'added',
      setLinkUp: 'changed',
    });
    ns.ip('link', 'set', 'lo', 'up');
  });

  it('tells a /dev/net/tun closed to this user by its mode (EACCES) from a missing capability', () => {
    // A device node of another owner, 0600, in place of /dev/net/tun (in a private mount
    // namespace), opened by root without CAP_DAC_OVERRIDE: what a service user with
    // CAP_NET_ADMIN meets on a host without udev's MODE="0666".
    const dir = mkdtempSync(join(tmpdir(), 'pkln-tun-'));
    const node = join(dir, 'tun');
    execFileSync('mknod', [node, 'c', '10', '200']);
    chownSync(node, 65534, 65534);
    const open = (mode: number): string => {
      chmodSync(node, mode);
      const script = [
        `mount --bind ${node} /dev/net/tun`,
        'exec setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search -- "$@"',
      ].join(' && ');
      const node20 = [process.execPath, '--conditions=@pptpkit/source', '--import', 'tsx'];
      return execFileSync(
        'ip',
        [
          'netns',
          'exec',
          ns.name,
          'unshare',
          '--mount',
          '--',
          'sh',
          '-c',
          script,
          'sh',
          ...node20,
          'test/fixtures/child.ts',
          'tun-access',
        ],
        { cwd: packageDir, encoding: 'utf8', timeout: 20_000 },
      );
    };
    try {
      expect(open(0o600)).toBe('LINUXNET_NO_ACCESS');
      expect(open(0o666)).toBe('opened');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits by itself after close() of reading channels (watcher stopped, fd closed)', () => {
    expect(child(ns, 'close', false)).toBe('close:done');
  });

  it('exits by itself with reading channels left open after unref()', () => {
    expect(child(ns, 'unref', false)).toBe('unref:done');
  });
});
