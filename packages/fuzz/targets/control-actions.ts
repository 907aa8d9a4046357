/**
 * The invariants every PPTP control-connection core keeps, checked on its actions: at most one
 * `down`, and nothing after it; calls come up once and are all down before the connection;
 * reasons are typed; every `send` decodes; the next deadline is a time, never NaN.
 *
 * @module
 */
import { type ControlAction, decodeControlMessage } from '@pptpkit/pptp-control';
import { invariant, typedErrorCode } from '../engine/outcome.js';

/** Follows one core's actions and checks them as they come. */
export class ControlActionChecker {
  /** Calls that are up. */
  readonly live: Set<number> = new Set();
  /** Whether `down` came. */
  down = false;
  /** The `down` reason's code, for the value label. */
  downCode: string | undefined;
  /** When `timeout` is next due (`undefined`: nothing pending). */
  deadline: number | undefined;
  /** Calls that came up, in order. */
  readonly callsUp: number[] = [];

  /**
   * Checks one batch of actions and the core's next deadline after it; `onCallUp` sees each
   * `call-up`.
   */
  check(
    actions: readonly ControlAction[],
    nextDeadline: number,
    onCallUp: (action: Extract<ControlAction, { type: 'call-up' }>) => void = () => undefined,
  ): void {
    invariant(!Number.isNaN(nextDeadline), 'nextDeadline is NaN');
    this.deadline = Number.isFinite(nextDeadline) ? nextDeadline : undefined;
    for (const a of actions) {
      invariant(!this.down, 'an action after down', a.type);
      switch (a.type) {
        case 'down':
          invariant(
            typedErrorCode(a.reason)?.startsWith('PPTP_') === true,
            'down without a typed PPTP_ reason',
          );
          invariant(this.live.size === 0, 'down while a call is still up');
          this.down = true;
          this.downCode = a.reason.code;
          break;
        case 'call-up':
          invariant(!this.live.has(a.call.callId), 'call-up twice for one call');
          this.live.add(a.call.callId);
          this.callsUp.push(a.call.callId);
          onCallUp(a);
          break;
        case 'call-down':
          invariant(
            typedErrorCode(a.reason)?.startsWith('PPTP_') === true,
            'call-down without a typed PPTP_ reason',
          );
          this.live.delete(a.callId);
          break;
        case 'send':
          try {
            decodeControlMessage(a.bytes);
          } catch (error) {
            invariant(false, 'a sent message does not decode', String(error));
          }
          break;
        default:
          break;
      }
    }
  }
}
