// Socket options Node's own sockets cannot set: the policy-routing mark (SO_MARK), and a TCP
// socket marked and bound before it connects, for handing to node:net.
#pragma once
#include <napi.h>

namespace pptpkit {

// setSocketMark(fd: number, mark: number): void — SO_MARK (needs CAP_NET_ADMIN).
Napi::Value SetSocketMark(const Napi::CallbackInfo& info);
// socketMark(fd: number): number — the socket's SO_MARK.
Napi::Value SocketMark(const Napi::CallbackInfo& info);
// connectIpv4(fd: number, peer: number (host order)): void — connect() an IPv4 datagram or raw
// socket (synchronous: no handshake).
Napi::Value ConnectIpv4(const Napi::CallbackInfo& info);
// openTcpSocket(local: number (host order, 0 = any), mark: number (0 = none)): number — a
// non-blocking, close-on-exec IPv4 TCP socket, marked and bound as asked, not yet connected.
Napi::Value OpenTcpSocket(const Napi::CallbackInfo& info);

// Registers the functions above on `exports`.
void RegisterSocketOptions(Napi::Env env, Napi::Object exports);

}  // namespace pptpkit
