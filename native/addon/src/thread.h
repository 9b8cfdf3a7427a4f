/* Work that must run with namespaces or a cwd the calling thread must not
 * change: it runs on a fresh thread, which exits afterwards, so the caller
 * (a Node thread) never leaves its own namespaces. */
#ifndef HUSK_ADDON_THREAD_H
#define HUSK_ADDON_THREAD_H

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*husk_thread_fn)(void *arg, husk_error *err);

/* Runs fn(arg) on a new thread. If ns_path is non-NULL the thread first
 * joins that namespace (setns, nstype one CLONE_NEW* flag or 0 for any).
 * If private_fs is set the thread gets its own cwd/root (unshare CLONE_FS)
 * so it may chdir freely. Returns fn's result; err is fn's error. */
int husk_run_in_thread(const char *ns_path, int nstype, int private_fs, husk_thread_fn fn, void *arg, husk_error *err);

/* The same, joining n namespaces in order (paths[i] of kind types[i]). */
int husk_run_in_namespaces(const char *const *paths, const int *types, size_t n, int private_fs, husk_thread_fn fn, void *arg,
                           husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
