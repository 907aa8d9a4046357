/**
 * pptpkit against itself: `pptpkit up` in one network namespace, `pptpkit serve` in another,
 * joined by a veth pair (`tools/netns/veth-rig.ts`, created and deleted here; the UML lab is
 * not used). For each authentication and MPPE/MPPC mode: the tunnel comes up, answers pings,
 * carries a content-checked TCP transfer each way (to services bound to the server's tunnel
 * address), shows in `pptpkit status serve --json`, and `pptpkit down` on the client removes
 * the server's session and its host route.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoggedProcess,
  pptpkitCommand,
  type ServeSession,
  serveStatus,
  startClient,
  startServe,
} from '../../tools/netns/pptpkit-procs.js';
import { createVethRig, listNamespaces, type VethRig } from '../../tools/netns/veth-rig.js';

/** The server's tunnel address (`localip`) and the pool the client's comes from. */
const serverTunnel = '10.88.0.1';
const remotePool = '10.88.0.10-20';
const user = 'alice';
const password = 'Serve-Passw0rd';

/** Why this file cannot run here, or undefined. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (creates network namespaces)';
  try {
    execFileSync('ping', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'ping is missing (apt-get install -y iputils-ping)';
  }
  return undefined;
}
const reason = unavailable();
if (reason !== undefined) console.warn(`[interop] pptpkit serve tests skipped: ${reason}`);

interface Mode {
  readonly name: string;
  /** The client's peer options (after the `pty` line). */
  readonly client: readonly string[];
  /** The server's ppp options. */
  readonly server: readonly string[];
  /** The method the client logs it authenticated with. */
  readonly auth: string;
  /** What the client logs as `encryption` once the network layer is up. */
  readonly encryption: string;
  /** The client's `status --json` `mppe` (undefined: no CCP agreement). */
  readonly mppe: { keyBits: number; stateless: boolean; mppc: boolean } | undefined;
  /** What the server's status `mppe` must match. */
  readonly serverMppe: RegExp;
}

const mppe128 = ['require-mschap-v2', 'require-mppe-128'];
const modes: readonly Mode[] = [
  {
    name: 'MS-CHAPv2, MPPE-128 stateless',
    client: ['require-mppe-128'],
    server: mppe128,
    auth: 'MS-CHAPv2',
    encryption: 'MPPE 128-bit stateless',
    mppe: { keyBits: 128, stateless: true, mppc: false },
    serverMppe: /^(MPPE )?128-bit stateless$/,
  },
  {
    name: 'MS-CHAPv2, MPPE-128 stateful',
    client: ['require-mppe-128', 'mppe-stateful-prefer'],
    server: [...mppe128, 'mppe-stateful'],
    auth: 'MS-CHAPv2',
    encryption: 'MPPE 128-bit stateful',
    mppe: { keyBits: 128, stateless: false, mppc: false },
    serverMppe: /^(MPPE )?128-bit stateful$/,
  },
  {
    name: 'MS-CHAPv2, MPPE-40',
    client: ['require-mppe-40'],
    server: ['require-mschap-v2', 'require-mppe-40'],
    auth: 'MS-CHAPv2',
    encryption: 'MPPE 40-bit stateless',
    mppe: { keyBits: 40, stateless: true, mppc: false },
    serverMppe: /^(MPPE )?40-bit stateless$/,
  },
  {
    name: 'MS-CHAPv2, MPPE-128 + MPPC',
    client: ['require-mppe-128', 'mppc'],
    server: [...mppe128, 'mppc'],
    auth: 'MS-CHAPv2',
    encryption: 'MPPE 128-bit stateless + MPPC',
    mppe: { keyBits: 128, stateless: true, mppc: true },
    serverMppe: /^(MPPE )?128-bit stateless \+ MPPC$/,
  },
  {
    name: 'MS-CHAPv2, MPPC alone (nomppe mppc)',
    client: ['nomppe', 'mppc'],
    server: ['require-mschap-v2', 'nomppe', 'mppc'],
    auth: 'MS-CHAPv2',
    encryption: 'none (MPPC compression only)',
    // MPPC alone keeps its history from packet to packet (RFC 2118): no stateless bit.
    mppe: { keyBits: 0, stateless: false, mppc: true },
    serverMppe: /MPPC/i,
  },
  {
    name: 'MS-CHAPv1, MPPE-128 stateless',
    client: ['require-mppe-128'],
    server: ['require-mschap', 'require-mppe-128'],
    auth: 'MS-CHAP',
    encryption: 'MPPE 128-bit stateless',
    mppe: { keyBits: 128, stateless: true, mppc: false },
    serverMppe: /^(MPPE )?128-bit stateless$/,
  },
  {
    name: 'CHAP-MD5, no MPPE',
    client: ['nomppe'],
    server: ['require-chap', 'nomppe'],
    auth: 'CHAP-MD5',
    encryption: 'none',
    mppe: undefined,
    serverMppe: /^(none)?$/,
  },
  {
    name: 'PAP, no MPPE',
    client: ['nomppe'],
    server: ['require-pap', 'nomppe'],
    auth: 'PAP',
    encryption: 'none',
    mppe: undefined,
    serverMppe: /^(none)?$/,
  },
];

