#include "packet_channel.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errno_error.h"

namespace pptpkit {

namespace {

constexpr int kKindTun = 0;
constexpr int kRetryLimit = 4;

// Errors that mean the descriptor itself is unusable; anything else (ICMP-reported errors on a
// connected raw socket, a full queue, one unreachable destination) is counted and the channel
// keeps going.
bool IsFatal(int err) {
  return err == EBADF || err == EBADFD || err == EFAULT || err == EINVAL || err == ENOTSOCK;
}

void SetIpv4(struct sockaddr_in* address, uint32_t hostOrder) {
  std::memset(address, 0, sizeof *address);
  address->sin_family = AF_INET;
  address->sin_addr.s_addr = htonl(hostOrder);
}

}  // namespace

void PacketChannel::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "PacketChannel",
                                    {
                                        InstanceMethod("start", &PacketChannel::Start),
                                        InstanceMethod("stop", &PacketChannel::Stop),
                                        InstanceMethod("writeOne", &PacketChannel::WriteOne),
                                        InstanceMethod("writeBatch", &PacketChannel::WriteBatch),
                                        InstanceMethod("writeOneTo", &PacketChannel::WriteOneTo),
                                        InstanceMethod("writeBatchTo", &PacketChannel::WriteBatchTo),
                                        InstanceMethod("close", &PacketChannel::Close),
                                        InstanceMethod("ref", &PacketChannel::Ref),
                                        InstanceMethod("unref", &PacketChannel::Unref),
                                    });
  exports.Set("PacketChannel", ctor);
}

PacketChannel::PacketChannel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketChannel>(info) {
  fd_ = info[0].As<Napi::Number>().Int32Value();
  kind_ = info[1].As<Napi::Number>().Int32Value();
  Napi::Float64Array stats = info[2].As<Napi::Float64Array>();
  if (stats.ElementLength() < kStatCount) {
    Napi::RangeError::New(info.Env(), "stats array too short").ThrowAsJavaScriptException();
    return;
  }
  stats_ = stats.Data();
  statsRef_ = Napi::Persistent(stats);
  std::memset(messages_, 0, sizeof messages_);
  std::memset(iovecs_, 0, sizeof iovecs_);
}

PacketChannel::~PacketChannel() {
  StopPolling();
  CloseFd();
}

void PacketChannel::StopPolling() {
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(poll_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
  poll_ = nullptr;
}

void PacketChannel::CloseFd() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
}

Napi::Value PacketChannel::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0 || poll_ != nullptr) {
    Napi::Error::New(env, "channel closed or already reading").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array slab = info[0].As<Napi::Uint8Array>();
  uint32_t slotSize = info[1].As<Napi::Number>().Uint32Value();
  Napi::Uint32Array offsets = info[2].As<Napi::Uint32Array>();
  Napi::Uint32Array lengths = info[3].As<Napi::Uint32Array>();
  int maxBatch = info[4].As<Napi::Number>().Int32Value();
  bool withSources = info.Length() > 6 && !info[6].IsUndefined();
  Napi::Uint32Array sources = withSources ? info[6].As<Napi::Uint32Array>() : Napi::Uint32Array();
  if (maxBatch < 1 || maxBatch > kMaxBatch || slotSize == 0 ||
      static_cast<uint64_t>(slotSize) * maxBatch > slab.ByteLength() ||
      offsets.ElementLength() < static_cast<size_t>(maxBatch) ||
      lengths.ElementLength() < static_cast<size_t>(maxBatch) || !info[5].IsFunction() ||
      (withSources && (kind_ == kKindTun || sources.ElementLength() < static_cast<size_t>(maxBatch)))) {
    Napi::RangeError::New(env, "slab or batch arrays too small, or no callback").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  slab_ = slab.Data();
  slotSize_ = slotSize;
  offsets_ = offsets.Data();
  lengths_ = lengths.Data();
  maxBatch_ = maxBatch;
  slabRef_ = Napi::Persistent(slab);
  offsetsRef_ = Napi::Persistent(offsets);
  lengthsRef_ = Napi::Persistent(lengths);
  sources_ = withSources ? sources.Data() : nullptr;
  if (withSources) {
    sourcesRef_ = Napi::Persistent(sources);
  } else {
    sourcesRef_.Reset();
  }
  for (int i = 0; i < maxBatch_; i++) {
    iovecs_[i].iov_base = slab_ + static_cast<size_t>(i) * slotSize_;
    iovecs_[i].iov_len = slotSize_;
    messages_[i].msg_hdr.msg_iov = &iovecs_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
  }
  onBatch_ = Napi::Persistent(info[5].As<Napi::Function>());
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  poll_ = new uv_poll_t;
  int rc = uv_poll_init(loop, poll_, fd_);
  if (rc < 0) {
    delete poll_;
    poll_ = nullptr;
    return ThrowErrno(env, "uv_poll_init", -rc);
  }
  poll_->data = this;
  if (!referenced_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  uv_poll_start(poll_, UV_READABLE, &PacketChannel::OnPoll);
  if (!selfReferenced_) {
    Napi::ObjectWrap<PacketChannel>::Ref();
    selfReferenced_ = true;
  }
  return env.Undefined();
}

Napi::Value PacketChannel::Stop(const Napi::CallbackInfo& info) {
  StopPolling();
  if (selfReferenced_) {
    Napi::ObjectWrap<PacketChannel>::Unref();
    selfReferenced_ = false;
  }
  return info.Env().Undefined();
}

void PacketChannel::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  PacketChannel* self = static_cast<PacketChannel*>(handle->data);
  int fatal = 0;
  int count = 0;
  if (status < 0 && !self->RecoverFromPollError()) {
    // A TUN descriptor polls as an error once its device is gone.
    fatal = self->kind_ == kKindTun ? ENODEV : -status;
  }
  if (fatal == 0) count = self->Drain(&fatal);
  if (count == 0 && fatal == 0) return;
  if (fatal != 0) self->StopPolling();
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  self->onBatch_.MakeCallback(self->Value(),
                              {Napi::Number::New(env, count), Napi::Number::New(env, fatal)});
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    napi_fatal_exception(env, error.Value());
  }
}

bool PacketChannel::RecoverFromPollError() {
  // libuv reports POLLERR as UV_EBADF and stops the watcher. On a socket that is usually a
  // pending error (an ICMP error on the connected raw socket): take it, count it, go on.
  if (kind_ == kKindTun || fd_ < 0 || poll_ == nullptr) return false;
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &length) < 0) return false;
  if (err != 0) {
    stats_[kStatReceiveErrors] += 1;
    stats_[kStatLastReceiveErrno] = err;
  }
  return uv_poll_start(poll_, UV_READABLE, &PacketChannel::OnPoll) == 0;
}

int PacketChannel::Drain(int* fatal) {
  if (fd_ < 0 || slab_ == nullptr) return 0;
  int count = kind_ == kKindTun ? DrainTun(fatal) : DrainSocket(fatal);
  if (count > 0) {
    stats_[kStatReceived] += count;
    stats_[kStatBatches] += 1;
  }
  return count;
}

int PacketChannel::DrainTun(int* fatal) {
  int count = 0;
  int retries = 0;
  while (count < maxBatch_) {
    uint8_t* slot = slab_ + static_cast<size_t>(count) * slotSize_;
    ssize_t n = read(fd_, slot, slotSize_);
    if (n < 0) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) break;
      if (err == EINTR && ++retries < kRetryLimit) continue;
      stats_[kStatReceiveErrors] += 1;
      stats_[kStatLastReceiveErrno] = err;
      if (IsFatal(err)) *fatal = err;
      break;
    }
    if (n == 0) break;
    offsets_[count] = static_cast<uint32_t>(count) * slotSize_;
    lengths_[count] = static_cast<uint32_t>(n);
    count++;
  }
  return count;
}

