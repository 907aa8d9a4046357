import { readFileSync } from 'node:fs';

/** The RFC vectors of test/vectors/rfc-vectors.json (see test-vectors.md §1–§4). */
export interface RfcVectors {
  rfc2759_9_2: {
    userName: string;
    userNameHex: string;
    password: string;
    passwordUtf16leHex: string;
    authenticatorChallenge: string;
    peerChallenge: string;
    challenge: string;
    passwordHash: string;
    ntResponse: string;
    passwordHashHash: string;
    authenticatorResponse: string;
  };
  rfc2759_9_3: { password: string; passwordHash: string; keys: { raw: string; parity: string }[] };
  rfc2433_b_2: {
    password: string;
    passwordUtf16leHex: string;
    challenge: string;
    passwordHash: string;
    ntChallengeResponse: string;
  };
  rfc3079_2_5: { password: string; lmPasswordHash: string };
  rfc1320_a_5: { cases: { input: string; md4: string }[] };
}

/** Reads the vector file. */
export function loadVectors(): RfcVectors {
  return JSON.parse(
    readFileSync(new URL('./vectors/rfc-vectors.json', import.meta.url), 'utf8'),
  ) as RfcVectors;
}
