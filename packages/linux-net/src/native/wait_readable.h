// Waiting for a non-blocking descriptor to become readable, for the bindings that read with a
// timeout (netlinkReceive, unixReceive).
#pragma once
#include <cstdint>

namespace pptpkit {

// CLOCK_MONOTONIC in milliseconds.
int64_t MonotonicMs();

// Waits (poll, at most 60 s per call) until `fd` is readable or the monotonic `deadline` (ms)
// passes. Returns 0 to try the read again (readable, or interrupted), -1 when the deadline has
// passed, or the errno of a failed poll.
int WaitReadable(int fd, int64_t deadline);

}  // namespace pptpkit
