#include "netlink_socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "errno_error.h"
#include "wait_readable.h"

namespace pptpkit {

namespace {

bool IsBuffer(const Napi::Value& value) {
  return value.IsTypedArray() &&
         value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

}  // namespace

Napi::Value OpenNetlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int protocol = info[0].As<Napi::Number>().Int32Value();
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return ThrowErrno(env, "socket(AF_NETLINK)", errno);
  struct sockaddr_nl local;
  std::memset(&local, 0, sizeof local);
  local.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&local), sizeof local) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, "bind(AF_NETLINK)", err);
  }
  // Optional: kernels before 4.12 (EXT_ACK) and 4.2 (CAP_ACK) answer without them.
  int on = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  return Napi::Number::New(env, fd);
}

Napi::Value NetlinkSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (!IsBuffer(info[1])) {
    Napi::TypeError::New(env, "request must be a Uint8Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array request = info[1].As<Napi::Uint8Array>();
  struct sockaddr_nl kernel;
  std::memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd, request.Data(), request.ByteLength(), 0,
                  reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return ThrowErrno(env, "sendto(netlink)", errno);
  if (static_cast<size_t>(sent) != request.ByteLength()) {
    return ThrowErrno(env, "sendto(netlink)", EMSGSIZE);
  }
  return env.Undefined();
}

Napi::Value NetlinkReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (!IsBuffer(info[1])) {
    Napi::TypeError::New(env, "buffer must be a Uint8Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buffer = info[1].As<Napi::Uint8Array>();
  int64_t deadline = MonotonicMs() + info[2].As<Napi::Number>().Int64Value();
  for (;;) {
    struct sockaddr_nl from;
    socklen_t fromLength = sizeof from;
    // MSG_TRUNC: the result is the datagram's real length, so an oversized one is detected.
    ssize_t received = recvfrom(fd, buffer.Data(), buffer.ByteLength(), MSG_DONTWAIT | MSG_TRUNC,
                                reinterpret_cast<struct sockaddr*>(&from), &fromLength);
    if (received >= 0) {
      if (from.nl_pid != 0) continue;  // not from the kernel
      if (static_cast<size_t>(received) > buffer.ByteLength()) {
        return ThrowErrno(env, "recvfrom(netlink)", EMSGSIZE);
      }
      return Napi::Number::New(env, static_cast<double>(received));
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ThrowErrno(env, "recvfrom(netlink)", errno);
    int waited = WaitReadable(fd, deadline);
    if (waited < 0) return ThrowErrno(env, "poll(netlink)", ETIMEDOUT);
    if (waited > 0) return ThrowErrno(env, "poll(netlink)", waited);
  }
}

void RegisterNetlink(Napi::Env env, Napi::Object exports) {
  exports.Set("openNetlink", Napi::Function::New(env, OpenNetlink, "openNetlink"));
  exports.Set("netlinkSend", Napi::Function::New(env, NetlinkSend, "netlinkSend"));
  exports.Set("netlinkReceive", Napi::Function::New(env, NetlinkReceive, "netlinkReceive"));
}

}  // namespace pptpkit
