import type { CompressionAgreement } from '@pptpkit/ppp-lcp-ipcp';

/**
 * The log's name for the CCP outcome: `none`, `MPPE 128-bit stateless`, `MPPE 128-bit stateful
 * + MPPC`, or `none (MPPC compression only)` for `nomppe mppc`.
 */
export function encryptionName(mppe: CompressionAgreement | undefined): string {
  if (mppe === undefined) return 'none';
  if (mppe.keyBits === 0) return mppe.mppc ? 'none (MPPC compression only)' : 'none';
  const mode = `MPPE ${mppe.keyBits}-bit ${mppe.stateless ? 'stateless' : 'stateful'}`;
  return mppe.mppc ? `${mode} + MPPC` : mode;
}

const CP_CODES = [
  '',
  'ConfReq',
  'ConfAck',
  'ConfNak',
  'ConfRej',
  'TermReq',
  'TermAck',
  'CodeRej',
  'ProtRej',
  'EchoReq',
  'EchoRep',
  'DiscReq',
  'Ident',
  'TimeRem',
  'ResetReq',
  'ResetAck',
];

/** `LCP ConfReq id=1` style summary of a control frame for debug logs (no payload bytes). */
export function describeFrame(frame: Uint8Array): string {
  let at = frame[0] === 0xff && frame[1] === 0x03 ? 2 : 0;
  let protocol = frame[at] ?? 0;
  if ((protocol & 1) === 0) {
    protocol = (protocol << 8) | (frame[at + 1] ?? 0);
    at += 2;
  } else at += 1;
  const names: Record<number, string> = {
    49185: 'LCP',
    49699: 'CHAP',
    32801: 'IPCP',
    33021: 'CCP',
    32855: 'IPV6CP',
    49187: 'PAP',
  };
  const name = names[protocol] ?? `0x${protocol.toString(16).padStart(4, '0')}`;
  const code = frame[at] ?? 0;
  const codeName =
    protocol === 0xc223
      ? (['', 'Challenge', 'Response', 'Success', 'Failure'][code] ?? String(code))
      : (CP_CODES[code] ?? String(code));
  return `${name} ${codeName} id=${frame[at + 1] ?? 0} len=${frame.length}`;
}