/** `seq -w 1 600000`-like lines: 4.2 MB of compressible, distinct text. */
const DOWNLOAD_LINES = 600_000;
const DOWNLOAD_PORT = 19;
const UPLOAD_PORT = 9;

/**
 * The server side's TCP services, bound to the server's tunnel address: port 19 sends the
 * numbered lines and ends once the client ended; port 9 reads to the end and answers the
 * SHA-256 of what it read. Prints `ready` once both listen.
 */
const servicesScript = `const net=require('net'),c=require('crypto');
const text=Array.from({length:${DOWNLOAD_LINES}},(_,i)=>String(i+1).padStart(6,'0')+'\\n').join('');
let up=0;const ready=()=>{if(++up===2)process.stdout.write('ready\\n')};
net.createServer(s=>{s.on('error',()=>{});s.write(text);s.on('end',()=>s.end());s.resume()}).listen(${DOWNLOAD_PORT},'${serverTunnel}',ready);
net.createServer(s=>{const h=c.createHash('sha256');s.on('error',()=>{});s.on('data',d=>h.update(d));s.on('end',()=>s.end(h.digest('hex')))}).listen(${UPLOAD_PORT},'${serverTunnel}',ready);`;

/**
 * The client side: downloads the lines and compares them byte for byte, then uploads 3 MB of
 * text lines and 1 MiB of random bytes and compares the server's SHA-256. Prints `same`, or
 * what differed.
 */
