#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel.h"
#include "mounts.h"

/* The new mount API takes one lower layer per call ("lowerdir+", 6.8+), so
 * the 4096-byte option limit does not apply. 1: not supported here. */
static int overlay_fsconfig(const spec *s, mon_error *err) {
  cleanup_close int fs = sys_fsopen("overlay", HUSK_FSOPEN_CLOEXEC);
  if (fs < 0) return 1;
  for (size_t i = 0; i < s->nlowerdirs; i++) {
    if (sys_fsconfig(fs, HUSK_FSCONFIG_SET_STRING, "lowerdir+", s->lowerdirs[i], 0) < 0) {
      if (i == 0 && errno == EINVAL) return 1;
      return mon_error_set(err, errno, "mount rootfs", "overlay lower layer %s", s->lowerdirs[i]);
    }
  }
  if (s->upperdir && (sys_fsconfig(fs, HUSK_FSCONFIG_SET_STRING, "upperdir", s->upperdir, 0) < 0 ||
                      sys_fsconfig(fs, HUSK_FSCONFIG_SET_STRING, "workdir", s->workdir, 0) < 0))
    return mon_error_set(err, errno, "mount rootfs", "overlay upperdir %s / workdir %s", s->upperdir, s->workdir);
  if (sys_fsconfig(fs, HUSK_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    int e = errno;
    char msg[256] = "";
    ssize_t n = read(fs, msg, sizeof msg - 1); /* the kernel's own explanation, if any */
    if (n > 0) msg[n] = '\0';
    return mon_error_set(err, e, "mount rootfs", "overlay create %s", msg);
  }
  cleanup_close int mnt = sys_fsmount(fs, HUSK_FSMOUNT_CLOEXEC, 0);
  if (mnt < 0) return mon_error_set(err, errno, "mount rootfs", "fsmount overlay");
  if (sys_move_mount(mnt, "", AT_FDCWD, s->rootfs_path, HUSK_MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return mon_error_set(err, errno, "mount rootfs", "move overlay to %s", s->rootfs_path);
  return 0;
}

/* Legacy mount(2): one option string of at most a page. When the absolute
 * lower paths do not fit, name them relative to their common parent. */
static int overlay_legacy(const spec *s, mon_error *err) {
  const size_t limit = 4095;
  size_t prefix = 0;
  char *data = NULL;
  for (int attempt = 0; attempt < 2; attempt++) {
    size_t need = 64 + (s->upperdir ? strlen(s->upperdir) + strlen(s->workdir) : 0);
    for (size_t i = 0; i < s->nlowerdirs; i++) need += strlen(s->lowerdirs[i]) + 1;
    free(data);
    data = malloc(need);
    if (data == NULL) return mon_error_set(err, ENOMEM, "mount rootfs", "out of memory");
    size_t len = (size_t)snprintf(data, need, "lowerdir=");
    for (size_t i = 0; i < s->nlowerdirs; i++)
      len += (size_t)snprintf(data + len, need - len, "%s%s", i ? ":" : "", s->lowerdirs[i] + prefix);
    if (s->upperdir) len += (size_t)snprintf(data + len, need - len, ",upperdir=%s,workdir=%s", s->upperdir, s->workdir);
    if (len <= limit) break;
    if (attempt == 1) {
      free(data);
      return mon_error_set(err, E2BIG, "mount rootfs", "overlay options are %zu bytes, over the kernel's limit", len);
    }
    /* common directory prefix of all lower layers, ending in '/' */
    prefix = strlen(s->lowerdirs[0]);
    for (size_t i = 1; i < s->nlowerdirs; i++) {
      size_t k = 0;
      while (k < prefix && s->lowerdirs[i][k] == s->lowerdirs[0][k]) k++;
      prefix = k;
    }
    while (prefix > 0 && s->lowerdirs[0][prefix - 1] != '/') prefix--;
    if (prefix <= 1) {
      free(data);
      return mon_error_set(err, E2BIG, "mount rootfs", "overlay lower layers share no parent directory and do not fit the option limit");
    }
  }
  cleanup_close int cwd = open(".", O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (prefix > 0) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)prefix, s->lowerdirs[0]);
    if (chdir(dir) < 0) {
      int e = errno;
      free(data);
      return mon_error_set(err, e, "mount rootfs", "chdir %s", dir);
    }
  }
  int rc = mount("overlay", s->rootfs_path, "overlay", 0, data);
  int e = errno;
  if (cwd >= 0 && fchdir(cwd) < 0) { /* the cwd only matters for the relative names above */
  }
  free(data);
  if (rc < 0) return mon_error_set(err, e, "mount rootfs", "overlay on %s", s->rootfs_path);
  return 0;
}

static int mount_root(const spec *s, mon_error *err) {
  if (!s->has_overlay) {
    if (mount(s->rootfs_path, s->rootfs_path, NULL, MS_BIND | MS_REC, NULL) < 0)
      return mon_error_set(err, errno, "mount rootfs", "bind %s", s->rootfs_path);
    return 0;
  }
  if (!s->overlay_legacy) {
    int rc = overlay_fsconfig(s, err);
    if (rc <= 0) return rc;
  }
  return overlay_legacy(s, err);
}

static int spec_mounts_dev(const spec *s) {
  for (size_t i = 0; i < s->nmounts; i++)
    if (strcmp(s->mounts[i].destination, "/dev") == 0) return 1;
  return 0;
}

static int make_device(int rootfd, const device_entry *d, mon_error *err) {
  char parent[PATH_MAX];
  snprintf(parent, sizeof parent, "%s", d->path);
  char *slash = strrchr(parent, '/');
  const char *name = slash + 1;
  *slash = '\0';
  if (*name == '\0') return mon_error_set(err, EINVAL, "create device", "bad device path %s", d->path);
  cleanup_close int dir = open_in_root(rootfd, parent[0] ? parent : "/", CREATE_DIR, err);
  if (dir < 0) return -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  unlinkat(dir, name, 0);
  if (mknodat(dir, name, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
    if (errno != EPERM) return mon_error_set(err, errno, "create device", "mknod %s", d->path);
    /* no right to mknod (user namespace): bind the host's node instead */
    int f = openat(dir, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (f < 0) return mon_error_set(err, errno, "create device", "create %s", d->path);
    close(f);
    char target[PATH_MAX + 32], dp[32];
    fd_path(dir, dp);
    snprintf(target, sizeof target, "%s/%s", dp, name);
    if (mount(d->path, target, NULL, MS_BIND, NULL) < 0) return mon_error_set(err, errno, "create device", "bind %s", d->path);
    /* a peer of the host's /dev would pass a mount over the node back out */
    if (mount(NULL, target, NULL, MS_SLAVE, NULL) < 0) return mon_error_set(err, errno, "create device", "make %s a slave", d->path);
    return 0;
  }
  if (fchmodat(dir, name, d->mode & 07777, 0) < 0) return mon_error_set(err, errno, "create device", "chmod %s", d->path);
  if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) return mon_error_set(err, errno, "create device", "chown %s", d->path);
  return 0;
}

static int dev_links(int rootfd, mon_error *err) {
  static const char *const links[][2] = {
      {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
      {"/proc/kcore", "core"}, {"pts/ptmx", "ptmx"},
  };
  cleanup_close int dev = open_in_root(rootfd, "/dev", CREATE_DIR, err);
  if (dev < 0) return -1;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    if (strcmp(links[i][1], "ptmx") == 0) unlinkat(dev, "ptmx", 0);
    if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return mon_error_set(err, errno, "create device", "link /dev/%s", links[i][1]);
  }
  return 0;
}

/* What the mount holding the rootfs, and the rootfs tree itself, become
 * before the pivot: never shared, as pivot_root refuses a shared new root or
 * parent, and a mount made under a shared one would show up on the host. A
 * slave root stays a slave to keep receiving from the host. */
static unsigned long unshared_flag(const spec *s) { return s->rootfs_propagation & MS_SLAVE ? MS_SLAVE : MS_PRIVATE; }

/* The nearest mount at or above the rootfs directory: changing the
 * propagation of a directory that is no mount root fails with EINVAL, so
 * step up through ".." (which crosses mounts) until it works. Only this
 * namespace's copy changes. */
static int unshare_rootfs_parent(const spec *s, mon_error *err) {
  cleanup_close int fd = open(s->rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "mount rootfs", "open %s", s->rootfs_path);
  for (;;) {
    char path[32];
    fd_path(fd, path);
    if (mount(NULL, path, NULL, unshared_flag(s), NULL) == 0) return 0;
    if (errno != EINVAL) return mon_error_set(err, errno, "mount rootfs", "unshare the mount holding %s", s->rootfs_path);
    int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0) return mon_error_set(err, errno, "mount rootfs", "open a parent of %s", s->rootfs_path);
    struct stat here, up;
    int top = fstat(fd, &here) == 0 && fstat(parent, &up) == 0 && here.st_dev == up.st_dev && here.st_ino == up.st_ino;
    close(fd);
    fd = parent;
    if (top) return mon_error_set(err, EINVAL, "mount rootfs", "no mount holds %s", s->rootfs_path);
  }
}

int rootfs_prepare(const spec *s, mon_error *err) {
  if (mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0) return mon_error_set(err, errno, "mount rootfs", "set propagation of /");
  if (unshare_rootfs_parent(s, err) < 0) return -1;
  if (mount_root(s, err) < 0) return -1;
  /* a bound rootfs brings along any mounts below it, peers of the host's */
  if (mount(NULL, s->rootfs_path, NULL, unshared_flag(s) | MS_REC, NULL) < 0)
    return mon_error_set(err, errno, "mount rootfs", "unshare %s", s->rootfs_path);
  cleanup_close int rootfd = open(s->rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return mon_error_set(err, errno, "mount rootfs", "open %s", s->rootfs_path);
  for (size_t i = 0; i < s->nmounts; i++)
    if (mount_entry_apply(rootfd, &s->mounts[i], err) < 0) return -1;
  for (size_t i = 0; i < s->ndevices; i++)
    if (make_device(rootfd, &s->devices[i], err) < 0) return -1;
  if (spec_mounts_dev(s) && dev_links(rootfd, err) < 0) return -1;
  return 0;
}

int rootfs_pivot(const spec *s, mon_error *err) {
  cleanup_close int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) return mon_error_set(err, errno, "pivot root", "open /");
  cleanup_close int newroot = open(s->rootfs_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) return mon_error_set(err, errno, "pivot root", "open %s", s->rootfs_path);
  /* pivot_root(".", "."): the old root ends up stacked under the new one,
   * which needs no directory for it inside the container */
  if (fchdir(newroot) < 0) return mon_error_set(err, errno, "pivot root", "chdir %s", s->rootfs_path);
  if (sys_pivot_root(".", ".") < 0) return mon_error_set(err, errno, "pivot root", "pivot_root %s", s->rootfs_path);
  if (fchdir(oldroot) < 0) return mon_error_set(err, errno, "pivot root", "chdir old root");
  /* keep the detach from propagating back to the host */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) return mon_error_set(err, errno, "pivot root", "make old root slave");
  if (umount2(".", MNT_DETACH) < 0) return mon_error_set(err, errno, "pivot root", "detach old root");
  if (chdir("/") < 0) return mon_error_set(err, errno, "pivot root", "chdir /");
  /* The new root had to be unshared for pivot_root: give the container's
   * tree the shared (or unbindable) propagation asked for only now. Private
   * and slave mounts get peer groups of their own; only binds left peers of
   * host mounts send anything out. */
  if (!(s->rootfs_propagation & (MS_PRIVATE | MS_SLAVE)) && mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0)
    return mon_error_set(err, errno, "pivot root", "set propagation of /");
  return 0;
}

static int write_sysctl(const sysctl_entry *e, mon_error *err) {
  char path[PATH_MAX];
  int n = snprintf(path, sizeof path, "/proc/sys/%s", e->key);
  for (char *c = path + 10; c < path + n; c++)
    if (*c == '.') *c = '/';
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "sysctl", "open %s", path);
  size_t len = strlen(e->value);
  if (write(fd, e->value, len) != (ssize_t)len) return mon_error_set(err, errno, "sysctl", "write %s=%s", e->key, e->value);
  return 0;
}

static int mask_path(const char *path, mon_error *err) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (errno == ENOENT) return 0;
    return mon_error_set(err, errno, "mask path", "stat %s", path);
  }
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") : mount("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0 && errno != ENOENT) return mon_error_set(err, errno, "mask path", "mask %s", path);
  return 0;
}

static int readonly_path(const char *path, mon_error *err) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return 0;
    return mon_error_set(err, errno, "readonly path", "bind %s", path);
  }
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags_of(path), NULL) < 0)
    return mon_error_set(err, errno, "readonly path", "remount %s read-only", path);
  return 0;
}

int rootfs_finish(const spec *s, mon_error *err) {
  for (size_t i = 0; i < s->nsysctls; i++)
    if (write_sysctl(&s->sysctls[i], err) < 0) return -1;
  for (const char *const *p = s->masked_paths; p && *p; p++)
    if (mask_path(*p, err) < 0) return -1;
  for (const char *const *p = s->readonly_paths; p && *p; p++)
    if (readonly_path(*p, err) < 0) return -1;
  if (s->rootfs_readonly && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags_of("/"), NULL) < 0)
    return mon_error_set(err, errno, "mount rootfs", "remount / read-only");
  return 0;
}

int rootfs_bind_console(const char *pts_path, mon_error *err) {
  int fd = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == ENOENT || errno == EROFS) return 0; /* no /dev to put it in */
    return mon_error_set(err, errno, "console", "create /dev/console");
  }
  close(fd);
  if (mount(pts_path, "/dev/console", NULL, MS_BIND, NULL) < 0) return mon_error_set(err, errno, "console", "bind %s", pts_path);
  return 0;
}
