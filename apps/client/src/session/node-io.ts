import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { openGreSocket, openTcpSocket } from '@pptpkit/linux-net';
import type { ControlStream, SessionIo, SocketBinding, TunnelHost } from './io.js';
import { packetPort } from './packet-port.js';

/**
 * Opens a TCP connection as a {@link ControlStream}; rejects on failure or after `timeoutMs`.
 * With a `binding`, the socket is bound and marked before it connects (a socket `node:net` cannot
 * make itself: see `@pptpkit/linux-net`'s `openTcpSocket`).
 */
export function connectTcp(
  host: string,
  port: number,
  timeoutMs: number,
  binding: SocketBinding = {},
): Promise<ControlStream> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    if (binding.localAddress === undefined && binding.mark === undefined) {
      socket = connect({ host, port });
    } else {
      try {
        socket = new Socket({ fd: openTcpSocket(binding), readable: true, writable: true });
      } catch (error) {
        reject(error);
        return;
      }
      socket.connect({ host, port });
    }
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
    openGre: (server, binding = {}) => packetPort(openGreSocket(server, binding)),
    host,
    now: () => performance.now(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  };
}