const transferScript = `const net=require('net'),c=require('crypto');
const want=Array.from({length:${DOWNLOAD_LINES}},(_,i)=>String(i+1).padStart(6,'0')+'\\n').join('');
const fetch=(port,send,until)=>new Promise((resolve)=>{const got=[];let n=0;const s=net.connect(port,'${serverTunnel}',()=>{if(send)s.end(send)});s.on('data',x=>{got.push(x);n+=x.length;if(until&&n>=until)s.end()});s.on('close',()=>resolve(Buffer.concat(got)));s.on('error',e=>process.stderr.write(String(e)));s.setTimeout(20000,()=>s.destroy())});
(async()=>{const down=await fetch(${DOWNLOAD_PORT},undefined,want.length);if(down.toString('latin1')!==want){process.stdout.write('download differs: '+down.length+' of '+want.length+' bytes');return}
const lines=Array.from({length:200000},(_,i)=>'upload line '+(i*7919%200000)+'\\n').join('');
const d=Buffer.concat([Buffer.from(lines),c.randomBytes(1<<20)]);const up=(await fetch(${UPLOAD_PORT},d)).toString();
process.stdout.write(up===c.createHash('sha256').update(d).digest('hex')?'same':'upload differs: server hash '+up)})();`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(reason !== undefined)('pptpkit client ↔ pptpkit serve over a veth pair', () => {
  let rig: VethRig;
  let dir = '';
  let serve: LoggedProcess | undefined;
  let client: LoggedProcess | undefined;
  let services: ChildProcess | undefined;

  const serverLinksAndRoutes = async (): Promise<string> =>
    [
      (await rig.run('server', ['ip', '-o', 'link', 'show'])).stdout
        .split('\n')
        .map((l) => l.split(':')[1]?.trim().split('@')[0])
        .filter((n) => n !== undefined && n !== '')
        .join(' '),
      (await rig.run('server', ['ip', '-4', 'route', 'show', 'table', 'all'])).stdout,
    ].join('\n');
  let before = '';

  beforeAll(async () => {
    rig = createVethRig();
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-serve-interop-'));
    before = await serverLinksAndRoutes();
  });

  afterAll(async () => {
    services?.kill('SIGKILL');
    await client?.stop(5_000);
    await serve?.stop(5_000);
    rig?.remove();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    expect(listNamespaces().filter((n) => n === rig.serverNs || n === rig.clientNs)).toEqual([]);
  });

  it.each(modes)('$name: up, ping, TCP both ways, status, down', async (mode) => {
    serve = await startServe(rig, dir, {
      options: ['name pptpd', ...mode.server],
      localIp: serverTunnel,
      remoteIp: remotePool,
      chapSecrets: `${user} pptpd ${password} *\n`,
      papSecrets: `${user} pptpd ${password} *\n`,
    });
    const running = serve;
    let failure: Error | undefined;
    try {
      const peer = `m${modes.indexOf(mode)}`;
      client = startClient(rig, dir, peer, [`name ${user}`, ...mode.client], {
        chap: `${user} * ${password} *\n`,
        pap: `${user} * ${password}\n`,
      });
      await client.waitFor('tunnel up', 30_000);
      const network = await client.waitFor('network layer up', 1_000);
      expect(network['encryption']).toBe(mode.encryption);
      expect(network['remote']).toBe(serverTunnel);
      const local = String(network['local']);
      expect(local).toMatch(/^10\.88\.0\.(1\d|20)$/);
      expect(
        client.records.some((r) => r['message'] === 'authenticated' && r['method'] === mode.auth),
      ).toBe(true);

      // Through the tunnel only: the client namespace has no other route to 10.88.0.0.
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

      services = rig.spawn('server', [process.execPath, '-e', servicesScript]);
      const ready = await new Promise<string>((resolve) => {
        let out = '';
        services?.stdout?.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('ready')) resolve('ready');
        });
        services?.on('exit', (code) => resolve(`exit ${code}`));
        setTimeout(() => resolve('timeout'), 10_000);
      });
      expect(ready).toBe('ready');
      const transfer = await rig.run('client', [process.execPath, '-e', transferScript], 90_000);
      expect(`${transfer.stdout} ${transfer.stderr}`.trim()).toBe('same');
      services.kill('SIGKILL');
      services = undefined;

      const clientStatus = await pptpkitCommand(rig, 'client', client.runDir, [
        'status',
        peer,
        '--json',
      ]);
      expect(clientStatus.code).toBe(0);
      const cs = JSON.parse(clientStatus.stdout) as {
        mppe?: unknown;
        data: Record<string, number>;
      };
      expect(cs.mppe).toEqual(mode.mppe);
      expect(cs.data['rxBytes']).toBeGreaterThan(4_200_000);
      expect(cs.data['txBytes']).toBeGreaterThan(4_000_000);

      const status = await serveStatus(rig, running);
      expect(status.schema).toBe('pptpkit.serve.status/1');
      expect(status.sessions).toHaveLength(1);
      const session = status.sessions[0] as ServeSession;
      expect(session).toMatchObject({ user, address: local, state: 'up', auth: mode.auth });
      expect(session.peer).toMatch(/^10\.79\.0\.2:\d+$/);
      expect(String(session.mppe ?? '')).toMatch(mode.serverMppe);
      expect((await rig.run('server', ['ip', '-4', 'route', 'show'])).stdout).toContain(local);

      const down = await pptpkitCommand(rig, 'client', client.runDir, ['down', peer]);
      expect(down.code).toBe(0);
      expect(await client.exited).toBe(0);
      let sessions: readonly ServeSession[] = status.sessions;
      for (let i = 0; i < 40 && sessions.length > 0; i++) {
        await sleep(250);
        sessions = (await serveStatus(rig, running)).sessions;
      }
      expect(sessions).toEqual([]);
      expect((await rig.run('server', ['ip', '-4', 'route', 'show'])).stdout).not.toContain(
        `${local} `,
      );
    } catch (error) {
      failure = new Error(
        `${(error as Error).message}\n--- serve log:\n${running.log()}\n--- client log:\n${client?.log() ?? ''}`,
      );
    }
    services?.kill('SIGKILL');
    services = undefined;
    await client?.stop(5_000);
    client = undefined;
    // SIGTERM: every session closed in order, the TUN and its routes removed, exit 0.
    const code = await running.stop(15_000);
    serve = undefined;
    const after = await serverLinksAndRoutes();
    if (failure !== undefined) throw failure;
    expect(code).toBe(0);
    expect(after).toBe(before);
  });
});
