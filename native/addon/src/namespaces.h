/* New namespaces pinned to files (bind mounts of /proc/<pid>/task/<tid>/ns/X),
 * so they outlive every process in them, and their removal. */
#ifndef HUSK_ADDON_NAMESPACES_H
#define HUSK_ADDON_NAMESPACES_H

#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The file name under the pin dir and the /proc ns entry for one kind. */
typedef struct {
  int flag;               /* CLONE_NEWNET, ... */
  const char *name;       /* "net": the pin file's name and the public kind */
  const char *proc_entry; /* entry under /proc/.../ns/ */
} husk_ns_kind;

/* Looks up a kind by name ("net", "ipc", "uts", "pid", "mnt", "cgroup"). */
const husk_ns_kind *husk_ns_kind_by_name(const char *name);

/* Creates one new namespace of every kind in flags (CLONE_NEW* bits) on a
 * short-lived thread and bind-mounts each onto dir/<name>, a file this
 * creates (it must not exist). On failure nothing is left behind.
 * CLONE_NEWPID is refused: the kernel will not hand out a pid namespace
 * before its init exists, so that one is pinned from a live process. */
int husk_pin_namespaces(const char *dir, int flags, husk_error *err);

/* Bind-mounts /proc/<pid>/ns/<kind> of a live process onto target, a file
 * this creates (it must not exist). */
int husk_pin_process_namespace(pid_t pid, const husk_ns_kind *kind, const char *target, husk_error *err);

/* Writes value to /proc/sys/<path> from a thread that joined the given
 * namespaces (NULL to skip one): net.* sysctls follow the net namespace,
 * kernel.shm..., kernel.msg... and kernel.sem the ipc one, kernel.hostname
 * and kernel.domainname the uts one. */
int husk_write_sysctl_in_namespaces(const char *net, const char *ipc, const char *uts, const char *path, const char *value,
                                    husk_error *err);

/* Unmounts (lazily) and removes a pin file. Idempotent: a file that is not
 * mounted or does not exist is not an error. */
int husk_unpin_namespace(const char *path, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
