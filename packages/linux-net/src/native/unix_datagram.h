// AF_UNIX datagram sockets: one datagram to a socket path (systemd's NOTIFY_SOCKET, syslog's
// /dev/log), and a bound receiver. The TypeScript layer encodes the address: `address` is the
// bytes of `sun_path` as given to the kernel — a file-system path without its terminating NUL,
// or an abstract name with its leading NUL byte.
#pragma once
#include <napi.h>

namespace pptpkit {

// unixSend(address: Uint8Array, data: Uint8Array): void — one datagram from a fresh unbound,
// non-blocking, close-on-exec socket (sendto with MSG_NOSIGNAL), then closed.
Napi::Value UnixSend(const Napi::CallbackInfo& info);
// unixBind(address: Uint8Array): number — a non-blocking, close-on-exec datagram socket bound
// to the address, with SO_PASSCRED so each datagram carries its sender's credentials.
Napi::Value UnixBind(const Napi::CallbackInfo& info);
// unixReceive(fd: number, buffer: Uint8Array, timeoutMs: number, sender: Int32Array): number —
// the length of the next datagram, or -1 when none arrives in time; `sender` receives the
// sender's pid, uid and gid (-1 each when the kernel attached none). A datagram larger than
// `buffer` is consumed and throws EMSGSIZE.
Napi::Value UnixReceive(const Napi::CallbackInfo& info);

// Adds the three functions above to the addon's exports.
void RegisterUnixDatagram(Napi::Env env, Napi::Object exports);

}  // namespace pptpkit
