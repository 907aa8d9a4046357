#include "devices.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "errno_error.h"

namespace pptpkit {

namespace {

bool CopyIfName(const std::string& name, char (&out)[IFNAMSIZ]) {
  if (name.size() >= IFNAMSIZ) return false;
  std::memset(out, 0, IFNAMSIZ);
  std::memcpy(out, name.data(), name.size());
  return true;
}

}  // namespace

Napi::Value OpenTun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  bool multiQueue = info[1].As<Napi::Boolean>().Value();
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (!CopyIfName(name, ifr.ifr_name)) {
    Napi::RangeError::New(env, "interface name too long").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0);
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "open(/dev/net/tun)", errno);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, "ioctl(TUNSETIFF)", err);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("fd", Napi::Number::New(env, fd));
  result.Set("name", Napi::String::New(env, ifr.ifr_name));
  return result;
}

Napi::Value SetMtu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int mtu = info[1].As<Napi::Number>().Int32Value();
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (!CopyIfName(name, ifr.ifr_name)) {
    Napi::RangeError::New(env, "interface name too long").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  ifr.ifr_mtu = mtu;
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return ThrowErrno(env, "socket(AF_INET)", errno);
  if (ioctl(sock, SIOCSIFMTU, &ifr) < 0) {
    int err = errno;
    close(sock);
    return ThrowErrno(env, "ioctl(SIOCSIFMTU)", err);
  }
  close(sock);
  return env.Undefined();
}

namespace {

// A non-blocking raw IPv4 socket for `protocol` with the receive buffer asked for; -1 with
// *syscall and errno set on failure.
int RawSocket(int protocol, int receiveBuffer, const char** syscall) {
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    *syscall = "socket(AF_INET, SOCK_RAW)";
    return -1;
  }
  if (receiveBuffer > 0) {
    // SO_RCVBUFFORCE passes net.core.rmem_max when we hold CAP_NET_ADMIN; otherwise the
    // kernel caps the plain SO_RCVBUF request at rmem_max.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receiveBuffer, sizeof receiveBuffer) < 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer) < 0) {
      int err = errno;
      close(fd);
      errno = err;
      *syscall = "setsockopt(SO_RCVBUF)";
      return -1;
    }
  }
  return fd;
}

// Calls bind or connect with an IPv4 address (host order); closes fd on failure.
bool WithAddress(int fd, uint32_t hostOrder, bool doBind) {
  struct sockaddr_in addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(hostOrder);
  const struct sockaddr* raw = reinterpret_cast<struct sockaddr*>(&addr);
  if ((doBind ? bind(fd, raw, sizeof addr) : connect(fd, raw, sizeof addr)) == 0) return true;
  int err = errno;
  close(fd);
  errno = err;
  return false;
}

Napi::Value RawSocketResult(Napi::Env env, int fd) {
  int actual = 0;
  socklen_t actualLength = sizeof actual;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &actualLength);
  Napi::Object result = Napi::Object::New(env);
  result.Set("fd", Napi::Number::New(env, fd));
  result.Set("receiveBuffer", Napi::Number::New(env, actual));
  return result;
}

}  // namespace

Napi::Value OpenRawIp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int protocol = info[0].As<Napi::Number>().Int32Value();
  uint32_t peer = info[1].As<Napi::Number>().Uint32Value();
  int receiveBuffer = info[2].As<Napi::Number>().Int32Value();
  const char* syscall = "";
  int fd = RawSocket(protocol, receiveBuffer, &syscall);
  if (fd < 0) return ThrowErrno(env, syscall, errno);
  if (!WithAddress(fd, peer, false)) return ThrowErrno(env, "connect", errno);
  return RawSocketResult(env, fd);
}

Napi::Value OpenRawIpListener(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int protocol = info[0].As<Napi::Number>().Int32Value();
  uint32_t local = info[1].As<Napi::Number>().Uint32Value();
  int receiveBuffer = info[2].As<Napi::Number>().Int32Value();
  const char* syscall = "";
  int fd = RawSocket(protocol, receiveBuffer, &syscall);
  if (fd < 0) return ThrowErrno(env, syscall, errno);
  // bind() on a raw socket sets the address it receives for (and sends from); 0.0.0.0: any.
  if (local != 0 && !WithAddress(fd, local, true)) return ThrowErrno(env, "bind", errno);
  return RawSocketResult(env, fd);
}

Napi::Value SetNetns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (setns(fd, CLONE_NEWNET) < 0) return ThrowErrno(env, "setns(CLONE_NEWNET)", errno);
  return env.Undefined();
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (close(fd) < 0) return ThrowErrno(env, "close", errno);
  return env.Undefined();
}

}  // namespace pptpkit
