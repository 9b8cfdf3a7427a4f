#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

int apply_rlimits(const process_spec *p, mon_error *err) {
  for (size_t i = 0; i < p->nrlimits; i++) {
    struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
    if (setrlimit(p->rlimits[i].resource, &rl) < 0) return mon_error_set(err, errno, "rlimit", "setrlimit %d", p->rlimits[i].resource);
  }
  return 0;
}

int apply_oom_score_adj(const process_spec *p, mon_error *err) {
  if (!p->has_oom_score_adj) return 0;
  cleanup_close int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "oom score", "open /proc/self/oom_score_adj");
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
  if (write(fd, buf, (size_t)n) != n) return mon_error_set(err, errno, "oom score", "write oom_score_adj %d", p->oom_score_adj);
  return 0;
}

static int last_cap(void) {
  int last = 40;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f) {
    if (fscanf(f, "%d", &last) != 1) last = 40;
    fclose(f);
  }
  return last > 63 ? 63 : last;
}

int apply_user_and_caps(const process_spec *p, int setgroups_allowed, mon_error *err) {
  if (p->has_capabilities) {
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return mon_error_set(err, errno, "capabilities", "keep capabilities");
    int last = last_cap();
    for (int cap = 0; cap <= last; cap++) {
      if (p->cap_bounding & (1ULL << cap)) continue;
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        return mon_error_set(err, errno, "capabilities", "drop %d from the bounding set", cap);
    }
  }
  if (setgroups_allowed) {
    gid_t gids[64];
    size_t n = p->nadditional_gids;
    if (n > sizeof gids / sizeof gids[0]) return mon_error_set(err, E2BIG, "user", "too many supplementary groups (%zu)", n);
    for (size_t i = 0; i < n; i++) gids[i] = p->additional_gids[i];
    if (setgroups(n, gids) < 0) return mon_error_set(err, errno, "user", "setgroups");
  }
  if (setresgid(p->gid, p->gid, p->gid) < 0) return mon_error_set(err, errno, "user", "setgid %u", p->gid);
  if (setresuid(p->uid, p->uid, p->uid) < 0) return mon_error_set(err, errno, "user", "setuid %u", p->uid);
  if (!p->has_capabilities) return 0;
  struct husk_cap_header hdr = {.version = HUSK_CAP_VERSION_3, .pid = 0};
  struct husk_cap_data data[2] = {
      {(uint32_t)p->cap_effective, (uint32_t)p->cap_permitted, (uint32_t)p->cap_inheritable},
      {(uint32_t)(p->cap_effective >> 32), (uint32_t)(p->cap_permitted >> 32), (uint32_t)(p->cap_inheritable >> 32)},
  };
  if (sys_capset(&hdr, data) < 0) return mon_error_set(err, errno, "capabilities", "capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return mon_error_set(err, errno, "capabilities", "clear ambient set");
  for (int cap = 0; cap < 64; cap++) {
    if (!(p->cap_ambient & (1ULL << cap))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return mon_error_set(err, errno, "capabilities", "raise %d in the ambient set", cap);
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return mon_error_set(err, errno, "capabilities", "reset keep capabilities");
  return 0;
}

int apply_no_new_privs(const process_spec *p, mon_error *err) {
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return mon_error_set(err, errno, "no new privileges", "prctl");
  return 0;
}

int seccomp_read(const char *path, struct husk_sock_fprog *prog, mon_error *err) {
  prog->len = 0;
  prog->filter = NULL;
  if (path == NULL) return 0;
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "seccomp", "open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0) return mon_error_set(err, errno, "seccomp", "stat %s", path);
  size_t size = (size_t)st.st_size;
  if (size == 0 || size % sizeof(struct husk_sock_filter) != 0 || size / sizeof(struct husk_sock_filter) > 65535)
    return mon_error_set(err, EINVAL, "seccomp", "%s is not a BPF program (%zu bytes)", path, size);
  prog->filter = malloc(size);
  if (prog->filter == NULL) return mon_error_set(err, ENOMEM, "seccomp", "out of memory");
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, (char *)prog->filter + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      free(prog->filter);
      prog->filter = NULL;
      return mon_error_set(err, n < 0 ? errno : EIO, "seccomp", "read %s", path);
    }
    got += (size_t)n;
  }
  prog->len = (unsigned short)(size / sizeof(struct husk_sock_filter));
  return 0;
}

int seccomp_load(struct husk_sock_fprog *prog, unsigned flags, mon_error *err) {
  if (prog->filter == NULL) return 0;
  if (sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) < 0) return mon_error_set(err, errno, "seccomp", "load filter");
  return 0;
}

static int is_executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return -errno;
  if (!S_ISREG(st.st_mode)) return -EACCES;
  if (access(path, X_OK) < 0) return -errno;
  return 0;
}

int find_executable(const char *name, const char *const *env, char *out, size_t outlen, mon_error *err) {
  if (strchr(name, '/')) {
    int rc = is_executable(name);
    if (rc < 0) return mon_error_set(err, -rc, "exec lookup", "executable \"%s\"", name);
    snprintf(out, outlen, "%s", name);
    return 0;
  }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const char *const *e = env; e && *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
  int seen = ENOENT;
  while (*path) {
    const char *end = strchr(path, ':');
    size_t len = end ? (size_t)(end - path) : strlen(path);
    const char *dir = len ? path : ".";
    if (len == 0) len = 1;
    if ((size_t)snprintf(out, outlen, "%.*s/%s", (int)len, dir, name) < outlen) {
      int rc = is_executable(out);
      if (rc == 0) return 0;
      if (rc == -EACCES) seen = EACCES;
    }
    if (!end) break;
    path = end + 1;
  }
  return mon_error_set(err, seen, "exec lookup", "executable file \"%s\" not found in $PATH", name);
}
