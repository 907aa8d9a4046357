import { decodeMppeOption, encodeMppeOption, formatMppeBits } from '@pptpkit/mppe';
import { mppcOnlyCcpPolicy, mppeCcpPolicy } from '@pptpkit/tunnel';
import { describe, expect, it } from 'vitest';
import { defaultPeerSettings } from '../../src/config/index.js';
import {
  mppePolicyFromSettings,
  tunnelOptionsFromSettings,
} from '../../src/session/tunnel-options.js';

/** The CCP policy the session would give the tunnel core for these MPPE/MPPC settings. */
function ccpFor(mppe: ReturnType<typeof defaultPeerSettings>['mppe'], mppc: boolean) {
  const settings = { ...defaultPeerSettings(), mppe, mppc };
  const sink = {
    control: () => {},
    endControl: () => {},
    gre: () => {},
    ip: () => true,
    event: () => {},
  };
  return tunnelOptionsFromSettings(settings, { user: 'u' }, (n) => new Uint8Array(n), sink, 1000)
    .link?.ccp;
}

const opt = (text: string) => {
  // `+H -M +S -L -D -C` → option 18 bits.
  const on = (c: string) => text.includes(`+${c}`);
  return {
    type: 18,
    data: encodeMppeOption({
      stateless: on('H'),
      mppe56: on('M'),
      mppe128: on('S'),
      mppe40: on('L'),
      obsoleteD: on('D'),
      mppc: on('C'),
    }),
  };
};
const show = (o: { data: Uint8Array } | undefined) =>
  o === undefined ? 'none' : formatMppeBits(decodeMppeOption(o.data));

