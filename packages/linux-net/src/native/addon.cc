// Entry point of the pptpkit linux-net addon.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "devices.h"
#include "errno_error.h"
#include "netlink_socket.h"
#include "packet_channel.h"
#include "unix_datagram.h"
#include "socket_options.h"

namespace pptpkit {

Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err) {
  std::string message = std::string(syscall) + ": " + std::strerror(err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace pptpkit

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("openTun", Napi::Function::New(env, pptpkit::OpenTun, "openTun"));
  exports.Set("setMtu", Napi::Function::New(env, pptpkit::SetMtu, "setMtu"));
  exports.Set("openRawIp", Napi::Function::New(env, pptpkit::OpenRawIp, "openRawIp"));
  exports.Set("openRawIpListener",
              Napi::Function::New(env, pptpkit::OpenRawIpListener, "openRawIpListener"));
  pptpkit::RegisterNetlink(env, exports);
  exports.Set("setNetns", Napi::Function::New(env, pptpkit::SetNetns, "setNetns"));
  exports.Set("closeFd", Napi::Function::New(env, pptpkit::CloseFd, "closeFd"));
  pptpkit::PacketChannel::Init(env, exports);
  pptpkit::RegisterUnixDatagram(env, exports);
  pptpkit::RegisterSocketOptions(env, exports);
  return exports;
}

NODE_API_MODULE(pptpkit_linux_net, Init)
