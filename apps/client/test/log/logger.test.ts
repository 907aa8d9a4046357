import { describe, expect, it } from 'vitest';
import { createLogger, teeLogger } from '../../src/log/logger.js';

const capture = (
  format: 'text' | 'json',
  level: 'debug' | 'info' = 'info',
  stamp: 'time' | 'journal' | 'none' = 'time',
) => {
  const lines: string[] = [];
  const log = createLogger({
    format,
    level,
    write: (l) => lines.push(l),
    clock: () => new Date(Date.UTC(2026, 10, 24, 1, 2, 3, 4)),
    stamp,
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

  it('error lines carry their code first, in text and JSON; error() without a code does not compile', () => {
    const text = capture('text');
    text.log.error('cannot read it', { file: '/etc/ppp/peers/x', code: 'CONFIG_UNREADABLE' });
    expect(text.lines).toEqual([
      '2026-11-24T01:02:03.004Z error cannot read it code=CONFIG_UNREADABLE file=/etc/ppp/peers/x',
    ]);
    const json = capture('json');
    json.log.error('cannot read it', { code: 'CONFIG_UNREADABLE' });
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: 'error', code: 'CONFIG_UNREADABLE' });
    // @ts-expect-error: an error line must name its code (the typecheck fails if it need not).
    json.log.error('no code');
  });

  it('for the journal: sd-daemon priorities <3> <4> <6> <7>, no timestamp of our own', () => {
    const text = capture('text', 'debug', 'journal');
    text.log.error('e', { code: 'X' });
    text.log.warn('w');
    text.log.info('i', { a: 1 });
    text.log.debug('d');
    expect(text.lines).toEqual(['<3>error e code=X', '<4>warn w', '<6>info i a=1', '<7>debug d']);
    const json = capture('json', 'debug', 'journal');
    json.log.error('e', { code: 'X' });
    json.log.debug('d');
    expect(json.lines[0]).toMatch(/^<3>\{/);
    expect(JSON.parse(json.lines[0]!.slice(3))).toEqual({
      level: 'error',
      message: 'e',
      code: 'X',
    });
    expect(JSON.parse(json.lines[1]!.slice(3))).toEqual({ level: 'debug', message: 'd' });
    expect(json.lines[1]!.startsWith('<7>')).toBe(true);
  });
});

describe('createLogger for syslog', () => {
  it('writes bare lines: no timestamp, no priority prefix (syslog adds both)', () => {
    const text = capture('text', 'info', 'none');
    text.log.error('e', { code: 'X' });
    text.log.info('i', { a: 1 });
    expect(text.lines).toEqual(['error e code=X', 'info i a=1']);
  });
});

describe('teeLogger', () => {
  it('writes each record through every logger, each at its own level', () => {
    const a = capture('text', 'debug');
    const b = capture('text', 'info');
    const both = teeLogger(a.log, b.log);
    both.debug('d');
    both.error('e', { code: 'X' });
    expect(a.lines.map((l) => l.slice(25))).toEqual(['debug d', 'error e code=X']);
    expect(b.lines.map((l) => l.slice(25))).toEqual(['error e code=X']);
  });
});
