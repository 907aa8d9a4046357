import { describe, expect, it } from 'vitest';
import { INCLUDE_LIMITS, type LoadedPeer, loadPeer } from '../../src/config/index.js';
import { NO_SUCH_FILE, type ReadResult } from '../../src/config/read-failure.js';

const peerPath = '/etc/ppp/peers/p';

/** Loads peer `p` from in-memory files, recording every path the reader is asked for. */
function loadCounting(files: Record<string, string>): {
  reads: string[];
  result: () => LoadedPeer;
} {
  const reads: string[] = [];
  const read = (path: string): ReadResult => {
    reads.push(path);
    return files[path] ?? NO_SUCH_FILE;
  };
  return { reads, result: () => loadPeer('p', { read }) };
}

/** The `CONFIG_*` error `attempt` throws. */
function errorOf(attempt: () => unknown): { code?: string; message?: string; details?: unknown } {
  try {
    attempt();
  } catch (error) {
    return error as { code?: string; message?: string; details?: unknown };
  }
  throw new Error('expected an error');
}

/** `/x0` … `/x{levels-1}`: each includes the next `fanOut` times, the last says `lock`. */
function includeTree(levels: number, fanOut: number): Record<string, string> {
  const files: Record<string, string> = { [peerPath]: 'pptp-server h\nfile /x0\n' };
  for (let i = 0; i < levels - 1; i++) files[`/x${i}`] = `file /x${i + 1}\n`.repeat(fanOut);
  files[`/x${levels - 1}`] = 'lock\n';
  return files;
}

describe('file/call includes: bounded work (issue 12)', () => {
  it('an exponential include tree of a few hundred bytes stops at the include limit, each file read once', () => {
    const files = includeTree(12, 3);
    const size = Object.values(files).reduce((n, text) => n + text.length, 0);
    expect(size).toBeLessThan(500); // 3^11 applications of the last file if nothing bounded it
    const { reads, result } = loadCounting(files);
    const error = errorOf(result);
    expect(error).toMatchObject({
      code: 'CONFIG_INCLUDE_LIMIT',
      details: { option: 'file' },
      message: expect.stringMatching(
        new RegExp(
          `^/x\\d+:[1-3]: file: '/x\\d+' would be file number ${INCLUDE_LIMITS.includes + 1} `,
        ),
      ),
    });
    // The global options (absent), the peer and the 12 tree files: each asked for exactly once.
    expect(reads).toHaveLength(14);
    expect(new Set(reads).size).toBe(reads.length);
  });

  it('a tree within the limits is applied in full, every include again, while each file is read once', () => {
    const { reads, result } = loadCounting(includeTree(6, 2));
    const { ignored, files } = result();
    // The leaf's `lock` is applied once per path to it: 2^5 times.
    expect(ignored.filter((i) => i.option === 'lock')).toHaveLength(32);
    expect(files).toEqual([peerPath, '/x0', '/x1', '/x2', '/x3', '/x4', '/x5']);
    expect(reads).toEqual(['/etc/ppp/options', ...files]);
  });

  it('a file included twice is applied twice (pppd order), so the later include wins again', () => {
    const { reads, result } = loadCounting({
      [peerPath]: 'pptp-server h\nfile /a\nlcp-echo-failure 7\nfile /a\n',
      '/a': 'lcp-echo-failure 3 ipparam "unterminated',
    });
    const { settings, warnings } = result();
    expect(settings.lcpEchoFailure).toBe(3);
    expect(reads.filter((p) => p === '/a')).toHaveLength(1);
    // The file's own problems are reported once, not once per include.
    expect(warnings.filter((w) => w.file === '/a')).toHaveLength(1);
  });

  it('a file that includes itself is a loop, named where the include is', () => {
    const { reads, result } = loadCounting({
      [peerPath]: 'pptp-server h\ncall p\n',
    });
    expect(errorOf(result)).toMatchObject({
      code: 'CONFIG_INCLUDE_LOOP',
      message: `${peerPath}:2: call: '${peerPath}' includes itself`,
      details: { file: peerPath, line: 2, option: 'call' },
    });
    expect(reads).toEqual(['/etc/ppp/options', peerPath]);
  });

  it(`nests at most ${INCLUDE_LIMITS.depth} files deep`, () => {
    /** The peer file, then a chain of `links` files each including the next. */
    const chain = (links: number): Record<string, string> => {
      const files: Record<string, string> = { [peerPath]: 'pptp-server h\nfile /d1\n' };
      for (let i = 1; i < links; i++) files[`/d${i}`] = `\nfile /d${i + 1}\n`;
      files[`/d${links}`] = 'lock\n';
      return files;
    };
    const deepest = INCLUDE_LIMITS.depth - 1; // the peer file is open too
    expect(loadCounting(chain(deepest)).result().ignored).toHaveLength(1);
    expect(errorOf(loadCounting(chain(deepest + 1)).result)).toMatchObject({
      code: 'CONFIG_INCLUDE_LIMIT',
      details: { file: `/d${deepest}`, line: 2, option: 'file' },
      message: expect.stringContaining(`more than ${INCLUDE_LIMITS.depth} files deep`),
    });
  });

  it(`applies at most ${INCLUDE_LIMITS.includes} files, counting every include`, () => {
    const peer = (includes: number) => ({
      [peerPath]: `${'file /empty\n'.repeat(includes)}pptp-server h\n`,
      '/empty': '',
    });
    const withinLimit = INCLUDE_LIMITS.includes - 1; // the peer file counts too
    expect(loadCounting(peer(withinLimit)).result().settings.server?.host).toBe('h');
    const { reads, result } = loadCounting(peer(withinLimit + 1));
    expect(errorOf(result)).toMatchObject({
      code: 'CONFIG_INCLUDE_LIMIT',
      details: { file: peerPath, line: withinLimit + 1, option: 'file' },
    });
    expect(reads).toEqual(['/etc/ppp/options', peerPath, '/empty']);
  });

  it(`applies at most ${INCLUDE_LIMITS.text} characters of options, counting every include`, () => {
    const third = Math.floor(INCLUDE_LIMITS.text / 3);
    const comment = `# ${'x'.repeat(third - 3)}\n`;
    const peer = (includes: number, big = comment) => ({
      [peerPath]: `pptp-server h\n${'file /big\n'.repeat(includes)}`,
      '/big': big,
    });
    expect(loadCounting(peer(2)).result().files).toEqual([peerPath, '/big']);
    expect(errorOf(loadCounting(peer(3)).result)).toMatchObject({
      code: 'CONFIG_INCLUDE_LIMIT',
      details: { file: peerPath, line: 4, option: 'file' },
      message: expect.stringContaining(`past ${INCLUDE_LIMITS.text} characters`),
    });
    // A single file over the limit is refused the first time.
    const huge = comment.repeat(4);
    expect(errorOf(loadCounting(peer(1, huge)).result)).toMatchObject({
      code: 'CONFIG_INCLUDE_LIMIT',
      details: { file: peerPath, line: 2, option: 'file' },
    });
  });
});
