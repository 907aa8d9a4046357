// A non-blocking packet fd (TUN device or raw IPv4 socket) with a uv_poll readiness watcher
// that drains up to one batch of packets per wake-up into a caller-provided slab and calls JS
// once per batch, and batched writes (write() per packet for TUN, sendmmsg for sockets). An
// unconnected raw socket also reports each packet's IPv4 source and sends to a given address.
#pragma once
#include <napi.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>

namespace pptpkit {

// Slots of the shared statistics array (a Float64Array owned by JS).
enum StatSlot : int {
  kStatReceived = 0,
  kStatBatches = 1,
  kStatTruncated = 2,
  kStatMalformed = 3,
  kStatReceiveErrors = 4,
  kStatLastReceiveErrno = 5,
  kStatSendDropped = 6,
  kStatLastSendErrno = 7,
  kStatCount = 8,
};

constexpr int kMaxBatch = 64;

class PacketChannel : public Napi::ObjectWrap<PacketChannel> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit PacketChannel(const Napi::CallbackInfo& info);
  ~PacketChannel() override;

 private:
  // new PacketChannel(fd, kind: 0 = TUN, 1 = raw IPv4 socket, stats: Float64Array)
  // start(slab: Uint8Array, slotSize, offsets: Uint32Array, lengths: Uint32Array, maxBatch,
  //       onBatch: (count: number, fatalErrno: number) => void, sources?: Uint32Array)
  // With `sources` (raw socket), sources[i] is packet i's IPv4 source address, host order.
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  // writeOne(buffer: Uint8Array, offset, length): boolean
  Napi::Value WriteOne(const Napi::CallbackInfo& info);
  // writeBatch(buffer: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count): number
  Napi::Value WriteBatch(const Napi::CallbackInfo& info);
  // writeOneTo(buffer: Uint8Array, offset, length, destination (IPv4, host order)): boolean
  Napi::Value WriteOneTo(const Napi::CallbackInfo& info);
  // writeBatchTo(buffer, offsets, lengths, destinations: Uint32Array (host order), count): number
  Napi::Value WriteBatchTo(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);

  static void OnPoll(uv_poll_t* handle, int status, int events);
  bool RecoverFromPollError();
  int Drain(int* fatal);
  int DrainTun(int* fatal);
  int DrainSocket(int* fatal);
  bool SendOne(const uint8_t* data, uint32_t length, const struct sockaddr_in* to, int* fatal);
  // Shared by writeBatch and writeBatchTo: validates the arguments (`destinations` at
  // info[3] when `addressed`), sends, throws on a fatal error.
  Napi::Value SendBatch(const Napi::CallbackInfo& info, bool addressed);
  void StopPolling();
  void CloseFd();

  int fd_ = -1;
  int kind_ = 0;
  bool referenced_ = true;
  bool selfReferenced_ = false;
  uv_poll_t* poll_ = nullptr;
  double* stats_ = nullptr;
  uint8_t* slab_ = nullptr;
  uint32_t slotSize_ = 0;
  uint32_t* offsets_ = nullptr;
  uint32_t* lengths_ = nullptr;
  uint32_t* sources_ = nullptr;
  int maxBatch_ = kMaxBatch;
  Napi::Reference<Napi::Float64Array> statsRef_;
  Napi::Reference<Napi::Uint8Array> slabRef_;
  Napi::Reference<Napi::Uint32Array> offsetsRef_;
  Napi::Reference<Napi::Uint32Array> lengthsRef_;
  Napi::Reference<Napi::Uint32Array> sourcesRef_;
  Napi::FunctionReference onBatch_;
  struct mmsghdr messages_[kMaxBatch];
  struct iovec iovecs_[kMaxBatch];
};

}  // namespace pptpkit
