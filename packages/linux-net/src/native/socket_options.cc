// SO_MARK, connect() of a raw socket, and a TCP socket prepared for node:net.
#include "socket_options.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "errno_error.h"

namespace pptpkit {

namespace {

sockaddr_in Ipv4(uint32_t hostOrder) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(hostOrder);
  return addr;
}

bool Mark(int fd, uint32_t mark) {
  return setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) == 0;
}

}  // namespace

Napi::Value SetSocketMark(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  uint32_t mark = info[1].As<Napi::Number>().Uint32Value();
  if (!Mark(fd, mark)) return ThrowErrno(env, "setsockopt(SO_MARK)", errno);
  return env.Undefined();
}

Napi::Value SocketMark(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  uint32_t mark = 0;
  socklen_t length = sizeof mark;
  if (getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &length) < 0) {
    return ThrowErrno(env, "getsockopt(SO_MARK)", errno);
  }
  return Napi::Number::New(env, mark);
}

Napi::Value ConnectIpv4(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  sockaddr_in peer = Ipv4(info[1].As<Napi::Number>().Uint32Value());
  if (connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) < 0) {
    return ThrowErrno(env, "connect", errno);
  }
  return env.Undefined();
}

Napi::Value OpenTcpSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t local = info[0].As<Napi::Number>().Uint32Value();
  uint32_t mark = info[1].As<Napi::Number>().Uint32Value();
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return ThrowErrno(env, "socket", errno);
  const char* failed = nullptr;
  if (mark != 0 && !Mark(fd, mark)) failed = "setsockopt(SO_MARK)";
  if (failed == nullptr && local != 0) {
    sockaddr_in addr = Ipv4(local);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) failed = "bind";
  }
  if (failed != nullptr) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, failed, err);
  }
  return Napi::Number::New(env, fd);
}

void RegisterSocketOptions(Napi::Env env, Napi::Object exports) {
  exports.Set("setSocketMark", Napi::Function::New(env, SetSocketMark, "setSocketMark"));
  exports.Set("socketMark", Napi::Function::New(env, SocketMark, "socketMark"));
  exports.Set("connectIpv4", Napi::Function::New(env, ConnectIpv4, "connectIpv4"));
  exports.Set("openTcpSocket", Napi::Function::New(env, OpenTcpSocket, "openTcpSocket"));
}

}  // namespace pptpkit
