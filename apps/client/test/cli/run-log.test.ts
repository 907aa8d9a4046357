import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLogger, runLogLevel } from '../../src/cli/runtime/run-log.js';
import {
  defaultPeerSettings,
  type PeerSettings,
  parsePptpCommand,
} from '../../src/config/index.js';

const at = { file: '/etc/ppp/peers/vpn', line: 1 };
const withPty = (cmd: string, change: Partial<PeerSettings> = {}): PeerSettings => ({
  ...defaultPeerSettings(),
  ...change,
  pptp: { ...parsePptpCommand(cmd, at).options, at },
});

describe('pty "pptp HOST --loglevel N --logstring NAME" on the tunnel log', () => {
  it('--loglevel 0/1/2: warnings only, the default, debug; pppd debug still wins', () => {
    expect(runLogLevel(undefined)).toBe('info');
    expect(runLogLevel(withPty('pptp h --loglevel 0'))).toBe('warn');
    expect(runLogLevel(withPty('pptp h --loglevel 1'))).toBe('info');
    expect(runLogLevel(withPty('pptp h --loglevel 2'))).toBe('debug');
    expect(runLogLevel(withPty('pptp h --loglevel 0', { debug: true }))).toBe('debug');
  });

  it('--logstring: every record carries it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pptpkit-runlog-'));
    try {
      const file = join(dir, 'log');
      const log = runLogger(
        { format: 'json', file, detached: true },
        withPty('pptp h --logstring nm-pptp-service-4242 --loglevel 0'),
      );
      log.info('hidden at --loglevel 0');
      log.warn('shown', { server: 'h' });
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toEqual([
        expect.objectContaining({
          message: 'shown',
          logstring: 'nm-pptp-service-4242',
          server: 'h',
        }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
