/**
 * `pptpkit serve` (run from source in the lab namespace, listening on the bridge address) with
 * the reference client of the lab (Debian pptp-linux + pppd + kernel MPPE, in the client guest)
 * as its peer: for each authentication and MPPE mode, one session that pings the server's tunnel
 * address, moves 4 MiB each way over TCP with the content checked at the far end, shows up in
 * `pptpkit status serve --json` with the negotiated user/auth/MPPE (cross-checked with the
 * client's pppd log), and leaves no session and no host route behind; SIGTERM then ends the
 * server with exit 0 and takes its TUN device with it. Also compares the connect time (client's
 * pppd start to IPCP up) with the lab's pptpd.
 *
 * Run alone in a lab instance of its own: `PKL_INSTANCE=srv pnpm test:interop serve-reference`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cli, inNs, repo, routes } from './client-harness.js';
import { lab, labScript, readGuestFile } from './lab.js';

const labInfo = inject('lab');
const guestFile = (name: string): string => readGuestFile(labInfo.run, 'client', name);

/** Where the server listens: the lab bridge's address in the namespace. */
const listenAddress = '10.77.0.1';
/** The server's tunnel address and pool, apart from the pptpd guest's 192.168.77.x. */
const localIp = '192.168.78.1';
const remotePool = /^192\.168\.78\.1\d$/;
const tun = 'pklsrv0';
/** Bytes each way; the pptpd guest's reference tunnel moves 4 MiB in 1–4 s on this machine. */
const transferBytes = 4 << 20;

interface Case {
  name: string;
  /** The server's `require-<auth>` and the client's only method. */
  auth: 'mschap-v2' | 'mschap' | 'chap' | 'pap' | 'eap';
  mppe: '128' | '40' | 'none';
  stateful: boolean;
  /** What the client's pppd logs when authentication succeeds. */
  authLine: string;
  /** What the client's pppd logs when MPPE is on (none: no MPPE line at all). */
  mppeLine?: string;
  /** `auth` (pppd's name) and `mppe` (absent: none) of the session in `pptpkit status serve --json`. */
  statusAuth: string;
  statusMppe: string | undefined;
}

const cases: Case[] = [
  {
    name: 'MS-CHAPv2 + MPPE-128 stateless',
    auth: 'mschap-v2',
    mppe: '128',
    stateful: false,
    authLine: 'CHAP authentication succeeded',
    mppeLine: 'MPPE 128-bit stateless compression enabled',
    statusAuth: 'MS-CHAPv2',
    statusMppe: 'MPPE 128-bit stateless',
  },
  {
    name: 'MS-CHAPv2 + MPPE-40',
    auth: 'mschap-v2',
    mppe: '40',
    stateful: false,
    authLine: 'CHAP authentication succeeded',
    mppeLine: 'MPPE 40-bit stateless compression enabled',
    statusAuth: 'MS-CHAPv2',
    statusMppe: 'MPPE 40-bit stateless',
  },
  {
    name: 'MS-CHAPv2 + MPPE-128 stateful',
    auth: 'mschap-v2',
    mppe: '128',
    stateful: true,
    authLine: 'CHAP authentication succeeded',
    mppeLine: 'MPPE 128-bit stateful compression enabled',
    statusAuth: 'MS-CHAPv2',
    statusMppe: 'MPPE 128-bit stateful',
  },
  {
    name: 'MS-CHAPv1 + MPPE-128',
    auth: 'mschap',
    mppe: '128',
    stateful: false,
    authLine: 'CHAP authentication succeeded',
    mppeLine: 'MPPE 128-bit stateless compression enabled',
    statusAuth: 'MS-CHAP',
    statusMppe: 'MPPE 128-bit stateless',
  },
  {
    name: 'CHAP-MD5 without MPPE',
    auth: 'chap',
    mppe: 'none',
    stateful: false,
    authLine: 'CHAP authentication succeeded',
    statusAuth: 'CHAP-MD5',
    statusMppe: undefined,
  },
  {
    // pppd 2.4.9's EAP peer does MD5-Challenge only: it Naks pptpkit's first offer,
    // EAP-MS-CHAP-V2 (RFC 3748 §5.3.1), and authenticates with EAP-MD5.
    name: 'EAP-MD5 (after a Nak of EAP-MS-CHAP-V2) without MPPE',
    auth: 'eap',
    mppe: 'none',
    stateful: false,
    authLine: 'EAP authentication succeeded',
    statusAuth: 'EAP',
    statusMppe: undefined,
  },
  {
    name: 'PAP without MPPE',
    auth: 'pap',
    mppe: 'none',
    stateful: false,
    authLine: 'PAP authentication succeeded',
    statusAuth: 'PAP',
    statusMppe: undefined,
  },
];

