import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { openGreSocket } from '@pptpkit/linux-net';
import type { ControlStream, SessionIo, TunnelHost } from './io.js';
import { packetPort } from './packet-port.js';

/** Opens a TCP connection as a {@link ControlStream}; rejects on failure or after `timeoutMs`. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<ControlStream> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const failed = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      let closeHandler: ((error: Error | undefined) => void) | undefined;
      let failure: Error | undefined;
      socket.on('error', (error) => {
        failure = error;
      });
      socket.on('close', () => closeHandler?.(failure));
      resolve({
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        end: () => socket.end(),
        destroy: () => socket.destroy(),
        onData: (handler) => socket.on('data', (chunk: Buffer) => handler(chunk)),
        onClose: (handler) => {
          closeHandler = handler;
        },
      });
    });
  });
}

/** The real I/O: TCP through node:net, GRE and TUN through `@pptpkit/linux-net`. */
export function nodeIo(host: TunnelHost): SessionIo {
  return {
    connectControl: connectTcp,
    openGre: (server) => packetPort(openGreSocket(server)),
    host,
    now: () => performance.now(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  };
}
