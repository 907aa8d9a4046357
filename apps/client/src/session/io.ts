/** A byte stream to the server's control port (TCP 1723). */
export interface ControlStream {
  /** Writes bytes (queued in order). */
  write(bytes: Uint8Array): void;
  /** Closes our side after everything written so far. */
  end(): void;
  /** Drops the connection at once. */
  destroy(): void;
  /** Installs the data handler (once). */
  onData(handler: (bytes: Uint8Array) => void): void;
  /** Installs the close handler (once): called when the peer closed or the stream failed. */
  onClose(handler: (error: Error | undefined) => void): void;
}

/** A packet device (the raw GRE socket or the TUN): one packet per read and per write. */
export interface PacketPort {
  /** Writes `buf[offset, offset + length)`; false when the kernel refused it. */
  write(buf: Uint8Array, offset: number, length: number): boolean;
  /**
   * Starts delivering packets: `buf[start, end)` is valid only during the call. For the GRE
   * socket the IPv4 header is already removed. `afterBatch` runs once after each batch the
   * kernel handed over (the session re-arms its timer there, not per packet). `onError` is
   * called once if the device fails for good (reading has then stopped).
   */
  startReading(
    handler: (buf: Uint8Array, start: number, end: number) => void,
    afterBatch?: () => void,
    onError?: (error: Error) => void,
  ): void;
  /** Closes the device. Idempotent. */
  close(): void;
}

/** What the tunnel's network layer agreed, for configuring the host. */
export interface TunnelAddresses {
  /** Our tunnel address. */
  readonly local: string;
  /** The server's tunnel address. */
  readonly peer: string;
  /** DNS servers the server offered (only asked for with `usepeerdns`). */
  readonly dns: readonly string[];
  /** The TUN MTU to set. */
  readonly mtu: number;
  /**
   * The IPv6 link-local addresses `fe80::` + the interface identifiers IPv6CP agreed (RFC 5072
   * §5), when it did.
   */
  readonly ipv6?: { readonly local: string; readonly peer: string };
}

/** The TUN device, configured. */
export interface TunnelInterface {
  /** Interface name, e.g. `ppp0`. */
  readonly name: string;
  /** The device. */
  readonly port: PacketPort;
}

/** Host changes around the tunnel: the TUN, its address, routes, DNS; all undone by `restore`. */
export interface TunnelHost {
  /** Before connecting: pin the route to the server along the path the kernel uses now. */
  prepare(server: string): Promise<void>;
  /** The network layer is up: open and configure the TUN, routes and DNS. */
  bringUp(addresses: TunnelAddresses): Promise<TunnelInterface>;
  /**
   * The path MTU to the server now: the MTU of the device the route to it leaves by, or the
   * kernel's learned path MTU for it when lower; `undefined` when it cannot be told.
   */
  pathMtu(server: string): Promise<number | undefined>;
  /** Changes the TUN's MTU (the path MTU to the server changed); after `bringUp`. */
  setMtu(mtu: number): Promise<void>;
  /** Undoes everything `prepare` and `bringUp` did, in reverse, and closes the TUN. */
  restore(): Promise<void>;
}

/**
 * How the sockets to the server are set up (pptp-linux `--localbind` and `--rtmark`): both the
 * control connection and the GRE socket are bound and marked before they connect.
 */
export interface SocketBinding {
  /** Local IPv4 address to bind to; absent: the kernel's choice. */
  readonly localAddress?: string;
  /** `SO_MARK` for policy routing (needs CAP_NET_ADMIN); absent: none. */
  readonly mark?: number;
}

/** The I/O a session runs on; the real one is in `node-io.ts`, tests bring their own. */
export interface SessionIo {
  /** Opens the TCP control connection to `host:port`. */
  connectControl(
    host: string,
    port: number,
    timeoutMs: number,
    binding?: SocketBinding,
  ): Promise<ControlStream>;
  /** Opens the raw GRE socket connected to `server`. */
  openGre(server: string, binding?: SocketBinding): PacketPort;
  /** Host configuration. */
  readonly host: TunnelHost;
  /** Monotonic milliseconds. */
  now(): number;
  /** Cryptographic randomness. */
  randomBytes(n: number): Uint8Array;
}
