#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "kernel.h"

static const struct {
  const char *name;
  unsigned long set, clear;
} flag_options[] = {
    {"defaults", 0, 0},
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    {"noatime", MS_NOATIME, 0},
    {"atime", 0, MS_NOATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"silent", MS_SILENT, 0},
    {"loud", 0, MS_SILENT},
};

static const struct {
  const char *name;
  unsigned long flags;
} propagation_options[] = {
    {"private", MS_PRIVATE},         {"rprivate", MS_PRIVATE | MS_REC},       {"slave", MS_SLAVE},   {"rslave", MS_SLAVE | MS_REC},
    {"shared", MS_SHARED},           {"rshared", MS_SHARED | MS_REC},         {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
};

int mount_opts_parse(const char *const *options, mount_opts *o, mon_error *err) {
  memset(o, 0, sizeof *o);
  size_t dlen = 0;
  for (const char *const *opt = options; opt && *opt; opt++) {
    const char *name = *opt;
    int known = 0;
    for (size_t i = 0; i < sizeof flag_options / sizeof flag_options[0] && !known; i++) {
      if (strcmp(name, flag_options[i].name) != 0) continue;
      o->flags = (o->flags | flag_options[i].set) & ~flag_options[i].clear;
      o->clear = (o->clear | flag_options[i].clear) & ~flag_options[i].set;
      known = 1;
    }
    for (size_t i = 0; i < sizeof propagation_options / sizeof propagation_options[0] && !known; i++) {
      if (strcmp(name, propagation_options[i].name) != 0) continue;
      o->propagation = propagation_options[i].flags;
      known = 1;
    }
    if (known) continue;
    if (strcmp(name, "bind") == 0) {
      o->bind = 1;
    } else if (strcmp(name, "rbind") == 0) {
      o->bind = 1;
      o->recursive = 1;
    } else if (strcmp(name, "rro") == 0) {
      o->flags |= MS_RDONLY;
      o->recursive_ro = 1;
    } else if (strcmp(name, "tmpcopyup") == 0 || strcmp(name, "remount") == 0) {
      /* accepted, nothing to do for husk */
    } else {
      size_t n = strlen(name);
      if (dlen + n + 2 > sizeof o->data) return mon_error_set(err, E2BIG, "mount", "mount options too long");
      if (dlen) o->data[dlen++] = ',';
      memcpy(o->data + dlen, name, n + 1);
      dlen += n;
    }
  }
  return 0;
}

void fd_path(int fd, char buf[static 32]) { snprintf(buf, 32, "/proc/self/fd/%d", fd); }

static int open_resolved(int rootfd, const char *path) {
  struct husk_open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = HUSK_RESOLVE_IN_ROOT | HUSK_RESOLVE_NO_MAGICLINKS};
  return sys_openat2(rootfd, path, &how);
}

int open_in_root(int rootfd, const char *path, create_kind create, mon_error *err) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return mon_error_set(err, ENAMETOOLONG, "mount", "%s", path);
  int fd = open_resolved(rootfd, buf);
  if (fd >= 0 || errno != ENOENT || create == CREATE_NONE) {
    if (fd < 0) return mon_error_set(err, errno, "mount", "resolve %s in rootfs", path);
    return fd;
  }
  /* Walk down, making what is missing; each parent is resolved inside the root. */
  int parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
  if (parent < 0) return mon_error_set(err, errno, "mount", "dup rootfs fd");
  char *p = buf;
  while (*p == '/') p++;
  while (*p) {
    char *end = strchr(p, '/');
    int last = 1;
    if (end) {
      *end = '\0';
      const char *rest = end + 1;
      while (*rest == '/') rest++;
      last = *rest == '\0';
    }
    int next = open_resolved(rootfd, buf);
    if (next < 0 && errno == ENOENT) {
      int rc;
      if (last && create == CREATE_FILE) {
        rc = openat(parent, p, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (rc >= 0) close(rc);
      } else {
        rc = mkdirat(parent, p, 0755);
      }
      if (rc < 0 && errno != EEXIST) {
        int e = errno;
        close(parent);
        return mon_error_set(err, e, "mount", "create %s in rootfs", buf);
      }
      next = open_resolved(rootfd, buf);
    }
    if (next < 0) {
      int e = errno;
      close(parent);
      return mon_error_set(err, e, "mount", "resolve %s in rootfs", buf);
    }
    close(parent);
    parent = next;
    if (!end) break;
    *end = '/';
    p = end + 1;
    while (*p == '/') p++;
  }
  return parent;
}

unsigned long mount_flags_of(const char *path) {
  struct statvfs sv;
  unsigned long out = 0;
  if (statvfs(path, &sv) < 0) return 0;
  if (sv.f_flag & ST_RDONLY) out |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) out |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) out |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) out |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) out |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) out |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) out |= MS_RELATIME;
  return out;
}

static int apply_after(int rootfd, const mount_entry *m, const mount_opts *o, int remount, mon_error *err) {
  if (!remount && o->propagation == 0 && !o->recursive_ro) return 0;
  /* the fd used as the mount target still names the covered directory: reopen */
  cleanup_close int fd = open_in_root(rootfd, m->destination, CREATE_NONE, err);
  if (fd < 0) return -1;
  char target[32];
  fd_path(fd, target);
  if (remount) {
    unsigned long keep = mount_flags_of(target) & ~o->clear;
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | keep | o->flags, NULL) < 0)
      return mon_error_set(err, errno, "mount", "remount %s", m->destination);
  }
  if (o->recursive_ro) {
    struct husk_mount_attr attr = {.attr_set = HUSK_MOUNT_ATTR_RDONLY};
    if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | HUSK_AT_RECURSIVE, &attr) < 0)
      return mon_error_set(err, errno, "mount", "make %s recursively read-only", m->destination);
  }
  if (o->propagation && mount(NULL, target, NULL, o->propagation, NULL) < 0)
    return mon_error_set(err, errno, "mount", "set propagation of %s", m->destination);
  return 0;
}

