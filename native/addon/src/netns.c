#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "thread.h"

struct connect_job {
  const char *host;
  int port;
  int timeout_ms;
  int fd;
};

static int connect_in_ns(void *p, husk_error *err) {
  struct connect_job *job = p;
  struct sockaddr_storage addr;
  socklen_t addrlen;
  memset(&addr, 0, sizeof addr);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
  if (inet_pton(AF_INET, job->host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)job->port);
    addrlen = sizeof *v4;
  } else if (inet_pton(AF_INET6, job->host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)job->port);
    addrlen = sizeof *v6;
  } else {
    return husk_fail(err, EINVAL, "parse address", NULL, "not an IP address: %s", job->host);
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return husk_fail(err, errno, "open socket in netns", "socket", "%s", job->host);
  if (connect(fd, (struct sockaddr *)&addr, addrlen) < 0) {
    if (errno != EINPROGRESS) {
      int saved = errno;
      close(fd);
      return husk_fail(err, saved, "connect in netns", "connect", "%s port %d", job->host, job->port);
    }
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int n;
    do n = poll(&pfd, 1, job->timeout_ms);
    while (n < 0 && errno == EINTR);
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (n == 0) soerr = ETIMEDOUT;
    else if (n < 0) soerr = errno;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) soerr = errno;
    if (soerr != 0) {
      close(fd);
      return husk_fail(err, soerr, "connect in netns", "connect", "%s port %d", job->host, job->port);
    }
  }
  job->fd = fd;
  return 0;
}

int husk_netns_tcp_connect(const char *ns_path, const char *host, int port, int timeout_ms, husk_error *err) {
  struct connect_job job = {host, port, timeout_ms, -1};
  if (husk_run_in_thread(ns_path, CLONE_NEWNET, 0, connect_in_ns, &job, err) < 0) return -1;
  return job.fd;
}

static int loopback_up(void *p, husk_error *err) {
  (void)p;
  cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return husk_fail(err, errno, "open control socket in netns", "socket", "%s", "AF_INET");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return husk_fail(err, errno, "read loopback flags", "ioctl", "%s", "SIOCGIFFLAGS lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) return husk_fail(err, errno, "set loopback up", "ioctl", "%s", "SIOCSIFFLAGS lo");
  return 0;
}

int husk_netns_loopback_up(const char *ns_path, husk_error *err) {
  return husk_run_in_thread(ns_path, CLONE_NEWNET, 0, loopback_up, NULL, err);
}

struct interfaces_job {
  char *buf;
  size_t buflen;
  int count;
};

static int list_interfaces(void *p, husk_error *err) {
  struct interfaces_job *job = p;
  struct if_nameindex *list = if_nameindex();
  if (list == NULL) return husk_fail(err, errno, "list interfaces in netns", "if_nameindex", "%s", "");
  size_t used = 0;
  int ret = 0;
  for (struct if_nameindex *it = list; it->if_index != 0; it++) {
    size_t n = strlen(it->if_name) + 1;
    if (used + n > job->buflen) {
      ret = husk_fail(err, ENOBUFS, "list interfaces in netns", NULL, "%s", "too many interfaces");
      break;
    }
    memcpy(job->buf + used, it->if_name, n);
    used += n;
    job->count++;
  }
  if_freenameindex(list);
  return ret;
}

int husk_netns_interfaces(const char *ns_path, char *buf, size_t buflen, husk_error *err) {
  struct interfaces_job job = {buf, buflen, 0};
  if (husk_run_in_thread(ns_path, CLONE_NEWNET, 0, list_interfaces, &job, err) < 0) return -1;
  return job.count;
}
