/* Child processes through posix_spawn (clone with CLONE_VM|CLONE_VFORK): the
 * daemon's page tables are not copied, unlike libuv's fork. The child is
 * watched and reaped through a pidfd, never by pid. */
#ifndef HUSK_ADDON_SPAWN_H
#define HUSK_ADDON_SPAWN_H

#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HUSK_SPAWN_MAX_SLOTS 64

typedef enum {
  /* A new channel; the parent keeps the other end. Slot 0: a pipe the parent
   * writes; slots 1 and 2: pipes the parent reads; slots >= 3: a socketpair
   * both sides read and write. */
  HUSK_STDIO_PIPE,
  HUSK_STDIO_IGNORE, /* /dev/null, read-write */
  HUSK_STDIO_FD,     /* the parent's fd, duplicated into the slot */
} husk_stdio_kind;

typedef struct {
  husk_stdio_kind kind;
  int fd; /* HUSK_STDIO_FD only */
} husk_stdio;

typedef struct {
  pid_t pid;
  int pidfd; /* close-on-exec */
  /* The parent's end of each HUSK_STDIO_PIPE slot (close-on-exec), else -1. */
  int fds[HUSK_SPAWN_MAX_SLOTS];
} husk_spawned;

/* Runs file (looked up on the daemon's PATH when it has no '/') with argv and
 * exactly envp. The child gets exactly the fds 0..nslots-1 (3 <= nslots <=
 * HUSK_SPAWN_MAX_SLOTS), an empty signal mask and default dispositions for
 * every signal. Exec failures (ENOENT, EACCES) are reported here. */
int husk_spawn(const char *file, char *const argv[], char *const envp[], const husk_stdio *stdio, int nslots, husk_spawned *out,
               husk_error *err);

typedef struct {
  int code;   /* exit status, or -1 when a signal ended the process */
  int signal; /* the signal that ended it, or 0 */
} husk_exit;

/* Reaps the child behind pidfd without blocking: 1 when reaped (status filled),
 * 0 when it has not exited yet, -1 on error. */
int husk_reap_pidfd(int pidfd, husk_exit *status, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif
