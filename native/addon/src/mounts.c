#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "thread.h"

int husk_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data, husk_error *err) {
  if (mount(source, target, fstype, flags, data) < 0)
    return husk_fail(err, errno, "mount", "mount", "%s on %s (type %s)", source ? source : "none", target, fstype ? fstype : "none");
  return 0;
}

int husk_unmount(const char *target, int flags, husk_error *err) {
  if (umount2(target, flags) < 0) return husk_fail(err, errno, "unmount", "umount2", "%s", target);
  return 0;
}

static unsigned long propagation_flag(husk_propagation prop) {
  switch (prop) {
  case HUSK_PROP_PRIVATE: return MS_PRIVATE;
  case HUSK_PROP_SLAVE: return MS_SLAVE;
  case HUSK_PROP_SHARED: return MS_SHARED;
  case HUSK_PROP_UNBINDABLE: return MS_UNBINDABLE;
  default: return 0;
  }
}

int husk_set_propagation(const char *target, husk_propagation prop, int recursive, husk_error *err) {
  unsigned long flag = propagation_flag(prop);
  if (flag == 0) return 0;
  if (mount(NULL, target, NULL, flag | (recursive ? MS_REC : 0), NULL) < 0)
    return husk_fail(err, errno, "set mount propagation", "mount", "%s", target);
  return 0;
}

/* A read-only bind remount must repeat the flags the mount already has
 * (nosuid, nodev, noexec, atime), or it fails where they are locked. */
static unsigned long kept_flags(const char *target) {
  struct statvfs sv;
  if (statvfs(target, &sv) < 0) return 0;
  unsigned long keep = 0;
  if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) keep |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) keep |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) keep |= MS_RELATIME;
  return keep;
}

int husk_remount_readonly(const char *target, int recursive, husk_error *err) {
  if (recursive) {
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr) == 0) return 0;
    if (errno != ENOSYS) return husk_fail(err, errno, "make mount tree read-only", "mount_setattr", "%s", target);
    /* Kernels before 5.12: only the top mount can be made read-only. */
  }
  if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(target), NULL) < 0)
    return husk_fail(err, errno, "remount read-only", "mount", "%s", target);
  return 0;
}

int husk_bind_mount(const char *source, const char *target, int recursive, int readonly, husk_propagation prop, husk_error *err) {
  if (mount(source, target, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return husk_fail(err, errno, "bind mount", "mount", "%s onto %s", source, target);
  if (husk_set_propagation(target, prop, recursive, err) < 0 || (readonly && husk_remount_readonly(target, recursive, err) < 0)) {
    umount2(target, MNT_DETACH);
    return -1;
  }
  return 0;
}

int husk_is_mountpoint(const char *path, husk_error *err) {
  struct statx stx;
  if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0)
    return husk_fail(err, errno, "check mountpoint", "statx", "%s", path);
  if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
  /* Older kernels: a mount root sits on another mount than its parent. */
  char parent[PATH_MAX];
  if (snprintf(parent, sizeof parent, "%s/..", path) >= (int)sizeof parent)
    return husk_fail(err, ENAMETOOLONG, "check mountpoint", NULL, "%s", path);
  struct statx up;
  if (statx(AT_FDCWD, parent, AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, &up) < 0)
    return husk_fail(err, errno, "check mountpoint", "statx", "%s", parent);
  if ((stx.stx_mask & STATX_MNT_ID) && (up.stx_mask & STATX_MNT_ID)) return stx.stx_mnt_id != up.stx_mnt_id;
  return stx.stx_dev_major != up.stx_dev_major || stx.stx_dev_minor != up.stx_dev_minor || stx.stx_ino == up.stx_ino;
}

/* ---- overlay ---- */

/* The kernel's reason for an fsconfig failure, read from the fs context. */
static void append_fs_log(int fsfd, husk_error *err) {
  char buf[512];
  for (;;) {
    ssize_t n = read(fsfd, buf, sizeof buf - 1);
    if (n <= 0) break;
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = '\0';
    size_t used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, " [%s]", buf);
  }
}

static int fsconfig_string(int fsfd, const char *key, const char *value, husk_error *err) {
  if (fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0) {
    husk_fail(err, errno, "configure overlay", "fsconfig", "%s=%s", key, value);
    append_fs_log(fsfd, err);
    return -1;
  }
  return 0;
}

