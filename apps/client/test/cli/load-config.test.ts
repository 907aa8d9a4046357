import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadClientConfig } from '../../src/cli/load-config.js';
import { parseArgs } from '../../src/cli/parse-args.js';
import { readConfig } from '../../src/cli/runtime/files.js';
import { loadPeer } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('loadClientConfig', () => {
  it('reads the peer, both secrets files by their flags, and warns about loose permissions and auth', () => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-cfg-'));
    mkdirSync(join(dir, 'peers'));
    writeFileSync(
      join(dir, 'peers', 'lab'),
      'pptp-server 192.0.2.1\nname alice\nnomppe\nauth\nlock\n',
    );
    writeFileSync(join(dir, 'chap'), 'alice * chap-pw\n', { mode: 0o600 });
    writeFileSync(join(dir, 'pap'), 'alice * pap-pw\n');
    chmodSync(join(dir, 'pap'), 0o644);
    const lines: string[] = [];
    const log = createLogger({
      format: 'json',
      level: 'debug',
      write: (l) => lines.push(l),
      clock: () => new Date(0),
    });
    const command = parseArgs([
      'up',
      'lab',
      '--peers-dir',
      join(dir, 'peers'),
      '--secrets',
      join(dir, 'chap'),
      '--pap-secrets',
      join(dir, 'pap'),
    ]);
    if (command.command !== 'up') throw new Error('not up');
    const config = loadClientConfig(command, readConfig, log);
    expect(config.server).toBe('192.0.2.1');
    expect(config.credentials).toEqual({
      user: 'alice',
      chapPassword: 'chap-pw',
      papPassword: 'pap-pw',
    });
    expect(config.ignored.map((i) => i.option)).toEqual(['lock']);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r['level'] === 'warn').map((r) => r['message'])).toEqual([
      expect.stringMatching(/^auth\/require-\*: pptpkit does not ask the server/),
      'the secrets file is readable by others',
    ]);
    expect(
      records.find((r) => r['message'] === 'the secrets file is readable by others'),
    ).toMatchObject({
      file: join(dir, 'pap'),
    });
    expect(lines.join('\n')).not.toMatch(/chap-pw|pap-pw/);
  });
});

describe('pppd options after PEER (pptpkit up PEER OPTION..., as pppd call PEER OPTION...)', () => {
  const quiet = () =>
    createLogger({ format: 'text', level: 'error', write: () => {}, clock: () => new Date(0) });
  /** Loads the peer `work` (MTU 1200, no debug) with `words` after it on the command line. */
  const load = (...words: string[]) => {
    dir = mkdtempSync(join(tmpdir(), 'pptpkit-extra-'));
    mkdirSync(join(dir, 'peers'));
    writeFileSync(join(dir, 'peers', 'work'), 'pptp-server 192.0.2.1\nname alice\nmtu 1200\n');
    writeFileSync(join(dir, 'chap'), 'alice * pw\n', { mode: 0o600 });
    const command = parseArgs([
      'up',
      'work',
      '--peers-dir',
      join(dir, 'peers'),
      '--secrets',
      join(dir, 'chap'),
      ...words,
    ]);
    if (command.command !== 'up') throw new Error(command.command);
    return loadClientConfig(command, readConfig, quiet());
  };

  it("applies them after the peer file: debug, mtu 1400 over the file's 1200, -detach", () => {
    const plain = load();
    expect(plain.settings.debug).toBe(false);
    expect(plain.settings.mtu).toBe(1200);
    expect(load('debug').settings.debug).toBe(true);
    expect(load('mtu', '1400').settings.mtu).toBe(1400);
    const both = load('-detach', 'mtu', '1400', 'debug');
    expect(both.settings).toMatchObject({ detach: 'nodetach', mtu: 1400, debug: true });
  });

  it('takes a real pon line: `pon vpn debug dump logfd 2 updetach persist` (sgyang/docker-pptproxy)', () => {
    const config = load('debug', 'dump', 'logfd', '2', 'updetach', 'persist');
    expect(config.settings).toMatchObject({ debug: true, detach: 'updetach', persist: true });
    // Accepted without effect, each named by its position after PEER.
    expect(config.ignored.map(({ option, file, line }) => ({ option, file, line }))).toEqual([
      { option: 'dump', file: '<command line>', line: 2 },
      { option: 'logfd', file: '<command line>', line: 3 },
    ]);
  });

  it('names <command line> and the position after PEER in their errors', () => {
    expect(() => load('nosuchoption')).toThrow(
      /^<command line>:1: nosuchoption: unknown or unsupported option$/,
    );
    expect(() => load('debug', 'mtu')).toThrow(/^<command line>:2: mtu: needs a value$/);
    expect(() => load('mtu', '99999')).toThrow(/^<command line>:1: mtu: /);
    try {
      load('debug', 'nosuchoption');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'CONFIG_UNKNOWN_OPTION',
        details: { file: '<command line>', line: 2, option: 'nosuchoption' },
      });
    }
  });

  it('suggests the closest pppd option for a typo, in a peer file as on the command line', () => {
    expect(() => load('debgu')).toThrow(
      '<command line>:1: debgu: unknown or unsupported option (did you mean debug?)',
    );
    expect(() => load('defaultrout')).toThrow('(did you mean defaultroute?)');
    writeFileSync(join(dir, 'peers', 'typo'), 'pptp-server 192.0.2.1\ndefaultrout\n');
    expect(() =>
      loadPeer('typo', { read: readConfig, peersDir: join(dir, 'peers'), globalOptions: false }),
    ).toThrow(
      `${join(dir, 'peers', 'typo')}:2: defaultrout: unknown or unsupported option (did you mean defaultroute?)`,
    );
  });
});
