/* Test helper: seccomp-exec FILTER.bpf PROGRAM [ARGS...]
 * Loads a raw BPF program (struct sock_filter[], as compileSeccomp makes)
 * with no_new_privs set, then execs PROGRAM, so tests can watch a real
 * process run under a husk profile. Built by the tests, not shipped. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FILTER.bpf PROGRAM [ARGS...]\n", argv[0]);
    return 125;
  }
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0 || st.st_size % sizeof(struct sock_filter) != 0) {
    fprintf(stderr, "seccomp-exec: bad filter %s: %s\n", argv[1], strerror(errno));
    return 125;
  }
  struct sock_filter *insns = malloc((size_t)st.st_size);
  if (insns == NULL || read(fd, insns, (size_t)st.st_size) != st.st_size) {
    fprintf(stderr, "seccomp-exec: cannot read %s\n", argv[1]);
    return 125;
  }
  close(fd);
  struct sock_fprog prog = {.len = (unsigned short)(st.st_size / sizeof(struct sock_filter)), .filter = insns};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
    fprintf(stderr, "seccomp-exec: cannot load filter: %s\n", strerror(errno));
    return 125;
  }
  free(insns);
  execv(argv[2], argv + 2);
  fprintf(stderr, "seccomp-exec: exec %s: %s\n", argv[2], strerror(errno));
  return 127;
}
