#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "pidfd.h"

static const char STEP[] = "spawn process";

/* posix_spawn reports failure as a return value, not in errno. */
static int check(int e, const char *call, const char *file, husk_error *err) {
  return e == 0 ? 0 : husk_fail(err, e, STEP, call, "%s", file);
}

/* The dup2 actions run in slot order, so a source fd below nslots could be
 * overwritten by an earlier slot's dup2: every source is either its own slot
 * or moved above the slots. */
static int above_slots(int fd, int nslots, husk_error *err) {
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, nslots);
  if (moved < 0) return husk_fail(err, errno, STEP, "fcntl", "F_DUPFD_CLOEXEC fd %d", fd);
  return moved;
}

static int make_channel(int slot, int *parent, int *child, husk_error *err) {
  int ends[2];
  if (slot >= 3) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0) return husk_fail(err, errno, STEP, "socketpair", "stdio slot %d", slot);
    *parent = ends[0];
    *child = ends[1];
    return 0;
  }
  if (pipe2(ends, O_CLOEXEC) < 0) return husk_fail(err, errno, STEP, "pipe2", "stdio slot %d", slot);
  *parent = slot == 0 ? ends[1] : ends[0];
  *child = slot == 0 ? ends[0] : ends[1];
  return 0;
}

/* Sets *source, the fd the child gets in slot; *owned (closed after spawning)
 * and *parent are set when this made a new fd. */
static int prepare_slot(const husk_stdio *s, int slot, int nslots, int *parent, int *source, int *owned, husk_error *err) {
  int fd = -1;
  switch (s->kind) {
    case HUSK_STDIO_PIPE:
      if (make_channel(slot, parent, &fd, err) < 0) return -1;
      break;
    case HUSK_STDIO_IGNORE:
      fd = open("/dev/null", O_RDWR | O_CLOEXEC);
      if (fd < 0) return husk_fail(err, errno, STEP, "open", "/dev/null for stdio slot %d", slot);
      break;
    case HUSK_STDIO_FD:
      if (fcntl(s->fd, F_GETFD) < 0) return husk_fail(err, errno, STEP, "fcntl", "stdio slot %d: fd %d", slot, s->fd);
      if (s->fd == slot || s->fd >= nslots) {
        *source = s->fd;
        return 0;
      }
      *owned = *source = above_slots(s->fd, nslots, err);
      return *source < 0 ? -1 : 0;
    default:
      return husk_fail(err, EINVAL, STEP, NULL, "stdio slot %d: unknown kind %d", slot, (int)s->kind);
  }
  *owned = fd;
  if (fd < nslots) {
    *owned = above_slots(fd, nslots, err);
    close(fd);
    if (*owned < 0) return -1;
  }
  *source = *owned;
  return 0;
}

/* glibc's sigfillset leaves out the two signals glibc keeps for itself (32
 * and 33), and its posix_spawn then sets them to SIG_IGN in the child, which
 * survives exec (and musl programs such as husk-monitor cannot reset them):
 * set their bits by hand so the child gets SIG_DFL, as after fork and exec. */
static void add_libc_signals(sigset_t *set) {
  const int bits = 8 * sizeof set->__val[0];
  for (int sig = 32; sig < SIGRTMIN; sig++) set->__val[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
}

static void close_all(int *fds, int n) {
  for (int i = 0; i < n; i++) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
}

static int spawn_with(const char *file, char *const argv[], char *const envp[], const int *source, int nslots, pid_t *pid,
                      husk_error *err) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  int rc = -1;

  if (check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init", file, err) < 0) return -1;
  if (check(posix_spawnattr_init(&attr), "posix_spawnattr_init", file, err) < 0) goto destroy_actions;
  for (int i = 0; i < nslots; i++)
    if (check(posix_spawn_file_actions_adddup2(&actions, source[i], i), "posix_spawn_file_actions_adddup2", file, err) < 0) goto destroy;
  if (check(posix_spawn_file_actions_addclosefrom_np(&actions, nslots), "posix_spawn_file_actions_addclosefrom_np", file, err) < 0)
    goto destroy;
  /* Node ignores SIGPIPE and blocks signals in some threads; an ignored
   * disposition or a blocked signal would survive exec. */
  sigemptyset(&none);
  sigfillset(&all);
  add_libc_signals(&all);
  if (check(posix_spawnattr_setsigmask(&attr, &none), "posix_spawnattr_setsigmask", file, err) < 0 ||
      check(posix_spawnattr_setsigdefault(&attr, &all), "posix_spawnattr_setsigdefault", file, err) < 0 ||
      check(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), "posix_spawnattr_setflags", file, err) < 0)
    goto destroy;
  if (strchr(file, '/') != NULL)
    rc = check(posix_spawn(pid, file, &actions, &attr, argv, envp), "posix_spawn", file, err);
  else
    rc = check(posix_spawnp(pid, file, &actions, &attr, argv, envp), "posix_spawnp", file, err);
destroy:
  posix_spawnattr_destroy(&attr);
destroy_actions:
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

int husk_spawn(const char *file, char *const argv[], char *const envp[], const husk_stdio *stdio, int nslots, husk_spawned *out,
               husk_error *err) {
  int source[HUSK_SPAWN_MAX_SLOTS];
  int owned[HUSK_SPAWN_MAX_SLOTS];
  int rc = -1;
  pid_t pid;

  out->pid = -1;
  out->pidfd = -1;
  for (int i = 0; i < HUSK_SPAWN_MAX_SLOTS; i++) out->fds[i] = source[i] = owned[i] = -1;
  if (nslots < 3 || nslots > HUSK_SPAWN_MAX_SLOTS)
    return husk_fail(err, EINVAL, STEP, NULL, "%s: %d stdio slots (want 3 to %d)", file, nslots, HUSK_SPAWN_MAX_SLOTS);

  for (int i = 0; i < nslots; i++)
    if (prepare_slot(&stdio[i], i, nslots, &out->fds[i], &source[i], &owned[i], err) < 0) goto done;
  if (spawn_with(file, argv, envp, source, nslots, &pid, err) < 0) goto done;
  /* The child is ours and unreaped, so its pid cannot have been reused. */
  out->pidfd = husk_pidfd_open(pid, err);
  if (out->pidfd < 0) {
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    goto done;
  }
  out->pid = pid;
  rc = 0;
done:
  close_all(owned, nslots);
  if (rc < 0) close_all(out->fds, nslots);
  return rc;
}

int husk_reap_pidfd(int pidfd, husk_exit *status, husk_error *err) {
  siginfo_t info;
  int rc;
  memset(&info, 0, sizeof info);
  do rc = waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return husk_fail(err, errno, "reap process", "waitid", "pidfd %d", pidfd);
  if (info.si_pid == 0) return 0;
  if (info.si_code == CLD_EXITED) {
    status->code = info.si_status;
    status->signal = 0;
  } else {
    status->code = -1;
    status->signal = info.si_status;
  }
  return 1;
}