/** The pptpd options of a case: Debian's pptpd-options with the lab's auth/MPPE lines. */
function serverOptions(c: Case): string {
  const methods = ['pap', 'chap', 'mschap', 'mschap-v2', 'eap'];
  return [
    'name pptpd',
    ...methods.filter((m) => m !== c.auth).map((m) => `refuse-${m}`),
    `require-${c.auth}`,
    c.mppe === 'none' ? 'nomppe' : `require-mppe-${c.mppe}`,
    ...(c.stateful ? ['mppe-stateful'] : []),
    'proxyarp',
    'nodefaultroute',
    'lock',
    'nobsdcomp',
    'novj',
    'novjccomp',
    'nologfd',
    '',
  ].join('\n');
}

/** `text` as a regular expression that matches only itself (addresses: the dots). */
const literal = (text: string): string => text.replaceAll('.', '\\.');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects a child's stderr lines (JSON log records, or `{ message: line }`). */
function collect(child: ChildProcess): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        records.push({ message: line });
      }
    }
  });
  return records;
}

interface Server {
  child: ChildProcess;
  records: Record<string, unknown>[];
  exited: Promise<number | null>;
  runDir: string;
}

/** Starts `pptpkit serve` in the lab namespace (`lab.sh exec`) with the case's files. */
function startServer(dir: string, c: Case): Server {
  const options = join(dir, 'options');
  writeFileSync(options, serverOptions(c));
  const conf = join(dir, 'pptpd.conf');
  writeFileSync(
    conf,
    `option ${options}\nlocalip ${localIp}\nremoteip 192.168.78.10-19\nlisten ${listenAddress}\n`,
  );
  const runDir = join(dir, 'run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir);
  rmSync(join(dir, 'hooks.log'), { force: true });
  const child = spawn(
    'bash',
    [
      labScript,
      'exec',
      ...cli,
      'serve',
      '--config',
      conf,
      '--global-options',
      'none',
      '--secrets',
      join(dir, 'chap-secrets'),
      '--pap-secrets',
      join(dir, 'pap-secrets'),
      '--interface',
      tun,
      '--scripts-dir',
      join(dir, 'scripts'),
      '--log-format',
      'json',
    ],
    {
      cwd: repo,
      env: { ...process.env, PPTPKIT_RUN_DIR: runDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const records = collect(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, records, exited, runDir };
}

const logText = (records: Record<string, unknown>[]): string =>
  records.map((r) => JSON.stringify(r)).join('\n');

async function waitListening(server: Server, ms: number): Promise<void> {
  let gone = false;
  void server.exited.then(() => {
    gone = true;
  });
  const end = Date.now() + ms;
  while (!server.records.some((r) => /listening on \S+:1723/.test(String(r['message'])))) {
    if (gone || Date.now() > end) {
      throw new Error(`pptpkit serve did not log 'listening on'; log:\n${logText(server.records)}`);
    }
    await sleep(100);
  }
}

/** Ends the server with `signal` and waits up to `ms` for its exit code; SIGKILL after that. */
async function stopServer(server: Server, ms: number): Promise<number | null | 'timeout'> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill('SIGTERM');
  const code = await Promise.race([server.exited, sleep(ms).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  return code;
}

interface ServeStatus {
  schema: string;
  sessions: {
    id: number;
    peer: string;
    user: string;
    address: string;
    state: string;
    auth: string;
    mppe?: string;
  }[];
}

/** `pptpkit status serve --json` (the control socket is in the server's run directory). */
function serveStatus(runDir: string): Promise<ServeStatus | string> {
  return new Promise((resolve) => {
    execFile(
      cli[0]!,
      [...cli.slice(1), 'status', 'serve', '--json'],
      { cwd: repo, env: { ...process.env, PPTPKIT_RUN_DIR: runDir }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) {
          resolve(`exit ${String(error.code)}: ${stderr}${stdout}`);
          return;
        }
        try {
          resolve(JSON.parse(stdout) as ServeStatus);
        } catch {
          resolve(`not JSON: ${stdout}`);
        }
      },
    );
  });
}

/**
 * The services the client guest's transfers use (`PKL_TRANSFER_DOWN`/`UP` of `lab.sh client`),
 * bound to the server's tunnel address in the namespace: TCP 19 sends the download file and
 * keeps the connection until the client closes it, TCP 9 answers the SHA-256 of everything it
 * read, TCP 7 echoes. Each finished connection is reported on stdout as a JSON line, so the
 * test knows what the namespace end itself sent and received.
 */
const servicesScript = `const net=require('net'),c=require('crypto'),fs=require('fs');
const addr=process.argv[1],down=fs.readFileSync(process.argv[2]);
const say=(o)=>process.stdout.write(JSON.stringify(o)+'\\n');
const listen=(port,handler)=>new Promise((r)=>net.createServer(handler).listen(port,addr,r));
Promise.all([
listen(19,(s)=>{s.on('error',()=>{});s.on('close',()=>say({port:19,sent:s.bytesWritten}));s.write(down);s.resume()}),
listen(9,(s)=>{const h=c.createHash('sha256');let n=0;s.on('error',()=>{});s.on('data',(x)=>{h.update(x);n+=x.length});s.on('end',()=>{const hex=h.digest('hex');say({port:9,bytes:n,sha256:hex});s.end(hex+'  -\\n')})}),
listen(7,(s)=>{s.on('error',()=>{});s.pipe(s)}),
]).then(()=>say({listening:true}));`;

interface Services {
  child: ChildProcess;
  events: Record<string, unknown>[];
}

function startServices(downFile: string): Services {
  const child = spawn(
    'ip',
    ['netns', 'exec', labInfo.netns, 'node', '-e', servicesScript, localIp, downFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const events: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { child, events };
}

/** `key=value` lines of a guest file. */
const keyValues = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

/** Seconds from the client's pppd start to IPCP up, as the client guest measured it. */
const connectSeconds = (): number => Number(keyValues(guestFile('connect.txt'))['seconds']);

describe.skipIf(!labInfo.available)(
  'reference client (pptp-linux + pppd) against pptpkit serve',
  () => {
    let dir = '';
    let downFile = '';
    let upFile = '';
    let upHash = '';
    let services: Services | undefined;
    let nonlocalBind = '';
    const figures: string[] = [];
    /** Connect seconds (client pppd start to IPCP up) per case that passed. */
    const connects = new Map<string, number>();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pptpkit-serve-ref-'));
      for (const name of ['chap-secrets', 'pap-secrets']) {
        writeFileSync(join(dir, name), 'pptpkit pptpd golden-Passw0rd *\n', { mode: 0o600 });
      }
      // pppd's ip-up/ip-down arguments: interface tty speed local remote ipparam.
      mkdirSync(join(dir, 'scripts'));
      for (const hook of ['ip-up', 'ip-down']) {
        const path = join(dir, 'scripts', hook);
        writeFileSync(path, `#!/bin/sh\necho "${hook} $*" >>${join(dir, 'hooks.log')}\n`);
        chmodSync(path, 0o755);
      }
      downFile = join(dir, 'down.bin');
      upFile = join(dir, 'up.bin');
      writeFileSync(downFile, randomBytes(transferBytes));
      const up = randomBytes(transferBytes);
      writeFileSync(upFile, up);
      upHash = createHash('sha256').update(up).digest('hex');
      // The services bind the tunnel address before any server has put it on its TUN (and keep
      // it while the servers of the cases come and go): non-local bind, in the lab namespace only.
      nonlocalBind = (await inNs(['sysctl', '-n', 'net.ipv4.ip_nonlocal_bind'])).stdout.trim();
      expect((await inNs(['sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1'])).code).toBe(0);
      services = startServices(downFile);
      const end = Date.now() + 20_000;
      while (!services.events.some((e) => e['listening'] === true) && Date.now() < end)
        await sleep(100);
      expect(services.events).toContainEqual({ listening: true });
    });

    afterAll(async () => {
      services?.child.kill('SIGTERM');
      if (nonlocalBind !== '')
        await inNs(['sysctl', '-qw', `net.ipv4.ip_nonlocal_bind=${nonlocalBind}`]);
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
      if (figures.length > 0)
        console.info(
          `[interop] pptpkit serve with the reference client:\n  ${figures.join('\n  ')}`,
        );
    });

    it.each(cases)(
      '$name: tunnel, pings, 4 MiB each way, status, clean end, SIGTERM',
      async (c) => {
        const server = startServer(dir, c);
        try {
          await waitListening(server, 30_000);
          const before = services?.events.length ?? 0;
          const session = lab(['client'], {
            PKL_SERVER_ADDR: listenAddress,
            PKL_CLIENT_AUTH: c.auth,
            PKL_CLIENT_MPPE: c.mppe,
            PKL_CLIENT_MPPE_STATEFUL: c.stateful ? '1' : '0',
            PKL_CLIENT_PING_TARGET: localIp,
            PKL_CLIENT_TARGET: localIp,
            PKL_TRANSFER_DOWN: downFile,
            PKL_TRANSFER_UP: upFile,
            PKL_TRANSFER_TIMEOUT: '90',
            // Time to read the status and the routes of an up session if the transfers are quick.
            PKL_HOLD_SECONDS: '2',
          });
          let done = false;
          void session.then(() => {
            done = true;
          });
          // While the client runs: the session as the server reports it once up, and the routes.
          let upStatus: ServeStatus['sessions'][number] | undefined;
          let lastStatus: ServeStatus | string = '';
          let routesUp = '';
          let linksUp = '';
          while (!done && upStatus === undefined) {
            lastStatus = await serveStatus(server.runDir);
            if (typeof lastStatus !== 'string') {
              upStatus = lastStatus.sessions.find((s) => s.state === 'up');
              if (upStatus !== undefined) {
                routesUp = await routes();
                linksUp = (await inNs(['ip', '-o', 'link', 'show', tun])).stdout;
              }
            }
            if (upStatus === undefined) await sleep(300);
          }
          const run = await session;
          const pppd = guestFile('pppd.log');
          const context = `lab.sh client:\n${run.stderr}\nserver log:\n${logText(server.records)}\nclient pppd.log:\n${pppd}`;
          expect(run.code, context).toBe(0);
          expect(run.stderr, context).toContain('reference client session complete');

          // The client's own record of the link.
          expect(pppd).toContain(c.authLine);
          if (c.mppeLine === undefined) expect(pppd).not.toMatch(/MPPE .* enabled/);
          else expect(pppd).toContain(c.mppeLine);
          const address = /local {2}IP address (\S+)/.exec(pppd)?.[1] ?? '';
          expect(address).toMatch(remotePool);
          expect(pppd).toContain(`remote IP address ${localIp}`);
          expect(guestFile('ping.txt')).toMatch(
            /3 packets transmitted, 3 received, 0% packet loss/,
          );
          expect(guestFile('echo.txt').trim()).toBe('pptpkit-lab-echo');

          // The transfers: the guest compared the download with the file byte for byte; the
          // namespace end hashed the upload itself.
          const transfer = keyValues(guestFile('transfer.txt'));
          expect(transfer['down_rc'], guestFile('transfer-down.txt')).toBe('0');
          expect(transfer['up_reply']?.split(' ')[0]).toBe(upHash);
          const got = services?.events.slice(before) ?? [];
          expect(got).toContainEqual({ port: 9, bytes: transferBytes, sha256: upHash });
          expect(got.find((e) => e['port'] === 19)?.['sent']).toBe(transferBytes);

          // The server's view while the session was up, cross-checked with the client's pppd.log.
          expect(
            upStatus,
            `status never showed an up session; last: ${JSON.stringify(lastStatus)}`,
          ).toBeDefined();
          expect(upStatus?.user).toBe('pptpkit');
          expect(upStatus?.address).toBe(address);
          expect(upStatus?.peer).toMatch(/^10\.77\.0\.20:\d+$/);
          expect(upStatus?.auth).toBe(c.statusAuth);
          expect(upStatus?.mppe).toBe(c.statusMppe);
          expect(linksUp).toContain(tun);
          expect(routesUp).toMatch(new RegExp(`^${literal(address)} dev ${tun} `, 'm'));

          // After the client's disconnect: no session, no host route.
          let after: ServeStatus | string = '';
          for (let i = 0; i < 40; i++) {
            after = await serveStatus(server.runDir);
            if (typeof after !== 'string' && after.sessions.length === 0) break;
            await sleep(250);
          }
          expect(typeof after === 'string' ? after : after.sessions).toEqual([]);
          expect(await routes()).not.toContain(`${address} `);
          // The hooks ran once each with pppd's arguments (local and remote are the 4th and 5th).
          const hooks = readFileSync(join(dir, 'hooks.log'), 'utf8').trim().split('\n');
          expect(hooks).toHaveLength(2);
          expect(hooks[0]).toMatch(
            new RegExp(`^ip-up ${tun} \\S* \\d+ ${literal(localIp)} ${literal(address)}\\b`),
          );
          expect(hooks[1]).toMatch(
            new RegExp(`^ip-down ${tun} \\S* \\d+ ${literal(localIp)} ${literal(address)}\\b`),
          );

          // SIGTERM: exit 0, the TUN device gone.
          expect(await stopServer(server, 20_000), logText(server.records)).toBe(0);
          expect((await inNs(['ip', 'link', 'show', tun])).code).not.toBe(0);

          connects.set(c.name, connectSeconds());
          figures.push(
            `${c.name}: connect ${connectSeconds().toFixed(2)} s; 4 MiB down ${transfer['down_seconds']} s, up ${transfer['up_seconds']} s`,
          );
        } finally {
          await stopServer(server, 20_000);
        }
      },
      300_000,
    );

    it('connect time against the lab pptpd (same client, MS-CHAPv2 + MPPE-128 stateless)', async () => {
      const serve = connects.get(cases[0]!.name);
      expect(serve, 'the MS-CHAPv2 + MPPE-128 case did not pass').toBeDefined();
      // The same reference client against the pptpd guest (the lab's default settings).
      const run = await lab(['client']);
      expect(run.code, run.stderr).toBe(0);
      const pptpd = connectSeconds();
      expect(pptpd).toBeGreaterThan(0);
      figures.push(
        `connect time, client pppd start to IPCP up, MS-CHAPv2 + MPPE-128: pptpkit serve ${serve?.toFixed(2)} s, pptpd ${pptpd.toFixed(2)} s`,
      );
    });
  },
);
