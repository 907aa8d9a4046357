import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  DecodeError,
  NegotiationError,
  PptpkitError,
  ProtocolError,
  TimeoutError,
} from '../src/index.js';

describe('error classes', () => {
  it('carry code, kind, name and details', () => {
    const e = new ProtocolError('GRE_BAD_VERSION', 'GRE version 0, expected 1', {
      details: { version: 0 },
    });
    expect(e.code).toBe('GRE_BAD_VERSION');
    expect(e.kind).toBe('ProtocolError');
    expect(e.name).toBe('ProtocolError');
    expect(e.details).toEqual({ version: 0 });
    expect(e.message).toBe('GRE version 0, expected 1');
    expect(e).toBeInstanceOf(Error);
  });

  it('discriminate subclasses with instanceof', () => {
    const d = new DecodeError('X', 'm', { offset: 1, field: 'f' });
    expect(d).toBeInstanceOf(PptpkitError);
    expect(d).toBeInstanceOf(DecodeError);
    expect(d).not.toBeInstanceOf(ProtocolError);
    expect(new TimeoutError('T', 'm')).not.toBeInstanceOf(NegotiationError);
    expect(new AuthenticationError('A', 'm')).toBeInstanceOf(AuthenticationError);
    expect(new Error('plain')).not.toBeInstanceOf(PptpkitError);
    expect(null).not.toBeInstanceOf(PptpkitError);
  });

  it('recognise branded errors from another copy of the package', () => {
    // A structurally separate object carrying the global brand, as a second copy would make.
    const foreign = Object.assign(new Error('m'), {
      [Symbol.for('@pptpkit/wire/error')]: true,
      kind: 'DecodeError',
      code: 'X',
    });
    expect(foreign).toBeInstanceOf(PptpkitError);
    expect(foreign).toBeInstanceOf(DecodeError);
    expect(foreign).not.toBeInstanceOf(TimeoutError);
  });

  it('lets a package subclass match only its own instances', () => {
    class LinkError extends PptpkitError<'LINK_X'> {}
    const own = new LinkError('LINK_X', 'm');
    expect(own).toBeInstanceOf(LinkError);
    expect(own).toBeInstanceOf(PptpkitError);
    expect(own.kind).toBe('PptpkitError');
    expect(new ProtocolError('P', 'm')).not.toBeInstanceOf(LinkError);
    expect(new PptpkitError('Q', 'm')).not.toBeInstanceOf(LinkError);
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new NegotiationError('N', 'm', { cause }).cause).toBe(cause);
  });
});
