import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';

const capture = (format: 'text' | 'json', level: 'debug' | 'info' = 'info') => {
  const lines: string[] = [];
  const log = createLogger({
    format,
    level,
    write: (l) => lines.push(l),
    clock: () => new Date(Date.UTC(2026, 10, 24, 1, 2, 3, 4)),
  });
  return { log, lines };
};

describe('createLogger', () => {
  it('writes text lines with quoted values where needed and honours the level', () => {
    const { log, lines } = capture('text');
    log.debug('hidden');
    log.info('tunnel up', { local: '192.168.0.10', mppe: 'MPPE 128-bit stateless' });
    expect(lines).toEqual([
      '2026-11-24T01:02:03.004Z info tunnel up local=192.168.0.10 mppe="MPPE 128-bit stateless"',
    ]);
  });

  it('writes JSON lines', () => {
    const { log, lines } = capture('json', 'debug');
    log.warn('echo lost', { missed: 2 });
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-11-24T01:02:03.004Z',
      level: 'warn',
      message: 'echo lost',
      missed: 2,
    });
  });

  it('never writes secrets or raw bytes, whatever the format', () => {
    for (const format of ['text', 'json'] as const) {
      const { log, lines } = capture(format);
      log.error('auth', {
        code: 'PPP_AUTH_FAILED',
        password: 'hunter2',
        ntPasswordHash: 'deadbeef',
        sendKey: 'k3y',
        ntResponse: 'r3sp',
        challenge: Uint8Array.of(1, 2, 3),
        user: 'alice',
      });
      const out = lines.join('\n');
      for (const secret of ['hunter2', 'deadbeef', 'k3y', 'r3sp'])
        expect(out).not.toContain(secret);
      expect(out).toContain('alice');
      expect(out).toContain('<3 bytes>');
    }
  });
});