int PacketChannel::DrainSocket(int* fatal) {
  int received = -1;
  for (int attempt = 0; attempt < kRetryLimit; attempt++) {
    received = recvmmsg(fd_, messages_, maxBatch_, MSG_DONTWAIT, nullptr);
    if (received >= 0) break;
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) return 0;
    if (err == EINTR) continue;
    // A pending socket error (e.g. ICMP unreachable on a connected raw socket) is consumed by
    // this call; count it and try again.
    stats_[kStatReceiveErrors] += 1;
    stats_[kStatLastReceiveErrno] = err;
    if (IsFatal(err)) {
      *fatal = err;
      return 0;
    }
  }
  if (received <= 0) return 0;
  int count = 0;
  for (int i = 0; i < received; i++) {
    uint32_t length = messages_[i].msg_len;
    uint32_t base = static_cast<uint32_t>(i) * slotSize_;
    if ((messages_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      stats_[kStatTruncated] += 1;
      continue;
    }
    // A raw IPv4 socket hands us the IP header: skip IHL * 4 bytes (RFC 791 §3.1).
    uint32_t headerLength = length > 0 ? (slab_[base] & 0x0f) * 4u : 0;
    if (length < 20 || headerLength < 20 || headerLength > length || (slab_[base] >> 4) != 4) {
      stats_[kStatMalformed] += 1;
      continue;
    }
    offsets_[count] = base + headerLength;
    lengths_[count] = length - headerLength;
    if (sources_ != nullptr) {
      // The source address, bytes 12..15 of the IPv4 header (RFC 791 §3.1), network order.
      const uint8_t* source = slab_ + base + 12;
      sources_[count] = static_cast<uint32_t>(source[0]) << 24 | static_cast<uint32_t>(source[1]) << 16 |
                        static_cast<uint32_t>(source[2]) << 8 | source[3];
    }
    count++;
  }
  return count;
}

bool PacketChannel::SendOne(const uint8_t* data, uint32_t length, const struct sockaddr_in* to,
                            int* fatal) {
  auto attempt = [&]() -> ssize_t {
    if (kind_ == kKindTun) return write(fd_, data, length);
    if (to == nullptr) return send(fd_, data, length, MSG_DONTWAIT);
    return sendto(fd_, data, length, MSG_DONTWAIT, reinterpret_cast<const struct sockaddr*>(to), sizeof *to);
  };
  ssize_t n = attempt();
  if (n >= 0) return true;
  int err = errno;
  if (err == EINTR) {
    n = attempt();
    if (n >= 0) return true;
    err = errno;
  }
  stats_[kStatSendDropped] += 1;
  stats_[kStatLastSendErrno] = err;
  if (IsFatal(err)) *fatal = err;
  return false;
}