#define CGROUP2_MAGIC 0x63677270

static int host_is_cgroup2(void) {
  struct statfs sf;
  return statfs("/sys/fs/cgroup", &sf) == 0 && (unsigned long)sf.f_type == CGROUP2_MAGIC;
}

/* cgroup v1 (and hybrid) hosts: a tmpfs with one mount per v1 hierarchy
 * the host has under /sys/fs/cgroup, as runc makes it. In a cgroup namespace
 * each shows the container's own cgroup as its root. A hybrid host's unified
 * hierarchy is left out, as runc does: husk puts no container there, and
 * mounting it costs ~15 ms per container. */
static int mount_cgroup_v1(int rootfd, const mount_entry *m, const mount_opts *o, const char *target, mon_error *err) {
  unsigned long flags = o->flags & ~MS_RDONLY;
  if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0) return mon_error_set(err, errno, "mount", "tmpfs for cgroups on %s", m->destination);
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL) return mon_error_set(err, errno, "mount", "read /proc/self/mountinfo");
  char line[4096];
  int rc = 0;
  while (rc == 0 && fgets(line, sizeof line, f)) {
    /* id parent major:minor root mountpoint opts [optional...] - fstype source superopts */
    char mnt[1024], fstype[64], superopts[1024];
    const char *sep = strstr(line, " - ");
    if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 || sscanf(sep + 3, "%63s %*s %1023s", fstype, superopts) != 2) continue;
    if (strncmp(mnt, "/sys/fs/cgroup/", 15) != 0 || strchr(mnt + 15, '/')) continue;
    if (strcmp(fstype, "cgroup") != 0) continue;
    /* controllers (and name=) without the generic rw/ro */
    char data[1024] = "";
    size_t len = 0;
    for (char *tok = strtok(superopts, ","); tok; tok = strtok(NULL, ",")) {
      if (strcmp(tok, "rw") == 0 || strcmp(tok, "ro") == 0) continue;
      len += (size_t)snprintf(data + len, sizeof data - len, "%s%s", len ? "," : "", tok);
    }
    char dest[PATH_MAX];
    snprintf(dest, sizeof dest, "%s/%s", m->destination, mnt + 15);
    int fd = open_in_root(rootfd, dest, CREATE_DIR, err);
    if (fd < 0) {
      rc = -1;
      break;
    }
    char sub[32];
    fd_path(fd, sub);
    if (mount("cgroup", sub, "cgroup", o->flags, data) < 0) rc = mon_error_set(err, errno, "mount", "cgroup %s on %s", data, dest);
    close(fd);
  }
  fclose(f);
  if (rc == 0 && (o->flags & MS_RDONLY)) {
    int fd = open_in_root(rootfd, m->destination, CREATE_NONE, err);
    if (fd < 0) return -1;
    char top[32];
    fd_path(fd, top);
    if (mount(NULL, top, NULL, MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0) rc = mon_error_set(err, errno, "mount", "remount %s read-only", m->destination);
    close(fd);
  }
  return rc;
}

int mount_entry_apply(int rootfd, const mount_entry *m, mon_error *err) {
  mount_opts o;
  if (mount_opts_parse(m->options, &o, err) < 0) return -1;
  if (strcmp(m->type, "bind") == 0) o.bind = 1;
  char target[32];
  if (o.bind) {
    struct stat st;
    if (stat(m->source, &st) < 0) return mon_error_set(err, errno, "mount", "bind source %s for %s", m->source, m->destination);
    cleanup_close int fd = open_in_root(rootfd, m->destination, S_ISDIR(st.st_mode) ? CREATE_DIR : CREATE_FILE, err);
    if (fd < 0) return -1;
    fd_path(fd, target);
    if (mount(m->source, target, NULL, MS_BIND | (o.recursive ? MS_REC : 0), NULL) < 0)
      return mon_error_set(err, errno, "mount", "bind %s on %s", m->source, m->destination);
    /* A bind joins the peer group of its source, which under a shared root
     * is the host's: only a bind that asks for shared propagation may send
     * the container's mounts back out. (Making a mount that is not shared a
     * slave leaves it as it was.) */
    if (o.propagation == 0) o.propagation = MS_SLAVE | (o.recursive ? MS_REC : 0);
    return apply_after(rootfd, m, &o, (o.flags & ~MS_REC) != 0, err);
  }
  cleanup_close int fd = open_in_root(rootfd, m->destination, CREATE_DIR, err);
  if (fd < 0) return -1;
  fd_path(fd, target);
  const char *type = m->type;
  if (strcmp(type, "cgroup") == 0) {
    if (host_is_cgroup2()) type = "cgroup2";
    else return mount_cgroup_v1(rootfd, m, &o, target, err);
  }
  if (mount(m->source, target, type, o.flags, o.data[0] ? o.data : NULL) < 0) {
    int e = errno;
    /* sysfs cannot be mounted without owning the network namespace: bind the host's read-only */
    if (strcmp(type, "sysfs") == 0 && (e == EPERM || e == EBUSY)) {
      if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) < 0) return mon_error_set(err, errno, "mount", "bind /sys on %s", m->destination);
      mount_opts ro = o;
      ro.recursive_ro = 1;
      ro.propagation = MS_SLAVE | MS_REC;
      return apply_after(rootfd, m, &ro, 0, err);
    }
    return mon_error_set(err, e, "mount", "mount %s (%s) on %s", m->source, m->type, m->destination);
  }
  return apply_after(rootfd, m, &o, 0, err);
}
