// A netlink socket to the kernel, used synchronously by the TypeScript rtnetlink layer (which
// encodes and decodes every message): open, send one datagram, receive one datagram with a
// timeout. Closing goes through closeFd.
#pragma once
#include <napi.h>

namespace pptpkit {

// openNetlink(protocol: number): number — a non-blocking, close-on-exec AF_NETLINK socket bound
// to a kernel-assigned port, with extended acks (NETLINK_EXT_ACK) and capped error echoes
// (NETLINK_CAP_ACK) where the kernel has them.
Napi::Value OpenNetlink(const Napi::CallbackInfo& info);
// netlinkSend(fd: number, request: Uint8Array): void — one datagram to the kernel (port 0).
Napi::Value NetlinkSend(const Napi::CallbackInfo& info);
// netlinkReceive(fd: number, buffer: Uint8Array, timeoutMs: number): number — the length of the
// next datagram from the kernel (datagrams from other ports are discarded); throws ETIMEDOUT
// when none arrives in time and EMSGSIZE when one is larger than the buffer.
Napi::Value NetlinkReceive(const Napi::CallbackInfo& info);

// Adds the three functions above to the addon's exports.
void RegisterNetlink(Napi::Env env, Napi::Object exports);

}  // namespace pptpkit
