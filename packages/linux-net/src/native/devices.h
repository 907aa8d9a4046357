// Opening the kernel objects: TUN devices, raw IPv4 sockets, network namespaces.
#pragma once
#include <napi.h>

namespace pptpkit {

// openTun(name: string, multiQueue: boolean): { fd: number, name: string }
Napi::Value OpenTun(const Napi::CallbackInfo& info);
// setMtu(name: string, mtu: number): void (SIOCSIFMTU)
Napi::Value SetMtu(const Napi::CallbackInfo& info);
// openRawIp(protocol: number, peer: number (host order), receiveBuffer: number):
//   { fd: number, receiveBuffer: number }
Napi::Value OpenRawIp(const Napi::CallbackInfo& info);
// openRawIpListener(protocol: number, local: number (host order, 0 = any), receiveBuffer: number):
//   { fd: number, receiveBuffer: number } — unconnected, bound to `local` unless 0.
Napi::Value OpenRawIpListener(const Napi::CallbackInfo& info);
// setNetns(fd: number): void — moves the calling thread into the network namespace of fd.
Napi::Value SetNetns(const Napi::CallbackInfo& info);
// closeFd(fd: number): void
Napi::Value CloseFd(const Napi::CallbackInfo& info);

}  // namespace pptpkit