describe('the MPPE CCP policy against what pppd sends (RFC 3078 §2)', () => {
  const defaults = mppeCcpPolicy(mppePolicyFromSettings(defaultPeerSettings().mppe, false));

  it('defaults (MPPE-128 required, stateless): requests +H +S and Acks pptpd’s request', () => {
    expect(show(defaults.initialOptions()[0])).toBe('<mppe +H -M +S -L -D -C>');
    expect(defaults.judgePeerOption(opt('+H -M +S -L -D -C'))).toEqual({ verdict: 'ack' });
    expect(defaults.opened([opt('+H +S')], [opt('+H +S')])).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
  });

  it('rejects unknown CCP options (deflate, BSD compress) and never agrees on a mixed mode', () => {
    expect(defaults.judgePeerOption({ type: 26, data: new Uint8Array([0x78, 0]) })).toEqual({
      verdict: 'reject',
    });
    expect(defaults.judgePeerOption({ type: 18, data: new Uint8Array(3) })).toEqual({
      verdict: 'reject',
    });
    expect(defaults.opened([opt('+H +S')], [opt('-H +S')])).toBeUndefined();
    expect(defaults.handleReject(opt('+H +S'))).toBe(false);
  });

  it('require-mppe (40 or 128) follows the server’s Nak to 128-bit', () => {
    const s = defaultPeerSettings();
    Object.assign(s.mppe, { allow40: true });
    const p = mppeCcpPolicy(mppePolicyFromSettings(s.mppe, false));
    expect(show(p.initialOptions()[0])).toBe('<mppe +H -M +S +L -D -C>');
    expect(show(p.handleNak(opt('+H +S +L'), opt('+H +S')))).toBe('<mppe +H -M +S -L -D -C>');
  });

  it('mppe-stateful-prefer asks for stateful and Naks a stateless request with -H', () => {
    const s = defaultPeerSettings();
    Object.assign(s.mppe, { allowStateful: true, preferStateful: true });
    const p = mppeCcpPolicy(mppePolicyFromSettings(s.mppe, false));
    expect(show(p.initialOptions()[0])).toBe('<mppe -H -M +S -L -D -C>');
    const verdict = p.judgePeerOption(opt('+H +S'));
    expect(verdict.verdict).toBe('nak');
    expect(show((verdict as { option: { data: Uint8Array } }).option)).toBe(
      '<mppe -H -M +S -L -D -C>',
    );
    expect(p.opened([opt('-H +S')], [opt('-H +S')])).toEqual({
      keyBits: 128,
      stateless: false,
      mppc: false,
    });
  });

  it('mppc offers C with the MPPE bits, Acks a server’s C, and follows a Nak without C', () => {
    const p = mppeCcpPolicy(mppePolicyFromSettings(defaultPeerSettings().mppe, true));
    expect(show(p.initialOptions()[0])).toBe('<mppe +H -M +S -L -D +C>');
    expect(p.judgePeerOption(opt('+H +S +C'))).toEqual({ verdict: 'ack' });
    expect(p.judgePeerOption(opt('+H +S'))).toEqual({ verdict: 'ack' });
    // RFC 3078 §2.1: a Nak clearing C is followed; MPPC is never required.
    expect(show(p.handleNak(opt('+H +S +C'), opt('+H +S')))).toBe('<mppe +H -M +S -L -D -C>');
    expect(p.opened([opt('+H +S +C')], [opt('+H +S +C')])).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: true,
    });
    // C in one direction only (RFC 1962 §2): the encryption stands, MPPC stays off.
    expect(p.opened([opt('+H +S +C')], [opt('+H +S')])).toEqual({
      keyBits: 128,
      stateless: true,
      mppc: false,
    });
  });

  it('a Reject of option 18 with C falls back to the same MPPE bits without C, once', () => {
    const p = mppeCcpPolicy(mppePolicyFromSettings(defaultPeerSettings().mppe, true));
    const fallback = p.handleReject(opt('+H +S +C'));
    expect(Array.isArray(fallback)).toBe(true);
    expect((fallback as readonly { data: Uint8Array }[]).map(show)).toEqual([
      '<mppe +H -M +S -L -D -C>',
    ]);
    // The fallback rejected too: MPPE is required, CCP fails.
    expect(p.handleReject(opt('+H +S'))).toBe(false);
  });

  it('nomppc never offers C and Naks a server’s C away', () => {
    expect(show(defaults.initialOptions()[0])).toContain('-C>');
    const verdict = defaults.judgePeerOption(opt('+H +S +C'));
    expect(verdict.verdict).toBe('nak');
    expect(show((verdict as { option: { data: Uint8Array } }).option)).toBe(
      '<mppe +H -M +S -L -D -C>',
    );
    expect(show(defaults.handleNak(opt('+H +S'), opt('+H +S +C')))).toBe(
      '<mppe +H -M +S -L -D -C>',
    );
  });

  it('nomppe mppc: option 18 with only C (RFC 2118 §2)', () => {
    const none = {
      required: false,
      allow128: false,
      allow56: false,
      allow40: false,
      allowStateful: false,
    };
    expect(ccpFor(none, false)).toBeUndefined();
    const p = ccpFor(none, true)!;
    expect(show(p.initialOptions()[0])).toBe('<mppe -H -M -S -L -D +C>');
    const only = mppcOnlyCcpPolicy();
    expect(only.judgePeerOption(opt('+C'))).toEqual({ verdict: 'ack' });
    // MPPE bits with C: Nak'ed down to C alone; MPPE without C: nothing we can run, rejected.
    const nak = only.judgePeerOption(opt('+H +S +C'));
    expect(nak.verdict).toBe('nak');
    expect(show((nak as { option: { data: Uint8Array } }).option)).toBe('<mppe -H -M -S -L -D +C>');
    expect(only.judgePeerOption(opt('+H +S'))).toEqual({ verdict: 'reject' });
    expect(only.judgePeerOption({ type: 26, data: new Uint8Array(2) })).toEqual({
      verdict: 'reject',
    });
    expect(only.handleNak(opt('+C'), opt('+H +S'))).toBeUndefined();
    expect(show(only.handleNak(opt('+C'), opt('+S +C')))).toBe('<mppe -H -M -S -L -D +C>');
    expect(only.handleReject(opt('+C'))).toBe(true);
    expect(only.opened([opt('+C')], [opt('+C')])).toEqual({
      keyBits: 0,
      stateless: false,
      mppc: true,
    });
    expect(only.opened([opt('+C')], [])).toBeUndefined();
    expect(only.opened([opt('+C')], [opt('+S +C')])).toBeUndefined();
  });
});
