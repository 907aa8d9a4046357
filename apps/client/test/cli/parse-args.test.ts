import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/parse-args.js';
import { COMMAND_SPECS } from '../../src/cli/spec/command-spec.js';

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
      syslog: false,
      lenient: false,
      extraOptions: [],
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
        '--syslog',
      ]),
    ).toEqual({
      command: 'up',
      peer: 'PAL',
      peersDir: '/tmp/peers',
      secrets: '/tmp/s',
      papSecrets: '/tmp/p',
      background: true,
      logFormat: 'json',
      syslog: true,
      lenient: true,
      extraOptions: [],
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
      [['up', '-x', 'a'], /^up: unknown option -x$/],
      [['up', 'a', '--log-format', 'xml'], /text or json/],
      [['up', 'a', '--secrets'], /needs a value/],
      [['down', 'a', '--json'], /unknown option --json/],
      [['log', '--lines', '0'], /positive/],
      [['status', '--json=yes'], /takes no value/],
      [['restart'], /unknown command 'restart'/],
      [['pon', 'a', '--frob'], /^pon: unknown option --frob$/],
      [['version', 'x'], /unexpected x/],
      [['install-service', 'x'], /unexpected x/],
      [['install-service', '--user'], /--user needs a value/],
      [['help', 'stauts'], /^help: unknown command 'stauts' \(did you mean status\?\)$/],
      [['serve', '--per-source', '0'], /--per-source is a positive number/],
      [['--bogus'], /^unknown option --bogus$/],
      [['up', 'a', '--pap-secrets'], /--pap-secrets needs a value/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(message);
    }
  });
});

describe('parseArgs: pppd habits', () => {
  it('takes every word after PEER that is not our --option as a pppd option, in order', () => {
    const up = parseArgs([
      'up',
      '--background',
      'work',
      'debug',
      '-detach',
      'mtu',
      '1400',
      '--log-format',
      'json',
      '+ipv6',
      '-mppe-40',
      'name',
      'alice',
    ]);
    if (up.command !== 'up') throw new Error(up.command);
    expect(up.peer).toBe('work');
    expect(up.background).toBe(true);
    expect(up.logFormat).toBe('json');
    expect(up.extraOptions).toEqual([
      'debug',
      '-detach',
      'mtu',
      '1400',
      '+ipv6',
      '-mppe-40',
      'name',
      'alice',
    ]);
    // A --word after PEER is still ours, and a typo of one is still caught.
    expect(() => parseArgs(['up', 'work', 'debug', '--backgroud'])).toThrow(
      'up: unknown option --backgroud (did you mean --background?)',
    );
  });

  it('pon, poff and plog are up, down and log (poff -a too)', () => {
    expect(parseArgs(['pon', 'work', 'debug'])).toEqual({
      ...parseArgs(['up', 'work']),
      extraOptions: ['debug'],
    });
    expect(parseArgs(['poff'])).toEqual({ command: 'down' });
    expect(parseArgs(['poff', 'work'])).toEqual({ command: 'down', peer: 'work' });
    expect(parseArgs(['poff', '-a'])).toEqual({ command: 'down', all: true });
    expect(parseArgs(['plog', 'work', '--lines', '5'])).toEqual({
      command: 'log',
      peer: 'work',
      lines: 5,
    });
  });

  it('parses serve --syslog and keeps every serve default', () => {
    expect(parseArgs(['serve', '--syslog'])).toEqual({
      command: 'serve',
      config: '/etc/pptpd.conf',
      globalOptions: '/etc/ppp/options',
      secrets: '/etc/ppp/chap-secrets',
      papSecrets: '/etc/ppp/pap-secrets',
      interfaceName: 'pptpsrv0',
      scriptsDir: '/etc/ppp',
      logFormat: 'text',
      syslog: true,
      lenient: false,
      authTimeout: 30,
      perSource: 16,
    });
    const serve = parseArgs(['serve', '--global-options', 'none', '--auth-timeout=5']);
    expect(serve).toMatchObject({ globalOptions: false, authTimeout: 5, syslog: false });
  });

  it('parses install-service with its defaults, --root, --user and --no-user', () => {
    expect(parseArgs(['install-service'])).toEqual({
      command: 'install-service',
      root: '/',
      user: 'pptpkit',
      createUser: true,
    });
    expect(
      parseArgs(['install-service', '--root', '/tmp/stage', '--user=vpn', '--no-user']),
    ).toEqual({ command: 'install-service', root: '/tmp/stage', user: 'vpn', createUser: false });
  });

  it('help COMMAND, COMMAND --help and -h anywhere name the command (aliases: theirs)', () => {
    expect(parseArgs(['help'])).toEqual({ command: 'help' });
    expect(parseArgs(['help', 'up'])).toEqual({ command: 'help', topic: 'up' });
    expect(parseArgs(['help', 'poff'])).toEqual({ command: 'help', topic: 'down' });
    expect(parseArgs(['pon', 'work', 'debug', '-h'])).toEqual({ command: 'help', topic: 'up' });
    expect(parseArgs(['install-service', '--help'])).toEqual({
      command: 'help',
      topic: 'install-service',
    });
    expect(parseArgs(['--help', 'up'])).toEqual({ command: 'help' });
  });
});

describe('parseArgs and the command table', () => {
  it('accepts every option the help lists, with a value where it names one', () => {
    for (const spec of COMMAND_SPECS) {
      const needs = spec.arguments.filter((a) => !a.optional).map((a) => a.name.toLowerCase());
      for (const option of spec.options) {
        for (const name of [option.name, ...(option.short === undefined ? [] : [option.short])]) {
          const value = option.value === undefined ? [] : [option.complete?.words?.[0] ?? '7'];
          const argv = [spec.name, ...needs, name, ...value];
          expect(() => parseArgs(argv), argv.join(' ')).not.toThrow();
          // A flag given a value, or a valued option without one, is refused.
          const wrong = option.value === undefined ? [`${option.name}=x`] : [option.name];
          if (name === option.name) {
            expect(() => parseArgs([spec.name, ...needs, ...wrong])).toThrow(UsageError);
          }
        }
      }
    }
  });

  it('applies the defaults the help shows', () => {
    expect(parseArgs(['log'])).toEqual({ command: 'log', lines: 50 });
    const serve = parseArgs(['serve']);
    expect(serve).toMatchObject({ authTimeout: 30, perSource: 16, interfaceName: 'pptpsrv0' });
  });
});
