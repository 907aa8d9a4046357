/**
 * No GRE packet leaves fragmented (issue "bad wire"): the tunnel sizes itself from the path MTU
 * to the server. On the lab's 1500-byte bridge and with the bridge lowered to 1400 bytes, a
 * content-verified 4 MiB transfer each way runs while tcpdump records every GRE packet on the
 * bridge: none is a fragment or longer than the path, and full-size ones fill it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  inNs,
  netns,
  reachable,
  routes,
  serverTunnel,
  startTransferServices,
  tcpTransfer,
  up,
  waitFor,
} from './client-harness.js';
import { lab } from './lab.js';

const labInfo = inject('lab');

/** Counts the packets of a capture that match a tcpdump filter. */
function count(pcap: string, filter: string): number {
  const out = execFileSync('tcpdump', ['-nn', '-r', pcap, filter], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

describe.skipIf(!labInfo.available)('no GRE fragments on the path to the server', () => {
  let dir = '';
  let secrets = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-mtu-'));
    mkdirSync(join(dir, 'peers'));
    secrets = join(dir, 'chap-secrets');
    writeFileSync(secrets, 'pptpkit * golden-Passw0rd *\n', { mode: 0o600 });
    writeFileSync(
      join(dir, 'peers', 'mtu'),
      'pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nrequire-mppe-128\ndefaultroute\n',
    );
    await startTransferServices((args) => lab(args));
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const pathMtu of [1500, 1400]) {
    it(`a ${pathMtu}-byte path: tunnel MTU ${pathMtu - 44}, 4 MiB each way, no fragment, nothing longer than ${pathMtu}`, async () => {
      const routesBefore = await routes();
      const pcap = join(dir, `gre-${pathMtu}.pcap`);
      expect((await inNs(['ip', 'link', 'set', 'pklbr0', 'mtu', String(pathMtu)])).code).toBe(0);
      const t = up(dir, secrets, 'mtu');
      let capture: ChildProcess | undefined;
      try {
        await waitFor(t.records, 'tunnel up', t.exited, 30_000);
        expect(t.records.find((r) => r['message'] === 'up')?.['mtu']).toBe(pathMtu - 44);
        expect(await reachable(serverTunnel)).toBe(true);
        capture = spawn(
          'ip',
          ['netns', 'exec', netns, 'tcpdump', '-i', 'pklbr0', '-U', '-w', pcap, 'ip proto 47'],
          { stdio: 'ignore' },
        );
        await new Promise((r) => setTimeout(r, 1000));
        expect(await tcpTransfer(120_000, 30_000)).toBe(true);
        capture.kill('SIGINT');
        await new Promise((r) => capture?.once('exit', r));
        const gre = count(pcap, 'ip proto 47');
        const fragments = count(pcap, 'ip proto 47 and ip[6:2] & 0x3fff != 0');
        const tooLong = count(pcap, `ip proto 47 and ip[2:2] > ${pathMtu}`);
        const full = count(pcap, `ip proto 47 and ip[2:2] > ${pathMtu - 8}`);
        console.info(
          `[interop] ${pathMtu}-byte path: ${gre} GRE packets, ${fragments} fragments, ${tooLong} longer than the path, ${full} within 8 bytes of it`,
        );
        expect(gre).toBeGreaterThan(5000);
        expect(fragments).toBe(0);
        expect(tooLong).toBe(0);
        expect(full).toBeGreaterThan(1000);
        t.child.kill('SIGINT');
        expect(await t.exited).toBe(5);
        expect(await routes()).toBe(routesBefore);
      } finally {
        if (capture !== undefined && capture.exitCode === null) capture.kill('SIGKILL');
        if (t.child.exitCode === null) {
          t.child.kill('SIGINT');
          await t.exited;
        }
        await inNs(['ip', 'link', 'set', 'pklbr0', 'mtu', '1500']);
      }
    });
  }
});
