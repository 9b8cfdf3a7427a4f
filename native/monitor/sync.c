#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int sync_send(int sock, int type, const mon_error *err, int pass_fd) {
  sync_msg msg;
  memset(&msg, 0, sizeof msg);
  msg.type = type;
  if (err) msg.err = *err;
  struct iovec iov = {.iov_base = &msg, .iov_len = sizeof msg};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  if (pass_fd >= 0) {
    memset(&ctl, 0, sizeof ctl);
    mh.msg_control = ctl.buf;
    mh.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  for (;;) {
    ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n == (ssize_t)sizeof msg ? 0 : -1;
  }
}

int sync_recv(int sock, sync_msg *msg, int *fd_out) {
  struct iovec iov = {.iov_base = msg, .iov_len = sizeof *msg};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
  if (fd_out) *fd_out = -1;
  ssize_t n;
  do n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  if (n == 0) return 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      if (fd_out) *fd_out = fd;
      else close(fd);
    }
  }
  if (n != (ssize_t)sizeof *msg) {
    errno = EPROTO;
    return -1;
  }
  return 1;
}
