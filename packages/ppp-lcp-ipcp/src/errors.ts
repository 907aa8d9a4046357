/**
 * Error codes thrown by this package's decoders, and the reasons a link goes down.
 *
 * @module
 */

/** Codes of the `DecodeError`s (from `@pptpkit/wire`) thrown by this package's decoders. */
export type PppErrorCode =
  /** The input ended inside a header, packet or option. */
  | 'PPP_TRUNCATED'
  /** A control packet's Length field is below 4 or beyond the bytes received (RFC 1661 §5). */
  | 'PPP_BAD_LENGTH'
  /** A configuration option's Length field is below 2 or overruns the packet (RFC 1661 §6). */
  | 'PPP_BAD_OPTION'
  /** A PAP packet's inner lengths do not fit its Length field (RFC 1334 §2.2). */
  | 'PPP_PAP_MALFORMED'
  /** PAP: the authenticator sent Authenticate-Nak, or the peer's credentials were wrong. */
  | 'PPP_PAP_REJECTED'
  /** PAP: no answer (peer side) or no request (authenticator side) in time. */
  | 'PPP_PAP_TIMEOUT';

/** Why a {@link PppLink} reported `down`. */
export type PppDownCode =
  /** `close()` was called locally. */
  | 'PPP_LOCAL_CLOSE'
  /** The peer sent an LCP Terminate-Request. */
  | 'PPP_PEER_TERMINATED'
  /** The lower layer (the PPTP call) went away. */
  | 'PPP_LOWER_DOWN'
  /** LCP negotiation gave up: Max-Configure requests went unanswered or the peer stopped. */
  | 'PPP_NEGOTIATION_FAILED'
  /** `lcp-echo-failure` Echo-Requests in a row went unanswered. */
  | 'PPP_ECHO_TIMEOUT'
  /** The link appears looped back (our own magic number keeps coming back). */
  | 'PPP_LOOPBACK'
  /** The authentication protocol the peer requires is one our policy refuses, or the reverse. */
  | 'PPP_AUTH_REFUSED'
  /** Authentication ran and failed. */
  | 'PPP_AUTH_FAILED'
  /** The policy requires MPPE and CCP could not deliver it. */
  | 'PPP_MPPE_REQUIRED'
  /** IPCP could not agree on addresses. */
  | 'PPP_IPCP_FAILED'
  /** Server role: the authenticated peer may not use this link (`authorizePeer` refused it). */
  | 'PPP_PEER_NOT_AUTHORIZED';
