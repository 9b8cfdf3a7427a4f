#include "pidfd.h"

#include <errno.h>
#include <poll.h>
#include <sys/pidfd.h>

int husk_pidfd_open(pid_t pid, husk_error *err) {
  int fd = pidfd_open(pid, 0);
  if (fd < 0) return husk_fail(err, errno, "open pidfd", "pidfd_open", "pid %d", (int)pid);
  return fd;
}

int husk_pidfd_send_signal(int pidfd, int sig, husk_error *err) {
  if (pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
    return husk_fail(err, errno, "signal process", "pidfd_send_signal", "signal %d via pidfd %d", sig, pidfd);
  return 0;
}

int husk_pidfd_exited(int pidfd, husk_error *err) {
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  int n = poll(&pfd, 1, 0);
  if (n < 0) return husk_fail(err, errno, "check process exit", "poll", "pidfd %d", pidfd);
  if (n > 0 && (pfd.revents & POLLNVAL)) return husk_fail(err, EBADF, "check process exit", "poll", "pidfd %d", pidfd);
  return n > 0;
}
