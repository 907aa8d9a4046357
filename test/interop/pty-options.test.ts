/**
 * pptp-linux's `--localbind`, `--rtmark` and `--nohostroute` end to end: `pptpkit up` with
 * `pty "pptp SERVER --nolaunchpppd --localbind A2 --rtmark 0x4f --nohostroute"` against
 * `pptpkit serve`, over the veth rig (`tools/netns/veth-rig.ts`, created and deleted here).
 *
 * The client namespace reaches the server only through routing table 79, which
 * `ip rule fwmark 0x4f` selects: its main table has no route to the server at all, so the tunnel
 * can come up only if the control connection and the GRE socket are both marked before they
 * connect. The client has a second address, A2; the server's firewall drops everything from
 * the first and counts GRE from A2, so the server sees A2 on both sockets. No host route to the
 * server may appear in any table of the client.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoggedProcess,
  type ServeSession,
  serveStatus,
  startClient,
  startServe,
} from '../../tools/netns/pptpkit-procs.js';
import {
  createVethRig,
  RIG_CLIENT_ADDRESS,
  RIG_LINK,
  RIG_SERVER_ADDRESS,
  type VethRig,
} from '../../tools/netns/veth-rig.js';

const serverTunnel = '10.88.0.1';
const user = 'alice';
const password = 'Serve-Passw0rd';
/** The client's second address, the one `--localbind` names. */
const boundAddress = '10.79.0.12';
const MARK = 0x4f;
const TABLE = '79';

/** Why this file cannot run here, or undefined. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  for (const [tool, args] of [
    ['ping', ['-V']],
    ['nft', ['--version']],
  ] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch {
      return `${tool} is missing`;
    }
  }
  return undefined;
}
const reason = unavailable();
if (reason !== undefined) console.warn(`[interop] pty option tests skipped: ${reason}`);

/** The server's nftables counters: GRE from the bound address, and what came from the other. */
const firewall = `table ip pty_options {
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr ${RIG_CLIENT_ADDRESS} counter drop
    ip saddr ${boundAddress} ip protocol gre counter
    ip saddr ${boundAddress} tcp dport 1723 counter
  }
}
`;

describe.skipIf(reason !== undefined)('pty "pptp ... --localbind --rtmark --nohostroute"', () => {
  let rig: VethRig;
  let dir = '';
  let serve: LoggedProcess | undefined;
  let client: LoggedProcess | undefined;

  const ok = async (side: 'server' | 'client', args: string[]): Promise<string> => {
    const r = await rig.run(side, args);
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    rig = createVethRig();
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-pty-options-'));
    // Client: a second address, and the server's subnet reachable only by marked packets.
    await ok('client', [
      'ip',
      'addr',
      'add',
      `${boundAddress}/24`,
      'dev',
      RIG_LINK,
      'noprefixroute',
    ]);
    await ok('client', ['ip', 'route', 'del', '10.79.0.0/24', 'dev', RIG_LINK]);
    await ok('client', ['ip', 'route', 'add', '10.79.0.0/24', 'dev', RIG_LINK, 'table', TABLE]);
    await ok('client', ['ip', 'rule', 'add', 'fwmark', String(MARK), 'table', TABLE]);
    const fw = join(dir, 'firewall.nft');
    execFileSync('sh', ['-c', `cat > ${fw}`], { input: firewall });
    await ok('server', ['nft', '-f', fw]);
  });

  afterAll(async () => {
    await client?.stop(5_000);
    await serve?.stop(5_000);
    rig?.remove();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('unmarked, the client has no route to the server', async () => {
    const r = await rig.run('client', ['ping', '-c', '1', '-W', '1', RIG_SERVER_ADDRESS]);
    expect(r.code).not.toBe(0);
  });

  it('comes up marked and bound, with no host route; the server sees only the bound address', async () => {
    serve = await startServe(rig, dir, {
      options: ['name pptpd', 'require-mschap-v2', 'require-mppe-128'],
      localIp: serverTunnel,
      remoteIp: '10.88.0.10-20',
      chapSecrets: `${user} pptpd ${password} *\n`,
    });
    const running = serve;
    client = startClient(
      rig,
      dir,
      'marked',
      [`name ${user}`, 'require-mppe-128', 'debug'],
      { chap: `${user} * ${password} *\n` },
      undefined,
      ` --localbind ${boundAddress} --rtmark 0x${MARK.toString(16)} --nohostroute`,
    );
    try {
      await client.waitFor('tunnel up', 30_000);
      let answered = false;
      for (let i = 0; i < 10 && !answered; i++) {
        answered =
          (await rig.run('client', ['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
      }
      expect(answered).toBe(true);
      const ping = await rig.run('client', [
        'ping',
        '-c',
        '5',
        '-i',
        '0.2',
        '-W',
        '2',
        serverTunnel,
      ]);
      expect(ping.stdout).toMatch(/5 packets transmitted, 5 received/);

      // The server's session: its control connection comes from the bound address.
      const status = await serveStatus(rig, running);
      expect(status.sessions).toHaveLength(1);
      expect((status.sessions[0] as ServeSession).peer).toMatch(/^10\.79\.0\.12:\d+$/);
      // The server's firewall: GRE and TCP from the bound address, nothing from the other.
      const counters = await ok('server', ['nft', 'list', 'table', 'ip', 'pty_options']);
      const packets = (what: RegExp): number => Number(counters.match(what)?.[1] ?? -1);
      expect(packets(/saddr 10\.79\.0\.2 counter packets (\d+)/)).toBe(0);
      expect(packets(/protocol gre counter packets (\d+)/)).toBeGreaterThan(5);
      expect(packets(/dport 1723 counter packets (\d+)/)).toBeGreaterThan(2);

      // The client's control socket carries the mark (ss -e prints it as fwmark).
      const ss = await ok('client', ['ss', '-tne', 'dst', `${RIG_SERVER_ADDRESS}:1723`]);
      expect(ss).toContain(`${boundAddress}:`);
      expect(ss).toContain(`fwmark:0x${MARK.toString(16)}`);
      // --nohostroute: no route to the server was pinned, in any table.
      const routes = await ok('client', ['ip', '-4', 'route', 'show', 'table', 'all']);
      expect(routes).not.toMatch(new RegExp(`^${RIG_SERVER_ADDRESS.replaceAll('.', '\\.')} `, 'm'));
      expect(client.records.some((r) => r['message'] === 'pinned route to the server')).toBe(false);
      // The path MTU was measured on the marked path (an unmarked lookup finds no route).
      expect(client.records.some((r) => r['message'] === 'path MTU unknown')).toBe(false);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n--- serve log:\n${running.log()}\n--- client log:\n${client.log()}`,
      );
    }
  });
});
