#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int clean_entry_name(const char *raw, const char *entry, clean_name *out, unpack_error *err) {
  size_t len = strlen(raw);
  char *path = malloc(len + 1);
  char *parent = malloc(len + 1);
  size_t n = 0;
  if (!path || !parent) {
    free(path);
    free(parent);
    return set_error(err, ERR_SYSTEM, ENOMEM, entry, "cleaning the entry name");
  }
  for (const char *p = raw; *p;) {
    const char *end = strchrnul(p, '/');
    size_t clen = (size_t)(end - p);
    if (clen == 0 || (clen == 1 && p[0] == '.')) {
      /* empty or "." component: nothing to do */
    } else if (clen == 2 && p[0] == '.' && p[1] == '.') {
      if (n == 0) {
        free(path);
        free(parent);
        return set_error(err, ERR_ESCAPE, 0, entry, "path climbs out of the layer directory with \"..\"");
      }
      while (n > 0 && path[n - 1] != '/') n--;
      if (n > 0) n--; /* the slash before the dropped component */
    } else {
      if (n > 0) path[n++] = '/';
      memcpy(path + n, p, clen);
      n += clen;
    }
    p = *end ? end + 1 : end;
  }
  path[n] = '\0';
  const char *slash = strrchr(path, '/');
  size_t plen = slash ? (size_t)(slash - path) : 0;
  memcpy(parent, path, plen);
  parent[plen] = '\0';
  out->path = path;
  out->parent = parent;
  out->base = slash ? slash + 1 : path;
  return 0;
}

void clean_name_free(clean_name *n) {
  free(n->path);
  free(n->parent);
  n->path = n->parent = NULL;
}

static int openat2_beneath(int dirfd, const char *path, int flags) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  for (int attempt = 0;; attempt++) {
    long fd = syscall(SYS_openat2, dirfd, *path ? path : ".", &how, sizeof how);
    /* EAGAIN: a concurrent rename somewhere on the filesystem; try again */
    if (fd >= 0 || errno != EAGAIN || attempt >= 16) return (int)fd;
  }
}

static int lookup_error(int errnum, const char *path, const char *entry, unpack_error *err) {
  if (errnum == EXDEV)
    return set_error(err, ERR_ESCAPE, 0, entry, "path \"%s\" resolves outside the layer directory (through a symlink)", path);
  if (errnum == ELOOP) return set_error(err, ERR_INVALID, errnum, entry, "resolving \"%s\"", path);
  if (errnum == ENOTDIR) return set_error(err, ERR_INVALID, 0, entry, "a parent of \"%s\" is not a directory", path);
  return set_error(err, ERR_SYSTEM, errnum, entry, "opening directory \"%s\"", path);
}

int open_dir_beneath(int rootfd, const char *path, bool create, const char *entry, unpack_error *err) {
  int fd = openat2_beneath(rootfd, path, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) return fd;
  if (errno != ENOENT || !create) return lookup_error(errno, path, entry, err);

  /* Walk down, creating what is missing; each step is looked up from the
   * root again, so a symlink made by an earlier entry cannot be followed out. */
  size_t len = strlen(path);
  cleanup_free char *prefix = strdup(path);
  if (!prefix) return set_error(err, ERR_SYSTEM, ENOMEM, entry, "opening directory \"%s\"", path);
  int parentfd = openat2_beneath(rootfd, "", O_RDONLY | O_DIRECTORY);
  if (parentfd < 0) return lookup_error(errno, "", entry, err);
  for (size_t start = 0; start < len;) {
    size_t end = start;
    while (end < len && path[end] != '/') end++;
    prefix[end] = '\0';
    int next = openat2_beneath(rootfd, prefix, O_RDONLY | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (mkdirat(parentfd, prefix + start, 0755) < 0 && errno != EEXIST) {
        int saved = errno;
        close(parentfd);
        return set_error(err, ERR_SYSTEM, saved, entry, "creating directory \"%s\"", prefix);
      }
      next = openat2_beneath(rootfd, prefix, O_RDONLY | O_DIRECTORY);
    }
    if (next < 0) {
      int saved = errno;
      close(parentfd);
      return lookup_error(saved, prefix, entry, err);
    }
    close(parentfd);
    parentfd = next;
    if (end < len) prefix[end] = '/';
    start = end + 1;
  }
  return parentfd;
}
