import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/parse-args.js';

describe('parseArgs', () => {
  it('parses up with defaults and with every flag', () => {
    expect(parseArgs(['up', 'PAL'])).toEqual({
      command: 'up',
      peer: 'PAL',
      peersDir: '/etc/ppp/peers',
      secrets: '/etc/ppp/chap-secrets',
      papSecrets: '/etc/ppp/pap-secrets',
      background: false,
      logFormat: 'text',
      lenient: false,
    });
    expect(
      parseArgs([
        'up',
        '--peers-dir',
        '/tmp/peers',
        'PAL',
        '--secrets=/tmp/s',
        '--pap-secrets',
        '/tmp/p',
        '--background',
        '--log-format',
        'json',
        '--lenient',
      ]),
    ).toEqual({
      command: 'up',
      peer: 'PAL',
      peersDir: '/tmp/peers',
      secrets: '/tmp/s',
      papSecrets: '/tmp/p',
      background: true,
      logFormat: 'json',
      lenient: true,
    });
  });

  it('parses down, status, log, help and version', () => {
    expect(parseArgs(['down', 'PAL'])).toEqual({ command: 'down', peer: 'PAL' });
    expect(parseArgs(['status'])).toEqual({ command: 'status', json: false });
    expect(parseArgs(['status', 'PAL', '--json'])).toEqual({
      command: 'status',
      peer: 'PAL',
      json: true,
    });
    expect(parseArgs(['log', '--lines', '10'])).toEqual({ command: 'log', lines: 10 });
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it('rejects what it cannot run with a UsageError that says why', () => {
    const bad: [string[], RegExp][] = [
      [['up'], /which peer/],
      [['up', 'a', 'b'], /one peer/],
      [['up', 'a', '--log-format', 'xml'], /text or json/],
      [['up', 'a', '--secrets'], /needs a value/],
      [['down', 'a', '--json'], /unknown option --json/],
      [['log', '--lines', '0'], /positive/],
      [['status', '--json=yes'], /takes no value/],
      [['restart'], /unknown command 'restart'/],
      [['up', 'a', '-x'], /up: unknown option -x/],
      [['--bogus'], /^unknown option --bogus$/],
      [['up', 'a', '--pap-secrets'], /--pap-secrets needs a value/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(message);
    }
  });
});
