/**
 * pppd users' habits on the command line: `--help` on every command, "did you mean" for a
 * typo, `down` without a peer when one tunnel runs (and `down -a` for all), status in human
 * units.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { down, runningTunnels } from '../../src/cli/commands/down.js';
import { closest } from '../../src/cli/did-you-mean.js';
import { parseArgs, UsageError } from '../../src/cli/parse-args.js';
import { humanBytes, humanDuration } from '../../src/control/human-units.js';
import { EXIT } from '../../src/exit-codes.js';

describe('--help on every command', () => {
  it("asks for that command's help whatever else the line holds", () => {
    for (const [argv, topic] of [
      [['up', '--help'], 'up'],
      [['up', 'work', '-h'], 'up'],
      [['down', '--help'], 'down'],
      [['status', '--json', '--help'], 'status'],
      [['log', '-h'], 'log'],
      [['plog', '-h'], 'log'],
      [['serve', '--help'], 'serve'],
      [['serve', '--bogus', '--help'], 'serve'],
    ] as const) {
      expect(parseArgs(argv)).toEqual({ command: 'help', topic });
    }
  });
});

describe('did you mean', () => {
  it('names the closest option or command for a typo, and nothing for a stranger', () => {
    expect(() => parseArgs(['up', 'a', '--backgroud'])).toThrow(
      'up: unknown option --backgroud (did you mean --background?)',
    );
    expect(() => parseArgs(['stauts'])).toThrow("unknown command 'stauts' (did you mean status?)");
    expect(() => parseArgs(['up', 'a', '--frobnicate'])).toThrow(
      /^up: unknown option --frobnicate$/,
    );
    expect(closest('sevre', ['serve', 'status'])).toBe('serve');
    expect(closest('x', ['up'])).toBeUndefined();
  });
});

describe('down without a peer, down -a', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-down-'));
    saved = process.env['PPTPKIT_RUN_DIR'];
    process.env['PPTPKIT_RUN_DIR'] = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['PPTPKIT_RUN_DIR'];
    else process.env['PPTPKIT_RUN_DIR'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const sink = () => {
    let text = '';
    return { write: (s: string) => (text += s), text: () => text };
  };

  it('parses `down`, `down PEER`, `down -a`', () => {
    expect(parseArgs(['down'])).toEqual({ command: 'down' });
    expect(parseArgs(['down', 'work'])).toEqual({ command: 'down', peer: 'work' });
    expect(parseArgs(['down', '-a'])).toEqual({ command: 'down', all: true });
    expect(() => parseArgs(['down', 'work', '-a'])).toThrow(UsageError);
  });

  it('lists the tunnels with a control socket, not the server', () => {
    for (const f of ['work.sock', 'home.sock', 'serve.sock', 'work.log']) {
      writeFileSync(join(dir, f), '');
    }
    expect(runningTunnels(dir)).toEqual(['home', 'work']);
  });

  it('with none running says so (exit 1); with several asks which, naming them (exit 2)', async () => {
    const out = sink();
    const err = sink();
    expect(await down({ command: 'down' }, out, err)).toBe(EXIT.fatal);
    expect(err.text()).toContain('no tunnel is running');
    writeFileSync(join(dir, 'work.sock'), '');
    writeFileSync(join(dir, 'home.sock'), '');
    const err2 = sink();
    expect(await down({ command: 'down' }, out, err2)).toBe(EXIT.config);
    expect(err2.text()).toContain('which peer? running: home, work');
  });
});

describe('human units', () => {
  it('durations and byte counts', () => {
    expect(humanDuration(4_000)).toBe('4 s');
    expect(humanDuration(183_421_000)).toBe('2 d 2 h');
    expect(humanDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(humanBytes(252)).toBe('252 B');
    expect(humanBytes(1536)).toBe('1.5 KiB');
    expect(humanBytes(20 * 1024 * 1024 + 300_000)).toBe('20.3 MiB');
  });
});

describe('up of a peer that does not exist', () => {
  it('exits 2 naming the peer file and the error code, and leaves no log behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pptpkit-nopeer-'));
    const saved = process.env['PPTPKIT_RUN_DIR'];
    process.env['PPTPKIT_RUN_DIR'] = join(dir, 'run');
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    try {
      const { main } = await import('../../src/cli/main.js');
      const code = await main([
        'up',
        'nosuchpeer',
        '--peers-dir',
        dir,
        '--secrets',
        join(dir, 'x'),
      ]);
      expect(code).toBe(EXIT.config);
      expect(err).toContain(
        `<command line>:1: call: cannot read '${join(dir, 'nosuchpeer')}': no such file (ENOENT) code=CONFIG_UNREADABLE`,
      );
      expect(existsSync(join(dir, 'run', 'nosuchpeer.log'))).toBe(false);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env['PPTPKIT_RUN_DIR'];
      else process.env['PPTPKIT_RUN_DIR'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('did you mean, on long words', () => {
  it('suggests only within 2 edits, and a word 3 longer than every known one gets nothing', () => {
    expect(closest('mtuuu', ['mtu'])).toBe('mtu');
    expect(closest('mtuuuu', ['mtu'])).toBeUndefined();
    expect(closest('x'.repeat(100_000), ['mtu', 'debug'])).toBeUndefined();
  });
});
