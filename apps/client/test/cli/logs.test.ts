/**
 * Where the logs go, as whole processes of `bin/pptpkit`: the journal's priorities when stderr
 * is the stream `JOURNAL_STREAM` names (a real descriptor: a file whose device:inode stat(1)
 * reports), the log file that keeps earlier runs, a failed `up` of an unknown peer that leaves
 * and changes nothing; and `pptpkit log` choosing the peer as `down` does.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { showLog } from '../../src/cli/commands/log.js';
import { EXIT } from '../../src/exit-codes.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pptpkit');

/** `device:inode` of `path` as coreutils' stat(1) prints them (st_dev, st_ino in decimal). */
const devIno = (path: string): string =>
  execFileSync('stat', ['-L', '-c', '%d:%i', path], { encoding: 'utf8' }).trim();

/** Runs `pptpkit ARGS` with its stderr appended to the file `stderr`; resolves its status. */
function run(args: readonly string[], stderr: string, env: NodeJS.ProcessEnv): Promise<number> {
  const fd = openSync(stderr, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      stdio: ['ignore', 'ignore', fd],
      env: { ...process.env, JOURNAL_STREAM: '', ...env },
      timeout: 20_000,
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  }).finally(() => closeSync(fd)) as Promise<number>;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pptpkit-logs-'));
  mkdirSync(join(work, 'peers'));
  writeFileSync(join(work, 'peers/bg'), 'pptp-server 127.0.0.1\nuser u\npassword p\nnoauth\n');
  writeFileSync(join(work, 'pptpd.conf'), 'localip 10.0.0.1\nremoteip 10.0.0.2-5\n');
  // A file where the run directory should be: a run whose configuration loaded stops there.
  writeFileSync(join(work, 'blocked'), '');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('under the journal (JOURNAL_STREAM is our stderr)', () => {
  it('up and serve write <N>-prefixed lines without a timestamp, text and JSON, with the code', async () => {
    const cases = [
      { name: 'up-text', args: ['up', 'nosuchpeer', '--peers-dir', join(work, 'peers')] },
      {
        name: 'up-json',
        args: ['up', 'nosuchpeer', '--peers-dir', join(work, 'peers'), '--log-format', 'json'],
      },
      { name: 'serve-text', args: ['serve', '--config', join(work, 'missing.conf')] },
    ];
    const env = { PPTPKIT_RUN_DIR: join(work, 'journal-run') };
    const codes = await Promise.all(
      cases.map(({ name, args }) => {
        const file = join(work, `${name}.err`);
        writeFileSync(file, '');
        return run(args, file, { ...env, JOURNAL_STREAM: devIno(file) });
      }),
    );
    expect(codes).toEqual([EXIT.config, EXIT.config, EXIT.config]);
    const [upText, upJson, serveText] = cases.map(({ name }) =>
      readFileSync(join(work, `${name}.err`), 'utf8'),
    );
    expect(upText).toMatch(
      /^<3>error <command line>:1: call: cannot read '[^']*nosuchpeer': no such file \(ENOENT\) code=CONFIG_UNREADABLE\n$/,
    );
    expect(upJson!.startsWith('<3>{')).toBe(true);
    expect(JSON.parse(upJson!.slice(3))).toMatchObject({
      level: 'error',
      code: 'CONFIG_UNREADABLE',
    });
    expect(JSON.parse(upJson!.slice(3))).not.toHaveProperty('time');
    expect(serveText).toMatch(/^<3>error .*missing\.conf.* code=CONFIG_UNREADABLE\n$/);
    for (const text of [upText, upJson, serveText]) expect(text).not.toMatch(ISO);
  });

  it('a JOURNAL_STREAM naming another file (stderr redirected) keeps plain timestamped lines', async () => {
    const file = join(work, 'redirected.err');
    const other = join(work, 'other');
    writeFileSync(file, '');
    writeFileSync(other, '');
    const code = await run(['up', 'nosuchpeer', '--peers-dir', join(work, 'peers')], file, {
      PPTPKIT_RUN_DIR: join(work, 'journal-run'),
      JOURNAL_STREAM: devIno(other),
    });
    expect(code).toBe(EXIT.config);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^${ISO.source} error .* code=CONFIG_UNREADABLE\\n$`));
  });
});

describe('the log file', () => {
  it('keeps earlier runs, each starting with `run started` (version, pid); mode 0640; not on stderr', async () => {
    const env = { PPTPKIT_RUN_DIR: join(work, 'blocked/run'), PPTPKIT_LOG_DIR: join(work, 'logs') };
    const err = join(work, 'kept.err');
    for (let i = 0; i < 2; i++) {
      expect(await run(['up', 'bg', '--peers-dir', join(work, 'peers')], err, env)).toBe(
        EXIT.privileges,
      );
    }
    const path = join(work, 'logs/bg.log');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const starts = lines.filter((l) => / info run started version=\S+ pid=\d+$/.test(l));
    expect(starts).toHaveLength(2);
    expect(lines[0]).toBe(starts[0]);
    const pids = starts.map((l) => /pid=(\d+)/.exec(l)?.[1]);
    expect(pids[0]).not.toBe(pids[1]);
    expect(lines.filter((l) => l.includes('code=RUN_DIR_UNUSABLE'))).toHaveLength(2);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const stderr = readFileSync(err, 'utf8');
    expect(stderr).toContain('code=RUN_DIR_UNUSABLE');
    expect(stderr).not.toContain('run started');
  });

  it('the server logs to serve.log the same way', async () => {
    const env = { PPTPKIT_RUN_DIR: join(work, 'blocked/run'), PPTPKIT_LOG_DIR: join(work, 'logs') };
    const args = ['serve', '--config', join(work, 'pptpd.conf'), '--global-options', 'none'];
    expect(await run(args, join(work, 'serve.err'), env)).toBe(EXIT.privileges);
    const text = readFileSync(join(work, 'logs/serve.log'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/ info run started version=\S+ pid=\d+$/);
    expect(text).toContain('code=RUN_DIR_UNUSABLE');
  });

  it('a failed `up` of an unknown peer creates nothing and leaves an earlier log as it was', async () => {
    const runDir = join(work, 'typo-run');
    const env = { PPTPKIT_RUN_DIR: runDir };
    const err = join(work, 'typo.err');
    const peers = join(work, 'peers');
    expect(await run(['up', 'nosuchpeer', '--peers-dir', peers], err, env)).toBe(EXIT.config);
    expect(existsSync(runDir)).toBe(false);
    mkdirSync(runDir);
    const earlier = join(runDir, 'nosuchpeer.log');
    writeFileSync(earlier, 'an earlier run\n');
    const past = new Date('2026-01-01T00:00:00Z');
    utimesSync(earlier, past, past);
    expect(await run(['up', 'nosuchpeer', '--peers-dir', peers], err, env)).toBe(EXIT.config);
    expect(readFileSync(earlier, 'utf8')).toBe('an earlier run\n');
    expect(statSync(earlier).mtime).toEqual(past);
    expect(readFileSync(err, 'utf8').match(/code=CONFIG_UNREADABLE/g)).toHaveLength(2);
  });
});

describe('pptpkit log', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-log-'));
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
  const log = (peer: string | undefined, lines = 50) => {
    const out = sink();
    const err = sink();
    const code = showLog(peer, lines, out, err);
    return { code, out: out.text(), err: err.text() };
  };

  it('shows the last N lines across the current and the rotated files, oldest first', () => {
    writeFileSync(join(dir, 'work.log.2'), 'a1\na2\n');
    writeFileSync(join(dir, 'work.log.1'), 'b1\nb2\nb3\n');
    writeFileSync(join(dir, 'work.log'), 'c1\nc2\n');
    expect(log('work', 4)).toEqual({ code: EXIT.ok, out: 'b2\nb3\nc1\nc2\n', err: '' });
    expect(log('work', 2).out).toBe('c1\nc2\n');
    expect(log('work').out).toBe('a1\na2\nb1\nb2\nb3\nc1\nc2\n');
  });

  it('without a peer: the one running tunnel, else the only peer with a log; several: exit 2 naming them', () => {
    writeFileSync(join(dir, 'serve.log'), 'server line\n');
    expect(log(undefined)).toMatchObject({ code: EXIT.fatal, out: '' });
    expect(log('serve').out).toBe('server line\n');
    writeFileSync(join(dir, 'home.log'), 'home line\n');
    expect(log(undefined).out).toBe('home line\n');
    writeFileSync(join(dir, 'work.log.1'), 'work line\n');
    expect(log(undefined)).toEqual({
      code: EXIT.config,
      out: '',
      err: 'pptpkit: log: which peer? logged: home, work\n',
    });
    writeFileSync(join(dir, 'work.sock'), '');
    expect(log(undefined).out).toBe('work line\n');
    writeFileSync(join(dir, 'home.sock'), '');
    expect(log(undefined)).toMatchObject({
      code: EXIT.config,
      err: 'pptpkit: log: which peer? running: home, work\n',
    });
    expect(log('nosuch')).toMatchObject({
      code: EXIT.fatal,
      err: expect.stringContaining('nosuch'),
    });
  });
});