/* Sets one "key" or "key=value" option on an fs context. */
static int fsconfig_option(int fsfd, const char *option, husk_error *err) {
  char key[256];
  const char *eq = strchr(option, '=');
  if (eq == NULL) {
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, option, NULL, 0) < 0) {
      husk_fail(err, errno, "configure overlay", "fsconfig", "%s", option);
      append_fs_log(fsfd, err);
      return -1;
    }
    return 0;
  }
  size_t len = (size_t)(eq - option);
  if (len >= sizeof key) return husk_fail(err, EINVAL, "configure overlay", NULL, "option key too long: %s", option);
  memcpy(key, option, len);
  key[len] = '\0';
  return fsconfig_string(fsfd, key, eq + 1, err);
}

/* Returns 1 when the kernel has no "lowerdir+" (caller may fall back). */
static int overlay_fsconfig(const husk_overlay *o, husk_error *err) {
  cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0) {
    if (errno == ENOSYS) return 1;
    return husk_fail(err, errno, "open overlay fs context", "fsopen", "%s", o->target);
  }
  if (fsconfig_string(fsfd, "source", "overlay", err) < 0) return -1;
  for (size_t i = 0; i < o->nlower; i++) {
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", o->lower[i], 0) < 0) {
      if (i == 0 && errno == EINVAL) {
        /* Unknown parameter (before 6.8) or a bad first layer: tell apart by the log. */
        char buf[512];
        ssize_t n = read(fsfd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        if (strstr(buf, "Unknown parameter") != NULL) return 1;
        husk_fail(err, EINVAL, "add overlay lower layer", "fsconfig", "lowerdir+=%s [%s]", o->lower[i], buf);
        return -1;
      }
      husk_fail(err, errno, "add overlay lower layer", "fsconfig", "lowerdir+=%s", o->lower[i]);
      append_fs_log(fsfd, err);
      return -1;
    }
  }
  if (o->upper && fsconfig_string(fsfd, "upperdir", o->upper, err) < 0) return -1;
  if (o->work && fsconfig_string(fsfd, "workdir", o->work, err) < 0) return -1;
  for (size_t i = 0; i < o->nextra; i++)
    if (fsconfig_option(fsfd, o->extra[i], err) < 0) return -1;
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    husk_fail(err, errno, "create overlay", "fsconfig", "%s (%zu lower layers)", o->target, o->nlower);
    append_fs_log(fsfd, err);
    return -1;
  }
  cleanup_close int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, o->readonly ? MOUNT_ATTR_RDONLY : 0);
  if (mfd < 0) return husk_fail(err, errno, "mount overlay", "fsmount", "%s", o->target);
  if (move_mount(mfd, "", AT_FDCWD, o->target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return husk_fail(err, errno, "attach overlay", "move_mount", "%s", o->target);
  return 0;
}

/* Appends to a growing option string; fails when the page limit is hit. */
struct optbuf {
  char data[4096];
  size_t len;
  int overflow;
};

static void opt_add(struct optbuf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > sizeof b->data) {
    b->overflow = 1;
    return;
  }
  memcpy(b->data + b->len, s, n + 1);
  b->len += n;
}

static void overlay_options(const husk_overlay *o, const char *const *lower, const char *upper, const char *work, struct optbuf *b) {
  memset(b, 0, sizeof *b);
  opt_add(b, "lowerdir=");
  for (size_t i = 0; i < o->nlower; i++) {
    if (i > 0) opt_add(b, ":");
    opt_add(b, lower[i]);
  }
  if (upper) {
    opt_add(b, ",upperdir=");
    opt_add(b, upper);
  }
  if (work) {
    opt_add(b, ",workdir=");
    opt_add(b, work);
  }
  for (size_t i = 0; i < o->nextra; i++) {
    opt_add(b, ",");
    opt_add(b, o->extra[i]);
  }
}

static int has_separator(const char *s) { return strchr(s, ':') != NULL || strchr(s, ',') != NULL; }

/* The legacy fallback for long option strings: on a thread with its own cwd,
 * make a scratch dir of short symlinks ("0", "1", ..., "u", "w") to the real
 * dirs, chdir into it and mount with those short relative names. */
struct short_names {
  const husk_overlay *o;
  const char *scratch;
  unsigned long flags;
};

