/**
 * How the MPPE key-length options combine, for the client's peer options and for `pptpkit
 * serve`'s pppd options, by pppd 2.4.9's ccp.c option table (the same in 2.5):
 *
 * - `require-mppe` is an `o_bool` on the wanted MPPE byte with the value 40|128: it writes the
 *   whole byte, so it replaces whatever lengths were there;
 * - `require-mppe-40`/`-128` ORs its length into that byte (`OPT_A2OR`): both together allow
 *   both;
 * - `nomppe-40`/`-128` clears its length (`OPT_A2CLRB`); `nomppe` clears the byte;
 * - pppd has no 56-bit option (mppe.h lists `MPPE_OPT_56` as unsupported and no option sets
 *   it): `require-mppe-56`/`nomppe-56` are pptpkit's, with the 40/128 rules.
 *
 * MPPE is required when any length is wanted. The client differs in one place: its lengths
 * start as 128-bit required (pptpkit's default) rather than empty, and the first
 * `require-mppe-N` replaces that default (pppd would OR into nothing: the same result).
 */
import { describe, expect, it } from 'vitest';
import { loadPeer } from '../../src/config/index.js';
import { NO_SUCH_FILE } from '../../src/config/read-failure.js';
import { loadServerConfig } from '../../src/serve/config/index.js';

type Lengths = readonly (40 | 56 | 128)[];

const lengthsOf = (m: { allow40: boolean; allow56: boolean; allow128: boolean }): Lengths =>
  [m.allow40 && 40, m.allow56 && 56, m.allow128 && 128].filter((n): n is 40 | 56 | 128 => !!n);

const client = (options: string) => {
  const { mppe } = loadPeer('p', {
    read: (path) => (path === '/etc/ppp/peers/p' ? `pptp-server h\n${options}\n` : NO_SUCH_FILE),
    globalOptions: false,
  }).settings;
  return { required: mppe.required, lengths: lengthsOf(mppe) };
};

const server = (options: string) => {
  const { mppe } = loadServerConfig({
    configFile: '/etc/pptpd.conf',
    read: (p) =>
      ({
        '/etc/pptpd.conf': 'option /etc/ppp/o\nlocalip 10.0.0.1\nremoteip 10.0.0.2-9\n',
        '/etc/ppp/o': `require-mschap-v2\n${options}\n`,
      })[p] ?? NO_SUCH_FILE,
  });
  return { required: mppe.required, lengths: lengthsOf(mppe) };
};

/** Combinations whose outcome pppd's rules fix the same way for both roles. */
const both: readonly (readonly [string, Lengths])[] = [
  ['require-mppe', [40, 128]],
  ['+mppe', [40, 128]],
  ['require-mppe-40', [40]],
  ['require-mppe-128', [128]],
  ['require-mppe-56', [56]],
  ['+mppe-56', [56]],
  // OPT_A2OR: each adds its length; the order does not matter.
  ['require-mppe-40 require-mppe-128', [40, 128]],
  ['require-mppe-128 require-mppe-40', [40, 128]],
  ['+mppe-40 +mppe-128', [40, 128]],
  ['require-mppe-56 require-mppe-128', [56, 128]],
  ['require-mppe-40 require-mppe-56 require-mppe-128', [40, 56, 128]],
  ['require-mppe require-mppe-56', [40, 56, 128]],
  // require-mppe writes the whole byte: what came before it is gone, 56 included.
  ['require-mppe-56 require-mppe', [40, 128]],
  ['require-mppe-128 require-mppe', [40, 128]],
  // OPT_A2CLRB: nomppe-N takes its length away; order matters.
  ['require-mppe nomppe-40', [128]],
  ['require-mppe -mppe-128', [40]],
  ['nomppe-40 require-mppe', [40, 128]],
  ['require-mppe require-mppe-56 nomppe-40', [56, 128]],
  ['require-mppe-56 require-mppe-128 -mppe-56', [128]],
  ['require-mppe-40 nomppe-40 require-mppe-128', [128]],
  ['nomppe-128 require-mppe-40', [40]],
  ['nomppe require-mppe-56', [56]],
  // The mppe keyword list of Debian's old MPPE patch.
  ['require-mppe require-mppe-56 mppe no56', [40, 128]],
];

describe('MPPE key-length options combine as in pppd (ccp.c)', () => {
  it.each(both)('client: %j allows %j, MPPE required', (options, lengths) => {
    expect(client(options)).toEqual({ required: true, lengths });
  });

  it.each(both)('serve: %j allows %j, MPPE required', (options, lengths) => {
    expect(server(options)).toEqual({ required: true, lengths });
  });

  it('nomppe: nothing allowed, MPPE not required (both roles)', () => {
    for (const options of ['nomppe', '-mppe', 'require-mppe-56 require-mppe-128 nomppe']) {
      expect(client(options)).toEqual({ required: false, lengths: [] });
      expect(server(options)).toEqual({ required: false, lengths: [] });
    }
  });

  it('no MPPE option: the client requires 128-bit (its default), the server nothing (pppd)', () => {
    expect(client('')).toEqual({ required: true, lengths: [128] });
    expect(server('')).toEqual({ required: false, lengths: [] });
    // nomppe-N alone only trims the client's default (pppd: clears a bit of an empty byte).
    expect(client('nomppe-40 nomppe-56')).toEqual({ required: true, lengths: [128] });
    expect(server('nomppe-40')).toEqual({ required: false, lengths: [] });
  });

  it('every length cleared: pppd stops wanting MPPE, the client still requires it (fails closed)', () => {
    // pppd would bring the link up unencrypted; a client that was told to require MPPE does not.
    expect(server('require-mppe-128 nomppe-128')).toEqual({ required: false, lengths: [] });
    expect(client('require-mppe-128 nomppe-128')).toEqual({ required: true, lengths: [] });
  });

  it('client only: the SourceForge spellings mppe-40/-56/-128 add a length to what is there', () => {
    expect(client('mppe-56')).toEqual({ required: true, lengths: [56, 128] });
    expect(client('mppe-40 mppe-128')).toEqual({ required: true, lengths: [40, 128] });
    expect(client('mppe-56 require-mppe-40')).toEqual({ required: true, lengths: [40, 56, 128] });
  });

  it('serve: MS-CHAP (v1) gives keys only with 128 allowed, for 56 as for 40 (pppd: no LM keys)', () => {
    const load = (options: string) =>
      loadServerConfig({
        configFile: '/etc/pptpd.conf',
        read: (p) =>
          ({
            '/etc/pptpd.conf': 'option /etc/ppp/o\nlocalip 10.0.0.1\nremoteip 10.0.0.2-9\n',
            '/etc/ppp/o': options,
          })[p] ?? NO_SUCH_FILE,
      });
    expect(() => load('require-mschap require-mppe-56')).toThrow(/MS-CHAP with 128-bit keys/);
    expect(load('require-mschap require-mppe-56 require-mppe-128').requireAuth).toEqual(['mschap']);
  });
});
