/**
 * Holds back our IPCP packets until CCP has opened when MPPE is required, as pppd does
 * (`start_networks` starts the other NCPs only from `ccp_up` when MPPE is required). Real
 * pptpd/pppd answers an IPCP Configure-Request that arrives before its CCP is up with a
 * Terminate-Ack, which costs a 3-second restart timeout. `@pptpkit/ppp-lcp-ipcp` opens every NCP
 * at once, so the session gates the frames on the wire instead.
 */
export class NcpGate {
  readonly #enabled: boolean;
  #ackSent = false;
  #ackReceived = false;
  #held: Uint8Array | undefined;

  /** @param enabled - gate IPCP (MPPE required); when false every frame passes. */
  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** True once CCP was seen to open (both Configure-Acks), or always when disabled. */
  get open(): boolean {
    return !this.#enabled || (this.#ackSent && this.#ackReceived);
  }

  /**
   * An outgoing control frame: returns true when it may go now; an IPCP Configure-Request held back
   * (the newest replaces an older one: it is a retransmission or a new request) returns false.
   */
  outgoing(protocol: number, code: number): boolean {
    if (protocol === 0x80fd && code === 2) this.#ackSent = true;
    // Only our own Configure-Requests wait; answers to the peer's requests go at once.
    return protocol !== 0x8021 || code !== 1 || this.open;
  }

  /** Keeps a frame `outgoing` refused. */
  hold(frame: Uint8Array): void {
    this.#held = frame;
  }

  /** An incoming control frame; returns the held frame to send now that CCP opened, if any. */
  incoming(protocol: number, code: number): Uint8Array | undefined {
    if (protocol === 0x80fd && code === 2) this.#ackReceived = true;
    return this.release();
  }

  /** The held frame, if CCP is open now. */
  release(): Uint8Array | undefined {
    if (!this.open || this.#held === undefined) return undefined;
    const frame = this.#held;
    this.#held = undefined;
    return frame;
  }
}

/**
 * Protocol, code and identifier of a PPP control frame (header compression allowed), or
 * `undefined` when the frame is too short to say.
 */
export function controlFrameKind(
  frame: Uint8Array,
): { protocol: number; code: number; identifier: number } | undefined {
  let at = frame[0] === 0xff && frame[1] === 0x03 ? 2 : 0;
  const first = frame[at];
  if (first === undefined) return undefined;
  let protocol = first;
  if ((first & 1) === 0) {
    const second = frame[at + 1];
    if (second === undefined) return undefined;
    protocol = (first << 8) | second;
    at += 2;
  } else at += 1;
  const code = frame[at];
  return code === undefined ? undefined : { protocol, code, identifier: frame[at + 1] ?? 0 };
}
