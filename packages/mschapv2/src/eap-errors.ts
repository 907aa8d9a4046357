/**
 * The error codes of the EAP machines (the MS-CHAP-V2 method also reports the MS-CHAP codes of
 * its Failure message, {@link MschapErrorCode}).
 *
 * @module
 */
import type { MschapErrorCode } from './errors.js';

/** Every error code of the EAP codec and machines. */
export type EapErrorCode =
  | 'EAP_TRUNCATED'
  | 'EAP_BAD_LENGTH'
  | 'EAP_BAD_CODE'
  | 'EAP_BAD_VALUE_SIZE'
  | 'EAP_BAD_OPCODE'
  | 'EAP_BAD_MS_LENGTH'
  | 'EAP_AUTH_FAILED'
  | 'EAP_NO_COMMON_TYPE'
  | 'EAP_UNAUTHENTICATED_SUCCESS'
  | 'EAP_TIMEOUT';

/** The codes an EAP exchange can fail with. */
export type EapFailureCode = EapErrorCode | MschapErrorCode;
