#include "unix_datagram.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "errno_error.h"
#include "wait_readable.h"

namespace pptpkit {

namespace {

bool IsBytes(const Napi::Value& value) {
  return value.IsTypedArray() &&
         value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

// Fills `address` from `bytes` (see unix_datagram.h) and returns its length for the kernel, or
// 0 when the bytes do not fit: a path needs room for its NUL, an abstract name does not.
socklen_t UnixAddress(const Napi::Uint8Array& bytes, struct sockaddr_un* address) {
  std::memset(address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  size_t length = bytes.ByteLength();
  bool abstract = length > 0 && bytes.Data()[0] == 0;
  size_t room = sizeof address->sun_path - (abstract ? 0 : 1);
  if (length == 0 || length > room) return 0;
  std::memcpy(address->sun_path, bytes.Data(), length);
  return static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + length +
                                (abstract ? 0 : 1));
}

}  // namespace

Napi::Value UnixSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsBytes(info[0]) || !IsBytes(info[1])) {
    Napi::TypeError::New(env, "address and data must be Uint8Arrays")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct sockaddr_un address;
  socklen_t addressLength = UnixAddress(info[0].As<Napi::Uint8Array>(), &address);
  if (addressLength == 0) return ThrowErrno(env, "sendto(AF_UNIX)", ENAMETOOLONG);
  Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket(AF_UNIX)", errno);
  ssize_t sent;
  do {
    sent = sendto(fd, data.Data(), data.ByteLength(), MSG_NOSIGNAL,
                  reinterpret_cast<struct sockaddr*>(&address), addressLength);
  } while (sent < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  if (sent < 0) return ThrowErrno(env, "sendto(AF_UNIX)", err);
  return env.Undefined();
}

Napi::Value UnixBind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsBytes(info[0])) {
    Napi::TypeError::New(env, "address must be a Uint8Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct sockaddr_un address;
  socklen_t addressLength = UnixAddress(info[0].As<Napi::Uint8Array>(), &address);
  if (addressLength == 0) return ThrowErrno(env, "bind(AF_UNIX)", ENAMETOOLONG);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket(AF_UNIX)", errno);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&address), addressLength) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, "bind(AF_UNIX)", err);
  }
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, "setsockopt(SO_PASSCRED)", err);
  }
  return Napi::Number::New(env, fd);
}

Napi::Value UnixReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (!IsBytes(info[1]) || !info[3].IsTypedArray() ||
      info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      info[3].As<Napi::Int32Array>().ElementLength() < 3) {
    Napi::TypeError::New(env, "buffer must be a Uint8Array, sender an Int32Array of 3")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buffer = info[1].As<Napi::Uint8Array>();
  Napi::Int32Array sender = info[3].As<Napi::Int32Array>();
  int64_t deadline = MonotonicMs() + info[2].As<Napi::Number>().Int64Value();
  for (;;) {
    struct iovec part = {buffer.Data(), buffer.ByteLength()};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr message;
    std::memset(&message, 0, sizeof message);
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    // MSG_TRUNC: the result is the datagram's real length, so an oversized one is detected.
    ssize_t received = recvmsg(fd, &message, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
    if (received >= 0) {
      sender[0] = sender[1] = sender[2] = -1;
      for (struct cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr;
           c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
            c->cmsg_len < CMSG_LEN(sizeof(struct ucred))) {
          continue;
        }
        struct ucred credentials;
        std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
        sender[0] = credentials.pid;
        sender[1] = static_cast<int32_t>(credentials.uid);
        sender[2] = static_cast<int32_t>(credentials.gid);
      }
      if (static_cast<size_t>(received) > buffer.ByteLength()) {
        return ThrowErrno(env, "recvmsg(AF_UNIX)", EMSGSIZE);
      }
      return Napi::Number::New(env, static_cast<double>(received));
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ThrowErrno(env, "recvmsg(AF_UNIX)", errno);
    int waited = WaitReadable(fd, deadline);
    if (waited < 0) return Napi::Number::New(env, -1);
    if (waited > 0) return ThrowErrno(env, "poll(AF_UNIX)", waited);
  }
}

void RegisterUnixDatagram(Napi::Env env, Napi::Object exports) {
  exports.Set("unixSend", Napi::Function::New(env, UnixSend, "unixSend"));
  exports.Set("unixBind", Napi::Function::New(env, UnixBind, "unixBind"));
  exports.Set("unixReceive", Napi::Function::New(env, UnixReceive, "unixReceive"));
}

}  // namespace pptpkit
