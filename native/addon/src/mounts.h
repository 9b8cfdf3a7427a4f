/* Mount primitives: generic mount/unmount, bind with propagation and
 * read-only, tmpfs, overlay with any number of lower layers. */
#ifndef HUSK_ADDON_MOUNTS_H
#define HUSK_ADDON_MOUNTS_H

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Propagation for bind mounts: 0 leaves it as inherited. */
typedef enum { HUSK_PROP_KEEP = 0, HUSK_PROP_PRIVATE, HUSK_PROP_SLAVE, HUSK_PROP_SHARED, HUSK_PROP_UNBINDABLE } husk_propagation;

typedef enum {
  HUSK_OVERLAY_AUTO = 0,     /* new mount API, legacy when the kernel lacks lowerdir+ */
  HUSK_OVERLAY_FSCONFIG = 1, /* fsopen/fsconfig("lowerdir+") only */
  HUSK_OVERLAY_LEGACY = 2,   /* mount(2) with an option string only */
} husk_overlay_method;

typedef struct {
  const char *target;
  const char *const *lower; /* lower[0] is the top-most layer */
  size_t nlower;
  const char *upper; /* upper and work: both NULL for a read-only merge */
  const char *work;
  const char *const *extra; /* further options, "key" or "key=value" */
  size_t nextra;
  int readonly;
  husk_overlay_method method;
} husk_overlay;

int husk_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data, husk_error *err);
int husk_unmount(const char *target, int flags, husk_error *err);
int husk_set_propagation(const char *target, husk_propagation prop, int recursive, husk_error *err);
int husk_remount_readonly(const char *target, int recursive, husk_error *err);
/* Bind-mounts source onto target; on failure the bind is undone. */
int husk_bind_mount(const char *source, const char *target, int recursive, int readonly, husk_propagation prop, husk_error *err);
int husk_mount_overlay(const husk_overlay *o, husk_error *err);
/* 1 if path is the root of a mount, 0 if not, -1 on error. */
int husk_is_mountpoint(const char *path, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
