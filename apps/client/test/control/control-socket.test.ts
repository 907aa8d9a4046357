import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askControl, requestControl } from '../../src/control/control-client.js';
import { startControlServer } from '../../src/control/control-server.js';
import { runPaths } from '../../src/control/paths.js';
import { formatStatus, statusLines } from '../../src/control/status-format.js';
import { EXIT } from '../../src/exit-codes.js';
import { createLogger } from '../../src/log/logger.js';

const log = createLogger({
  format: 'text',
  level: 'error',
  write: () => undefined,
  clock: () => new Date(0),
});

const status = {
  peer: 'lab',
  state: 'up',
  server: '10.77.0.10',
  interface: 'ppp0',
  local: '192.168.77.10',
  remote: '192.168.77.1',
  mtu: 1496,
  auth: 'MS-CHAPv2',
  mppe: { keyBits: 128, stateless: true, mppc: false },
  uptimeMs: 4200,
  data: { txPackets: 3, txBytes: 252, rxPackets: 3, rxBytes: 252 },
  gre: { reordered: 0, lost: 1, duplicates: 0, retransmits: 2 },
  reorder: { policy: 'sequence', ms: 4.6875, depth: 3 },
};

function sink(): { write(s: string): void; text: string } {
  return {
    text: '',
    write(s: string) {
      this.text += s;
    },
  };
}

describe('the per-tunnel control socket', () => {
  let dir = '';
  const saved = process.env['PPTPKIT_RUN_DIR'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-ctl-'));
    process.env['PPTPKIT_RUN_DIR'] = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['PPTPKIT_RUN_DIR'];
    else process.env['PPTPKIT_RUN_DIR'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers status and down, and `pptpkit down` waits for the socket to go away', async () => {
    const paths = runPaths('lab');
    let downs = 0;
    const server = await startControlServer(paths.socket, {
      status: () => status,
      down: () => {
        downs++;
        // The tunnel tears down, then closes its control socket.
        setTimeout(() => void server.close(), 50);
      },
      log,
    });
    expect(await askControl(paths.socket, 'status')).toEqual({ ok: true, status });

    const json = sink();
    expect(await formatStatus('lab', true, json)).toBe(EXIT.ok);
    expect(JSON.parse(json.text)).toEqual(status);
    const all = sink();
    expect(await formatStatus(undefined, true, all)).toBe(EXIT.ok);
    expect(JSON.parse(all.text)).toEqual([status]);

    const out = sink();
    expect(await requestControl('lab', 'down', { out, err: out })).toBe(EXIT.ok);
    expect(downs).toBe(1);
    expect(out.text).toBe('lab: down\n');
    expect(existsSync(paths.socket)).toBe(false);
  });

  it('reports a tunnel that is not running with the fatal status', async () => {
    const out = sink();
    expect(await requestControl('nope', 'down', { out, err: out })).toBe(EXIT.fatal);
    expect(out.text).toContain('no tunnel nope is running');
    const st = sink();
    expect(await formatStatus('nope', false, st)).toBe(EXIT.fatal);
    expect(st.text).toBe('nope: not running\n');
  });

  it('rejects malformed requests without stopping the tunnel', async () => {
    const paths = runPaths('lab');
    let downs = 0;
    const server = await startControlServer(paths.socket, {
      status: () => status,
      down: () => downs++,
      log,
    });
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const s = connect(paths.socket, () => s.write('not json\n'));
      let text = '';
      s.setEncoding('utf8').on('data', (c: string) => {
        text += c;
      });
      s.on('end', () => resolve(text));
    });
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'bad request' });
    expect(downs).toBe(0);
    await server.close();
  });
});

describe('statusLines', () => {
  it('shows addresses, modes and counters', () => {
    expect(statusLines(status)).toEqual([
      'lab: up (server 10.77.0.10)',
      '  interface: ppp0',
      '  addresses: 192.168.77.10 -> 192.168.77.1',
      '  mtu: 1496',
      '  auth: MS-CHAPv2',
      '  encryption: MPPE 128-bit stateless',
      '  uptime: 4 s',
      '  sent: 3 packets, 252 B',
      '  received: 3 packets, 252 B',
      '  gre: reordered 0, lost 1, duplicates 0, resent 2',
      '  reorder: in sequence, a gap waited for 4.7 ms or 3 packets',
    ]);
  });
});