Napi::Value PacketChannel::WriteOne(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) {
    Napi::Error::New(env, "channel closed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buffer = info[0].As<Napi::Uint8Array>();
  uint32_t offset = info[1].As<Napi::Number>().Uint32Value();
  uint32_t length = info[2].As<Napi::Number>().Uint32Value();
  if (static_cast<uint64_t>(offset) + length > buffer.ByteLength()) {
    Napi::RangeError::New(env, "packet outside buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fatal = 0;
  bool sent = SendOne(buffer.Data() + offset, length, nullptr, &fatal);
  if (fatal != 0) return ThrowErrno(env, kind_ == kKindTun ? "write" : "send", fatal);
  return Napi::Boolean::New(env, sent);
}

Napi::Value PacketChannel::WriteOneTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0 || kind_ == kKindTun) {
    Napi::Error::New(env, "channel closed or not a socket").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buffer = info[0].As<Napi::Uint8Array>();
  uint32_t offset = info[1].As<Napi::Number>().Uint32Value();
  uint32_t length = info[2].As<Napi::Number>().Uint32Value();
  uint32_t destination = info[3].As<Napi::Number>().Uint32Value();
  if (static_cast<uint64_t>(offset) + length > buffer.ByteLength()) {
    Napi::RangeError::New(env, "packet outside buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct sockaddr_in to;
  SetIpv4(&to, destination);
  int fatal = 0;
  bool sent = SendOne(buffer.Data() + offset, length, &to, &fatal);
  if (fatal != 0) return ThrowErrno(env, "sendto", fatal);
  return Napi::Boolean::New(env, sent);
}

Napi::Value PacketChannel::WriteBatch(const Napi::CallbackInfo& info) { return SendBatch(info, false); }

Napi::Value PacketChannel::WriteBatchTo(const Napi::CallbackInfo& info) { return SendBatch(info, true); }

Napi::Value PacketChannel::SendBatch(const Napi::CallbackInfo& info, bool addressed) {
  Napi::Env env = info.Env();
  if (fd_ < 0 || (addressed && kind_ == kKindTun)) {
    Napi::Error::New(env, "channel closed or not a socket").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buffer = info[0].As<Napi::Uint8Array>();
  Napi::Uint32Array offsets = info[1].As<Napi::Uint32Array>();
  Napi::Uint32Array lengths = info[2].As<Napi::Uint32Array>();
  Napi::Uint32Array destinations = addressed ? info[3].As<Napi::Uint32Array>() : Napi::Uint32Array();
  uint32_t count = info[addressed ? 4 : 3].As<Napi::Number>().Uint32Value();
  if (count > offsets.ElementLength() || count > lengths.ElementLength() ||
      (addressed && count > destinations.ElementLength())) {
    Napi::RangeError::New(env, "count exceeds offsets/lengths/destinations").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint8_t* data = buffer.Data();
  uint64_t size = buffer.ByteLength();
  for (uint32_t i = 0; i < count; i++) {
    if (static_cast<uint64_t>(offsets[i]) + lengths[i] > size) {
      Napi::RangeError::New(env, "packet outside buffer").ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  int fatal = 0;
  uint32_t sent = 0;
  if (kind_ == kKindTun) {
    for (uint32_t i = 0; i < count && fatal == 0; i++) {
      if (SendOne(data + offsets[i], lengths[i], nullptr, &fatal)) sent++;
    }
  } else {
    struct mmsghdr messages[kMaxBatch];
    struct iovec iovecs[kMaxBatch];
    struct sockaddr_in addresses[kMaxBatch];
    uint32_t next = 0;
    while (next < count && fatal == 0) {
      uint32_t chunk = count - next < kMaxBatch ? count - next : kMaxBatch;
      for (uint32_t i = 0; i < chunk; i++) {
        iovecs[i].iov_base = data + offsets[next + i];
        iovecs[i].iov_len = lengths[next + i];
        std::memset(&messages[i].msg_hdr, 0, sizeof messages[i].msg_hdr);
        messages[i].msg_hdr.msg_iov = &iovecs[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        if (addressed) {
          SetIpv4(&addresses[i], destinations[next + i]);
          messages[i].msg_hdr.msg_name = &addresses[i];
          messages[i].msg_hdr.msg_namelen = sizeof addresses[i];
        }
      }
      int n = sendmmsg(fd_, messages, chunk, MSG_DONTWAIT);
      if (n > 0) {
        sent += n;
        next += n;
        continue;
      }
      int err = n < 0 ? errno : EAGAIN;
      if (err == EINTR) continue;
      // The packet at `next` failed (sendmmsg reports an error only for its first message):
      // count it as dropped and carry on with the rest.
      stats_[kStatSendDropped] += 1;
      stats_[kStatLastSendErrno] = err;
      if (IsFatal(err)) fatal = err;
      next += 1;
    }
  }
  if (fatal != 0) return ThrowErrno(env, kind_ == kKindTun ? "write" : "sendmmsg", fatal);
  return Napi::Number::New(env, sent);
}

Napi::Value PacketChannel::Close(const Napi::CallbackInfo& info) {
  StopPolling();
  CloseFd();
  onBatch_.Reset();
  slabRef_.Reset();
  offsetsRef_.Reset();
  lengthsRef_.Reset();
  sourcesRef_.Reset();
  slab_ = nullptr;
  sources_ = nullptr;
  if (selfReferenced_) {
    Napi::ObjectWrap<PacketChannel>::Unref();
    selfReferenced_ = false;
  }
  return info.Env().Undefined();
}

Napi::Value PacketChannel::Ref(const Napi::CallbackInfo& info) {
  referenced_ = true;
  if (poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

Napi::Value PacketChannel::Unref(const Napi::CallbackInfo& info) {
  referenced_ = false;
  if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

}  // namespace pptpkit
