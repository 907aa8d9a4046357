/**
 * `@pptpkit/linux-net`: the only pptpkit package that talks to the kernel. A TUN device, a
 * raw GRE socket connected to one peer and an unconnected one shared by a server's sessions,
 * with batched, event-driven I/O through a small N-API addon, and a typed rtnetlink API (links,
 * addresses, routes, lookups, proxy neighbours; IPv4 and IPv6) with an undo journal, and
 * AF_UNIX datagrams (systemd's notify socket, syslog).
 *
 * @module
 */
export {
  type LinuxCapability,
  LinuxNetError,
  type LinuxNetErrorCode,
  type LinuxNetErrorDetails,
} from './errors.js';
export { GreListener, type GreListenerOptions, openGreListener } from './gre-listener.js';
export {
  DEFAULT_GRE_RECEIVE_BUFFER,
  GreSocket,
  type GreSocketOptions,
  IPPROTO_GRE,
  openGreSocket,
} from './gre-socket.js';
export { ipv6FromBytes, parseIpv6 } from './ipv6.js';
export {
  type JournalEntry,
  NetworkJournal,
  type NetworkJournalOptions,
  type UndoFailure,
  type UndoReport,
} from './network-journal.js';
export {
  type ChannelStats,
  MAX_BATCH,
  type PacketBatch,
  type PacketBatchHandler,
  PacketChannel,
  type ReadOptions,
  SLOT_SIZE,
} from './packet-channel.js';
export {
  type AddressFamily,
  type AddressInfo,
  type DefaultRoute,
  defaultRouteSpec,
  hostRoute,
  type LinkInfo,
  type NeighbourProxy,
  openRtnetlink,
  type PointToPointAddress,
  type RouteInfo,
  type RouteKind,
  type RouteLookup,
  type RouteLookupOptions,
  RouteProtocol,
  RouteScope,
  type RouteSpec,
  RouteTable,
  type RouteVia,
  type Rtnetlink,
  type RtnetlinkOptions,
  splitDefaultRoutes,
} from './rtnetlink.js';
export {
  openTcpSocket,
  setSocketMark,
  socketMark,
  type TcpSocketOptions,
} from './socket-options.js';
export { openTun, TunDevice, type TunOptions } from './tun.js';
export {
  bindUnixDatagram,
  MAX_UNIX_NAME_BYTES,
  sendUnixDatagram,
  UnixDatagramSocket,
  type UnixSender,
} from './unix-datagram.js';
