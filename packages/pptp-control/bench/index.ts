/**
 * What a flood of Outgoing-Call-Requests costs a PAC: 70,000 requests on one established
 * control connection (about 11 MB of TCP), one `receive` per request, each timed. Prints µs
 * per request over ranges of the request count — the ranges just before and after the
 * connection's call limit are the ones that matter — and how many calls are live at the end.
 * Run with `pnpm --filter @pptpkit/pptp-control bench`.
 */
import { getRandomValues } from 'node:crypto';
import { encodeControlMessage, PacControlConnection } from '../src/index.js';

const REQUESTS = 70_000;

function outgoingCallRequest(callId: number): Uint8Array {
  return encodeControlMessage({
    type: 'outgoing-call-request',
    callId,
    callSerialNumber: callId,
    minimumBps: 300,
    maximumBps: 100_000_000,
    bearerType: 3,
    framingType: 3,
    receiveWindowSize: 64,
    processingDelay: 0,
    phoneNumberLength: 0,
    phoneNumber: '',
    subaddress: '',
  });
}

const START_REQUEST: Uint8Array = encodeControlMessage({
  type: 'start-control-connection-request',
  protocolVersion: 0x0100,
  framingCapabilities: 1,
  bearerCapabilities: 1,
  maximumChannels: 0,
  firmwareRevision: 1,
  hostName: 'flood',
  vendorString: 'bench',
});

/** The peer's requests, every peer Call ID different (1..65535, then around again). */
const requests: Uint8Array[] = Array.from({ length: REQUESTS }, (_, i) =>
  outgoingCallRequest((i % 0xffff) + 1),
);

/** Feeds `count` requests to a new PAC; returns ns per request and how the run ended. */
function flood(
  maximumChannels: number | undefined,
  count: number,
): { ns: Float64Array; done: number; live: number; thrown: string | undefined } {
  const pac = new PacControlConnection({
    randomBytes: (n) => getRandomValues(new Uint8Array(n)),
    ...(maximumChannels === undefined ? {} : { maximumChannels }),
  });
  pac.start(0);
  pac.receive(START_REQUEST, 0);
  const ns = new Float64Array(count);
  let done = 0;
  let thrown: string | undefined;
  for (; done < count; done++) {
    const t0 = process.hrtime.bigint();
    try {
      pac.receive(requests[done]!, 0);
    } catch (error) {
      thrown = `${(error as Error).name}: ${(error as Error).message}`;
      break;
    }
    ns[done] = Number(process.hrtime.bigint() - t0);
  }
  return { ns, done, live: pac.calls.size, thrown };
}

/** Mean and median µs per request over requests `from..to` (1-based, inclusive), if they ran. */
function usPerRequest(ns: Float64Array, done: number, from: number, to: number): string {
  if (to > done) return 'not reached';
  const range = ns.slice(from - 1, to).sort();
  const mean = range.reduce((sum, x) => sum + x, 0) / range.length / 1000;
  const median = range[range.length >>> 1]! / 1000;
  return `mean ${mean.toFixed(2).padStart(8)} µs, median ${median.toFixed(2).padStart(8)} µs`;
}

function report(title: string, maximumChannels: number | undefined, limit: number): void {
  const { ns, done, live, thrown } = flood(maximumChannels, REQUESTS);
  console.log(`\n${title}`);
  const ranges: [string, number, number][] = [
    ['first 1,000', 1, 1000],
    [`1,000 up to the limit (${limit.toLocaleString('en')})`, limit - 999, limit],
    ['1,000 after the limit', limit + 1, limit + 1000],
    ['last 1,000 before 65,535 requests', 64_536, 65_535],
    ['last 1,000 of 70,000', 69_001, 70_000],
  ];
  for (const [name, from, to] of ranges) {
    if (from < 1) continue;
    console.log(`  ${name.padEnd(44)} ${usPerRequest(ns, done, from, to)}`);
  }
  console.log(`  requests handled: ${done.toLocaleString('en')}; live calls at the end: ${live}`);
  if (thrown !== undefined) console.log(`  receive() threw at request ${done + 1}: ${thrown}`);
}

// Warm-up of both paths: accepted calls and refusals.
flood(undefined, 20_000);
flood(32_767, 20_000);
report('PAC with the default options (maximumChannels 1)', undefined, 1);
report('PAC with maximumChannels 32767', 32_767, 32_767);
