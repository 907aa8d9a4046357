#include "wait_readable.h"

#include <poll.h>
#include <time.h>

#include <cerrno>

namespace pptpkit {

int64_t MonotonicMs() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

int WaitReadable(int fd, int64_t deadline) {
  int64_t remaining = deadline - MonotonicMs();
  if (remaining <= 0) return -1;
  struct pollfd readable = {fd, POLLIN, 0};
  if (poll(&readable, 1, static_cast<int>(remaining > 60000 ? 60000 : remaining)) < 0 &&
      errno != EINTR) {
    return errno;
  }
  return 0;
}

}  // namespace pptpkit
