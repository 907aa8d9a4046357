import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  cli,
  inNs,
  links,
  netns,
  reachable,
  routes,
  serverTunnel,
  target,
  tcpEcho,
  up,
  waitFor,
} from './client-harness.js';
import { lab } from './lab.js';

const labInfo = inject('lab');
if (!labInfo.available) console.warn(`[interop] pptpkit client tests skipped: ${labInfo.reason}`);

describe.skipIf(!labInfo.available)('pptpkit client against the real pptpd', () => {
  let dir = '';
  let secrets = '';
  let routesBefore = '';
  let linksBefore = '';

  beforeAll(async () => {
    if ((await inNs(['ping', '-V'])).code !== 0) {
      throw new Error('ping is missing: apt-get install -y iputils-ping');
    }
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-interop-'));
    // The seed guide's files, unchanged but for the server and login (options.pptp asks for
    // `require-mppe mppe-stateful`: the stock server keeps stateless), plus `defaultroute` so the
    // target network behind the server is reached through the tunnel.
    writeFileSync(
      join(dir, 'options.pptp'),
      'lock noauth nobsdcomp nodeflate require-mppe mppe-stateful\n',
    );
    const peers = join(dir, 'peers');
    mkdirSync(peers);
    writeFileSync(
      join(peers, 'lab'),
      `pty "pptp 10.77.0.10 --nolaunchpppd" name pptpkit remotename PPTP require-chap file ${join(dir, 'options.pptp')} ipparam tunnel\ndefaultroute\n`,
    );
    secrets = join(dir, 'chap-secrets');
    writeFileSync(
      secrets,
      '# client server secret IP addresses\npptpkit PPTP golden-Passw0rd *\nPPTP pptpkit golden-Passw0rd *\n',
      { mode: 0o600 },
    );
    routesBefore = await routes();
    linksBefore = await links();
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('brings the tunnel up (MS-CHAPv2, MPPE-128 stateless), pings and echoes TCP through it, and SIGINT restores the host', async () => {
    const started = Date.now();
    const t = up(dir, secrets);
    const upRecord = await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    const upSeconds = (Date.now() - started) / 1000;
    expect(upRecord['local']).toMatch(/^192\.168\.77\.1\d$/);
    expect(upRecord['remote']).toBe(serverTunnel);
    const network = t.records.find((r) => r['message'] === 'network layer up');
    expect(network?.['encryption']).toBe('MPPE 128-bit stateless');
    expect(
      t.records.some((r) => r['message'] === 'authenticated' && r['method'] === 'MS-CHAPv2'),
    ).toBe(true);

    // pppd configures its side (ppp unit, MPPE in the kernel) just after IPCP opens: the first
    // packet can arrive before that. Wait for one answer (bounded), then expect no loss.
    let firstAnswer = Number.NaN;
    for (let i = 0; i < 20 && Number.isNaN(firstAnswer); i++) {
      if ((await inNs(['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0) {
        firstAnswer = (Date.now() - started) / 1000;
      }
    }
    expect(firstAnswer).not.toBeNaN();
    const ping = await inNs(['ping', '-c', '3', '-i', '0.3', '-W', '2', serverTunnel]);
    expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
    const rtt = /rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)/.exec(ping.stdout)?.[1];
    const pingTarget = await inNs(['ping', '-c', '3', '-i', '0.3', '-W', '2', target]);
    expect(pingTarget.stdout).toMatch(/3 packets transmitted, 3 received/);
    expect(await tcpEcho(32 * 1024)).toBe(true);

    const status = await inNs([...cli, 'status', 'lab', '--json'], {
      PPTPKIT_RUN_DIR: join(dir, 'run'),
    });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as {
      state: string;
      mppe: unknown;
      data: Record<string, number>;
      gre: Record<string, number>;
    };
    expect(s.state).toBe('up');
    expect(s.mppe).toEqual({ keyBits: 128, stateless: true, mppc: false });
    expect(s.data['txPackets']).toBeGreaterThanOrEqual(7);
    expect(s.data['rxPackets']).toBeGreaterThanOrEqual(7);
    expect(s.gre['received']).toBeGreaterThan(0);
    console.info(
      `[interop] pptpkit up in ${upSeconds.toFixed(2)} s, first ping answer after ${firstAnswer.toFixed(2)} s, ping RTT avg ${rtt} ms`,
    );

    t.child.kill('SIGINT');
    expect(await t.exited).toBe(5);
    expect(t.records.some((r) => r['message'] === 'host restored')).toBe(true);
    expect(await routes()).toBe(routesBefore);
    expect(await links()).toBe(linksBefore);
    expect(
      readdirSync(join(dir, 'run')).filter((f) => f.endsWith('.journal') || f.endsWith('.sock')),
    ).toEqual([]);
  });

  it('`pptpkit down` ends a running tunnel in order and leaves the routing table as it was', async () => {
    const t = up(dir, secrets);
    await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    const down = await inNs([...cli, 'down', 'lab'], { PPTPKIT_RUN_DIR: join(dir, 'run') });
    expect(down.stdout).toContain('lab: down');
    expect(down.code).toBe(0);
    expect(await t.exited).toBe(0);
    expect(
      t.records.some(
        (r) =>
          r['message'] === 'call cleared' ||
          r['message'] === 'control connection closed' ||
          r['message'] === 'ended',
      ),
    ).toBe(true);
    expect(await routes()).toBe(routesBefore);
    expect(existsSync(join(dir, 'run', 'lab.sock'))).toBe(false);
  });

  it('a wrong password exits with the auth-failed status (19) and the server’s message', async () => {
    const wrong = join(dir, 'wrong-secrets');
    writeFileSync(wrong, 'pptpkit * not-the-password *\n', { mode: 0o600 });
    const t = up(dir, wrong);
    expect(await t.exited).toBe(19);
    const failed = t.records.find((r) => r['message'] === 'link down');
    expect(String(failed?.['reason'])).toMatch(/authenticat/i);
    // pppd's MS-CHAPv2 Failure packet: E=691 (RFC 2759 §6, authentication failure).
    expect(t.records.find((r) => r['message'] === 'authentication failed')).toMatchObject({
      serverError: 691,
    });
    expect(JSON.stringify(t.records)).not.toContain('not-the-password');
    expect(await routes()).toBe(routesBefore);
  });

  it.each<{
    name: string;
    env: Record<string, string>;
    peer: string;
    method: string;
    mode: string;
  }>([
    {
      name: 'MS-CHAPv2 + MPPE-40',
      env: { PKL_AUTH: 'mschap-v2', PKL_MPPE: '40' },
      peer: 'require-mppe-40',
      method: 'MS-CHAPv2',
      mode: 'MPPE 40-bit stateless',
    },
    {
      name: 'MS-CHAPv1 + MPPE-128',
      env: { PKL_AUTH: 'mschap', PKL_MPPE: '128' },
      peer: 'require-mppe-128\nrefuse-mschap-v2',
      method: 'MS-CHAP',
      mode: 'MPPE 128-bit stateless',
    },
    {
      name: 'CHAP-MD5 without MPPE (nomppe)',
      env: { PKL_AUTH: 'chap', PKL_MPPE: 'none' },
      peer: 'nomppe',
      method: 'CHAP-MD5',
      mode: 'none',
    },
    {
      // pppd 2.4.9's `require-eap` server runs EAP-MD5 (RFC 3748 §5.4): no MPPE keys.
      name: 'EAP-MD5 without MPPE (require-eap)',
      env: { PKL_AUTH: 'eap', PKL_MPPE: 'none' },
      peer: 'nomppe',
      method: 'EAP',
      mode: 'none',
    },
    {
      name: 'MS-CHAPv2 + MPPE-128 stateful (server with mppe-stateful)',
      env: { PKL_MPPE_STATEFUL: '1' },
      peer: 'require-mppe-128\nmppe-stateful-prefer\ndefaultroute',
      method: 'MS-CHAPv2',
      mode: 'MPPE 128-bit stateful',
    },
  ])(
    'lab restarted for $name: the tunnel runs $method with $mode and pings through it',
    async ({ env, peer, method, mode }) => {
      expect((await lab(['stop'])).code).toBe(0);
      try {
        expect((await lab(['start'], env)).code).toBe(0);
        writeFileSync(
          join(dir, 'peers', 'variant'),
          `pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nremotename PPTP\n${peer}\n`,
        );
        const { child, records, exited } = up(dir, secrets, 'variant');
        await waitFor(records, 'tunnel up', exited, 30_000);
        expect(records.find((r) => r['message'] === 'authenticated')?.['method']).toBe(method);
        expect(records.find((r) => r['message'] === 'network layer up')?.['encryption']).toBe(mode);
        let answered = false;
        for (let i = 0; i < 20 && !answered; i++) {
          answered = (await inNs(['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
        }
        const ping = await inNs(['ping', '-c', '3', '-i', '0.3', '-W', '2', serverTunnel]);
        expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
        if (peer.includes('defaultroute')) expect(await tcpEcho(32 * 1024)).toBe(true);
        child.kill('SIGINT');
        expect(await exited).toBe(5);
        expect(await routes()).toBe(routesBefore);
      } finally {
        // Leave the lab as the global set-up started it, for the files that follow.
        await lab(['stop']);
        expect((await lab(['start'])).code).toBe(0);
      }
    },
  );

  /** Writes a peer file `name` for the lab server with the given extra lines. */
  const peerFile = (name: string, lines: string): void =>
    writeFileSync(
      join(dir, 'peers', name),
      `pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nremotename PPTP\n${lines}\n`,
    );

  it('defaultroute-split: 0.0.0.0/1 and 128.0.0.0/1 through the tunnel, the server pinned, the table as before after', async () => {
    peerFile('split', 'defaultroute-split');
    const t = up(dir, secrets, 'split');
    const upRecord = await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    const iface = String(upRecord['interface']);
    const table = (await inNs(['ip', '-4', 'route', 'show'])).stdout;
    expect(table).toMatch(new RegExp(`^0\\.0\\.0\\.0/1 dev ${iface}\\b`, 'm'));
    expect(table).toMatch(new RegExp(`^128\\.0\\.0\\.0/1 dev ${iface}\\b`, 'm'));
    // The pinned host route keeps GRE and the control connection out of the tunnel.
    expect(table).toMatch(/^10\.77\.0\.10 dev pklbr0\b/m);
    expect((await inNs(['ip', '-4', 'route', 'get', target])).stdout).toContain(`dev ${iface}`);
    expect(await reachable(target)).toBe(true);
    const ping = await inNs(['ping', '-c', '3', '-i', '0.3', '-W', '2', target]);
    expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
    const down = await inNs([...cli, 'down', 'split'], { PPTPKIT_RUN_DIR: join(dir, 'run') });
    expect(down.code).toBe(0);
    expect(await t.exited).toBe(0);
    expect(await routes()).toBe(routesBefore);
  });

  it('persist: a server that vanishes silently is detected by LCP echoes, and the client reconnects by itself when it is back', async () => {
    // `lab.sh stop` deletes the namespace (the client would be left in an orphaned one and a new
    // `start` makes a different namespace), so the server vanishes by unplugging its TAP from
    // the lab bridge: no FIN, no Terminate, no ICMP — silence, as a dead peer.
    peerFile(
      'persist',
      'defaultroute\npersist\nholdoff 1\nmaxfail 0\nlcp-echo-interval 1\nlcp-echo-failure 3',
    );
    const t = up(dir, secrets, 'persist');
    let plugged = true;
    try {
      await waitFor(t.records, 'tunnel up', t.exited, 30_000);
      expect(await reachable(serverTunnel)).toBe(true);
      expect((await inNs(['ip', 'link', 'set', 'pkltap0', 'nomaster'])).code).toBe(0);
      plugged = false;
      const unplugged = Date.now();
      const down = await waitFor(t.records, 'link down', t.exited, 30_000);
      expect(down['code']).toBe('PPP_ECHO_TIMEOUT');
      const detected = (Date.now() - unplugged) / 1000;
      await waitFor(t.records, 'reconnecting', t.exited, 60_000);
      // At least one attempt fails while the server is away (connect timeout or unreachable).
      await waitFor(t.records, 'reconnecting', t.exited, 60_000, 2);
      expect(t.records.filter((r) => r['message'] === 'tunnel up')).toHaveLength(1);
      expect((await inNs(['ip', 'link', 'set', 'pkltap0', 'master', 'pklbr0'])).code).toBe(0);
      plugged = true;
      const replugged = Date.now();
      await waitFor(t.records, 'tunnel up', t.exited, 90_000, 2);
      console.info(
        `[interop] dead peer detected after ${detected.toFixed(1)} s; back up ${((Date.now() - replugged) / 1000).toFixed(1)} s after the server returned; ${JSON.stringify(down)}`,
      );
      expect(await reachable(serverTunnel)).toBe(true);
      const ping = await inNs(['ping', '-c', '3', '-i', '0.3', '-W', '2', serverTunnel]);
      expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
      t.child.kill('SIGINT');
      expect(await t.exited).toBe(5);
      expect(await routes()).toBe(routesBefore);
    } finally {
      if (!plugged) await inNs(['ip', 'link', 'set', 'pkltap0', 'master', 'pklbr0']);
      if (t.child.exitCode === null) {
        t.child.kill('SIGINT');
        await t.exited;
      }
    }
  });

  it('usepeerdns: the server’s DNS in the namespace’s resolv.conf while up; `pptpkit down` puts it back byte for byte', async () => {
    // `ip netns exec NS` bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf for the
    // processes it starts (the client included): the real /etc/resolv.conf is never touched.
    const etcNetns = '/etc/netns';
    const nsDir = join(etcNetns, netns);
    const nsResolv = join(nsDir, 'resolv.conf');
    const createdEtcNetns = !existsSync(etcNetns);
    const createdNsDir = !existsSync(nsDir);
    expect(existsSync(nsResolv)).toBe(false);
    const hostResolvBefore = existsSync('/etc/resolv.conf')
      ? readFileSync('/etc/resolv.conf')
      : null;
    const known = Buffer.from(
      '# pptpkit interop: the lab namespace\u2019s resolv.conf\nsearch lab.example\nnameserver 10.77.0.1\noptions ndots:2\n',
    );
    expect((await lab(['stop'])).code).toBe(0);
    try {
      expect((await lab(['start'], { PKL_DNS: '10.78.0.53 10.78.0.54' })).code).toBe(0);
      mkdirSync(nsDir, { recursive: true });
      writeFileSync(nsResolv, known, { mode: 0o640 });
      const routesBeforeDns = await routes();
      // The bind mount works for processes started in the namespace.
      expect((await inNs(['cat', '/etc/resolv.conf'])).stdout).toBe(known.toString());
      peerFile('dns', 'defaultroute\nusepeerdns');
      const t = up(dir, secrets, 'dns');
      await waitFor(t.records, 'tunnel up', t.exited, 30_000);
      expect(t.records.find((r) => r['message'] === 'DNS from the server')).toMatchObject({
        dns: ['10.78.0.53', '10.78.0.54'],
        file: '/etc/resolv.conf',
      });
      const view = (await inNs(['cat', '/etc/resolv.conf'])).stdout;
      expect(view).toMatch(/^nameserver 10\.78\.0\.53$/m);
      expect(view).toMatch(/^nameserver 10\.78\.0\.54$/m);
      expect(view).toMatch(/^search lab\.example$/m);
      expect(view).not.toContain('nameserver 10.77.0.1');
      const down = await inNs([...cli, 'down', 'dns'], { PPTPKIT_RUN_DIR: join(dir, 'run') });
      expect(down.code).toBe(0);
      expect(await t.exited).toBe(0);
      expect(readFileSync(nsResolv).equals(known)).toBe(true);
      expect(statSync(nsResolv).mode & 0o7777).toBe(0o640);
      expect((await inNs(['cat', '/etc/resolv.conf'])).stdout).toBe(known.toString());
      expect(await routes()).toBe(routesBeforeDns);
      const hostResolvAfter = existsSync('/etc/resolv.conf')
        ? readFileSync('/etc/resolv.conf')
        : null;
      expect(hostResolvAfter).toEqual(hostResolvBefore);
    } finally {
      rmSync(nsResolv, { force: true });
      if (createdNsDir) rmdirSync(nsDir);
      if (createdEtcNetns && readdirSync(etcNetns).length === 0) rmdirSync(etcNetns);
      await lab(['stop']);
      expect((await lab(['start'])).code).toBe(0);
    }
  });

  it('mppc against pppd (kernel MPPE has no MPPC): C is dropped and the tunnel runs MPPE-128 alone', async () => {
    peerFile('mppc', 'require-mppe-128\nmppc\ndebug');
    const t = up(dir, secrets, 'mppc');
    await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    // Our first CCP Configure-Request carried C; the server's answer took it away.
    const ccpSent = t.records
      .filter((r) => r['message'] === 'ppp sent' && String(r['frame']).startsWith('CCP ConfReq'))
      .map((r) => String(r['frame']));
    expect(ccpSent.length).toBeGreaterThanOrEqual(2);
    expect(t.records.find((r) => r['message'] === 'network layer up')?.['encryption']).toBe(
      'MPPE 128-bit stateless',
    );
    let answered = false;
    for (let i = 0; i < 20 && !answered; i++) {
      answered = (await inNs(['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
    }
    expect(answered).toBe(true);
    t.child.kill('SIGINT');
    expect(await t.exited).toBe(5);
    expect(await routes()).toBe(routesBefore);
  });

  it('56-bit MPPE offered to pppd (which has none): 56 and 128 end in MPPE-128, 56 alone fails (exit 10)', async () => {
    // pppd 2.4.9's ccp.c Naks the M bit away (MPPE_OPT_56 is among its unsupported bits).
    peerFile('mppe56', 'require-mppe-56\nrequire-mppe-128\ndebug');
    const t = up(dir, secrets, 'mppe56');
    await waitFor(t.records, 'tunnel up', t.exited, 30_000);
    const ccpSent = t.records
      .filter((r) => r['message'] === 'ppp sent' && String(r['frame']).startsWith('CCP ConfReq'))
      .map((r) => String(r['frame']));
    expect(ccpSent.length).toBeGreaterThanOrEqual(2);
    expect(t.records.find((r) => r['message'] === 'network layer up')?.['encryption']).toBe(
      'MPPE 128-bit stateless',
    );
    let answered = false;
    for (let i = 0; i < 20 && !answered; i++) {
      answered = (await inNs(['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
    }
    expect(answered).toBe(true);
    t.child.kill('SIGINT');
    expect(await t.exited).toBe(5);
    expect(await routes()).toBe(routesBefore);

    peerFile('only56', 'require-mppe-56');
    const only = up(dir, secrets, 'only56');
    expect(await only.exited).toBe(10);
    const reason = only.records.find((r) => r['message'] === 'link down');
    console.info(`[interop] 56-bit alone against pppd: ${JSON.stringify(reason)}`);
    expect(String(reason?.['reason'])).toMatch(/MPPE/);
    expect(only.records.some((r) => r['message'] === 'tunnel up')).toBe(false);
    expect(await routes()).toBe(routesBefore);
  });

  it('a server address nobody answers on (no host at 10.77.0.30): exit 8 (unreachable), host restored', async () => {
    writeFileSync(
      join(dir, 'peers', 'nobody'),
      'pty "pptp 10.77.0.30 --nolaunchpppd"\nname pptpkit\nremotename PPTP\n',
    );
    const started = Date.now();
    const t = up(dir, secrets, 'nobody');
    expect(await t.exited).toBe(8);
    const seconds = (Date.now() - started) / 1000;
    expect(JSON.stringify(t.records)).toMatch(/cannot reach 10\.77\.0\.30:1723/);
    console.info(`[interop] unreachable server reported after ${seconds.toFixed(1)} s`);
    expect(await routes()).toBe(routesBefore);
  });

  it('after a crash (SIGKILL) the next `pptpkit up` undoes what the journal lists first, then comes up', async () => {
    const first = up(dir, secrets);
    await waitFor(first.records, 'tunnel up', first.exited, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    // The TUN went with the process (and the routes through it); the pinned route to the
    // server did not.
    const left = await routes();
    expect(left).not.toBe(routesBefore);
    expect(left).toMatch(/10\.77\.0\.10 dev pklbr0/);
    const second = up(dir, secrets);
    await waitFor(second.records, 'tunnel up', second.exited, 30_000);
    expect(
      second.records.some((r) => r['message'] === 'undoing host changes left by an earlier run'),
    ).toBe(true);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(5);
    expect(await routes()).toBe(routesBefore);
    expect(await links()).toBe(linksBefore);
  });

  it('updetach in the peer file: `pptpkit up` returns once up; status, log and down reach the background tunnel', async () => {
    peerFile('bg', 'require-mppe-128\nupdetach\ndefaultroute');
    const env = { PPTPKIT_RUN_DIR: join(dir, 'run') };
    const upRun = await inNs(
      [...cli, 'up', 'bg', '--peers-dir', join(dir, 'peers'), '--secrets', secrets],
      env,
      60_000,
    );
    expect(upRun.code).toBe(0);
    expect(upRun.stdout).toMatch(/tunnel up; it runs in the background \(pid \d+\)/);
    const status = await inNs([...cli, 'status', 'bg', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'up', auth: 'MS-CHAPv2' });
    const log = await inNs([...cli, 'log', 'bg'], env);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/tunnel up/);
    expect(log.stdout).not.toContain('golden-Passw0rd');
    const down = await inNs([...cli, 'down', 'bg'], env);
    expect(down.code).toBe(0);
    expect(await routes()).toBe(routesBefore);
    expect(await links()).toBe(linksBefore);
  });

  it('PAP without MPPE takes its secret from pap-secrets (chap-secrets holds a wrong one)', async () => {
    expect((await lab(['stop'])).code).toBe(0);
    try {
      expect((await lab(['start'], { PKL_AUTH: 'pap', PKL_MPPE: 'none' })).code).toBe(0);
      const chap = join(dir, 'chap-wrong');
      writeFileSync(chap, 'pptpkit * not-the-password *\n', { mode: 0o600 });
      const pap = join(dir, 'pap-secrets');
      writeFileSync(pap, 'pptpkit * golden-Passw0rd *\n', { mode: 0o600 });
      peerFile('pap', 'nomppe\nrefuse-eap');
      const t = up(dir, chap, 'pap', ['--pap-secrets', pap]);
      await waitFor(t.records, 'tunnel up', t.exited, 30_000);
      expect(t.records.find((r) => r['message'] === 'authenticated')?.['method']).toBe('PAP');
      expect(t.records.find((r) => r['message'] === 'network layer up')?.['encryption']).toBe(
        'none',
      );
      let answered = false;
      for (let i = 0; i < 20 && !answered; i++) {
        answered = (await inNs(['ping', '-c', '1', '-W', '1', serverTunnel])).code === 0;
      }
      expect(answered).toBe(true);
      expect(JSON.stringify(t.records)).not.toContain('golden-Passw0rd');
      t.child.kill('SIGINT');
      expect(await t.exited).toBe(5);
      expect(await routes()).toBe(routesBefore);
    } finally {
      await lab(['stop']);
      expect((await lab(['start'])).code).toBe(0);
    }
  });

  it('a server that refuses MPPE (pptpd nomppe) while we require it: exit 10 naming MPPE, host restored', async () => {
    expect((await lab(['stop'])).code).toBe(0);
    try {
      expect((await lab(['start'], { PKL_MPPE: 'none' })).code).toBe(0);
      const routesBeforeNoMppe = await routes();
      peerFile('nomppe', 'require-mppe-128\ndefaultroute');
      const t = up(dir, secrets, 'nomppe');
      expect(await t.exited).toBe(10);
      const reason = t.records.find((r) => r['message'] === 'link down');
      expect(reason?.['code']).toBe('PPP_MPPE_REQUIRED');
      expect(String(reason?.['reason'])).toMatch(/MPPE/);
      console.info(`[interop] MPPE refused by the server: ${JSON.stringify(reason)}`);
      expect(t.records.some((r) => r['message'] === 'tunnel up')).toBe(false);
      expect(await routes()).toBe(routesBeforeNoMppe);
      expect(await links()).toBe(linksBefore);
    } finally {
      await lab(['stop']);
      expect((await lab(['start'])).code).toBe(0);
    }
  });
});
