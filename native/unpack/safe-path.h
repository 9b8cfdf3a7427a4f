/* Path handling that cannot leave the layer directory: names are cleaned
 * lexically (a ".." above the root is an error), and every directory is
 * opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from the
 * layer root, so a symlink that points outside fails the lookup. The last
 * component is then only ever used with *at() calls that do not follow it. */
#ifndef HUSK_UNPACK_SAFE_PATH_H
#define HUSK_UNPACK_SAFE_PATH_H

#include <stdbool.h>

#include "error.h"

typedef struct {
  char *path;       /* "a/b/c", or "" for the layer root itself */
  char *parent;     /* "a/b", or "" */
  const char *base; /* "c" (points into path), or "" for the root */
} clean_name;

/* Cleans `raw`; `entry` names the tar entry in errors. Leading slashes are
 * dropped: an absolute name is rooted at the layer, as containerd does. */
int clean_entry_name(const char *raw, const char *entry, clean_name *out, unpack_error *err);
void clean_name_free(clean_name *n);

/* Opens the directory `path` (cleaned, "" = root) beneath rootfd, creating
 * missing components (0755) when `create`. Returns an O_RDONLY dir fd. */
int open_dir_beneath(int rootfd, const char *path, bool create, const char *entry, unpack_error *err);

#endif
