import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadClientConfig } from '../../src/cli/load-config.js';
import { parseArgs } from '../../src/cli/parse-args.js';
import { readConfig } from '../../src/cli/runtime/files.js';
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
