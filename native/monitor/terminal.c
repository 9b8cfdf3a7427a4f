#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int pty_open(unsigned short rows, unsigned short cols, pty_pair *pty, mon_error *err) {
  pty->master = pty->slave = -1;
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return mon_error_set(err, errno, "terminal", "open /dev/ptmx");
  int unlock = 0, n = -1;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0) {
    int e = errno;
    close(m);
    return mon_error_set(err, e, "terminal", "unlock pty");
  }
  snprintf(pty->slave_path, sizeof pty->slave_path, "/dev/pts/%d", n);
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) s = open(pty->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(m);
    return mon_error_set(err, e, "terminal", "open %s", pty->slave_path);
  }
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  ioctl(s, TIOCSWINSZ, &ws);
  pty->master = m;
  pty->slave = s;
  return 0;
}

int pty_become_stdio(int slave, mon_error *err) {
  if (setsid() < 0) return mon_error_set(err, errno, "terminal", "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return mon_error_set(err, errno, "terminal", "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return mon_error_set(err, errno, "terminal", "dup2 to %d", fd);
  if (slave > 2) close(slave);
  return 0;
}

int pty_resize(int master, unsigned short rows, unsigned short cols) {
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  return ioctl(master, TIOCSWINSZ, &ws);
}
