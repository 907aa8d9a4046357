import { describe, expect, it } from 'vitest';
import { runLogLevel, withLogString } from '../../src/cli/runtime/pty-log-options.js';
import {
  defaultPeerSettings,
  type PeerSettings,
  parsePptpCommand,
} from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';

const at = { file: '/etc/ppp/peers/vpn', line: 1 };
const withPty = (cmd: string, change: Partial<PeerSettings> = {}): PeerSettings => ({
  ...defaultPeerSettings(),
  ...change,
  pptp: { ...parsePptpCommand(cmd, at).options, at },
});

describe('pty "pptp HOST --loglevel N --logstring NAME" on the tunnel log', () => {
  it('--loglevel 0/1/2: warnings only, the default, debug; pppd debug still wins', () => {
    expect(runLogLevel(undefined)).toBe('info');
    expect(runLogLevel(withPty('pptp h'))).toBe('info');
    expect(runLogLevel(withPty('pptp h --loglevel 0'))).toBe('warn');
    expect(runLogLevel(withPty('pptp h --loglevel 1'))).toBe('info');
    expect(runLogLevel(withPty('pptp h --loglevel 2'))).toBe('debug');
    expect(runLogLevel(withPty('pptp h --loglevel 0', { debug: true }))).toBe('debug');
  });

  it('--logstring: every record carries it; without it the logger is unchanged', () => {
    const lines: string[] = [];
    const settings = withPty('pptp h --logstring nm-pptp-service-4242 --loglevel 0');
    const base = createLogger({
      format: 'json',
      level: runLogLevel(settings),
      write: (l) => lines.push(l),
      clock: () => new Date(0),
    });
    const log = withLogString(base, settings);
    log.info('hidden at --loglevel 0');
    log.warn('shown', { server: 'h' });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({ message: 'shown', logstring: 'nm-pptp-service-4242', server: 'h' }),
    ]);
    expect(withLogString(base, withPty('pptp h'))).toBe(base);
  });
});