static int mount_with_short_names(void *p, husk_error *err) {
  struct short_names *s = p;
  const husk_overlay *o = s->o;
  if (chdir(s->scratch) < 0) return husk_fail(err, errno, "enter overlay scratch dir", "chdir", "%s", s->scratch);
  cleanup_free char *names = calloc(o->nlower, 24);
  cleanup_free const char **lower = calloc(o->nlower, sizeof *lower);
  if (!names || !lower) return husk_fail(err, ENOMEM, "mount overlay", NULL, "%s", o->target);
  for (size_t i = 0; i < o->nlower; i++) {
    char *name = names + i * 24;
    snprintf(name, 24, "%zu", i);
    if (symlink(o->lower[i], name) < 0) return husk_fail(err, errno, "link overlay layer", "symlink", "%s", o->lower[i]);
    lower[i] = name;
  }
  if (o->upper && symlink(o->upper, "u") < 0) return husk_fail(err, errno, "link overlay upper dir", "symlink", "%s", o->upper);
  if (o->work && symlink(o->work, "w") < 0) return husk_fail(err, errno, "link overlay work dir", "symlink", "%s", o->work);
  struct optbuf b;
  overlay_options(o, lower, o->upper ? "u" : NULL, o->work ? "w" : NULL, &b);
  if (b.overflow) return husk_fail(err, E2BIG, "mount overlay", NULL, "options exceed a page even with short names (%zu layers)", o->nlower);
  if (mount("overlay", o->target, "overlay", s->flags, b.data) < 0)
    return husk_fail(err, errno, "mount overlay", "mount", "%s (%zu lower layers, short names)", o->target, o->nlower);
  return 0;
}

static void remove_scratch(const char *scratch, size_t nlower) {
  int dfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    char name[24];
    for (size_t i = 0; i < nlower; i++) {
      snprintf(name, sizeof name, "%zu", i);
      unlinkat(dfd, name, 0);
    }
    unlinkat(dfd, "u", 0);
    unlinkat(dfd, "w", 0);
    close(dfd);
  }
  rmdir(scratch);
}

static int overlay_legacy(const husk_overlay *o, husk_error *err) {
  unsigned long flags = o->readonly ? MS_RDONLY : 0;
  int separators = (o->upper && has_separator(o->upper)) || (o->work && has_separator(o->work));
  for (size_t i = 0; i < o->nlower && !separators; i++) separators = has_separator(o->lower[i]);
  struct optbuf b;
  overlay_options(o, o->lower, o->upper, o->work, &b);
  if (!b.overflow && !separators) {
    if (mount("overlay", o->target, "overlay", flags, b.data) < 0)
      return husk_fail(err, errno, "mount overlay", "mount", "%s (%zu lower layers)", o->target, o->nlower);
    return 0;
  }
  /* The scratch dir sits beside the target so it is on a writable fs we own. */
  char scratch[PATH_MAX];
  if (snprintf(scratch, sizeof scratch, "%s.ovl-XXXXXX", o->target) >= (int)sizeof scratch)
    return husk_fail(err, ENAMETOOLONG, "mount overlay", NULL, "%s", o->target);
  if (mkdtemp(scratch) == NULL) return husk_fail(err, errno, "make overlay scratch dir", "mkdtemp", "%s", scratch);
  struct short_names s = {o, scratch, flags};
  int ret = husk_run_in_thread(NULL, 0, 1, mount_with_short_names, &s, err);
  remove_scratch(scratch, o->nlower);
  return ret;
}

int husk_mount_overlay(const husk_overlay *o, husk_error *err) {
  if (o->nlower == 0) return husk_fail(err, EINVAL, "mount overlay", NULL, "no lower layers for %s", o->target);
  if ((o->upper == NULL) != (o->work == NULL))
    return husk_fail(err, EINVAL, "mount overlay", NULL, "upper and work dirs go together (%s)", o->target);
  if (o->method != HUSK_OVERLAY_LEGACY) {
    int rc = overlay_fsconfig(o, err);
    if (rc <= 0) return rc;
    if (o->method == HUSK_OVERLAY_FSCONFIG)
      return husk_fail(err, ENOSYS, "mount overlay", "fsconfig", "this kernel has no overlay lowerdir+ (%s)", o->target);
  }
  return overlay_legacy(o, err);
}
