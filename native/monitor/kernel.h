/* Kernel interfaces musl's headers leave out (musl-gcc does not see the
 * kernel's uapi headers): seccomp, capabilities, the new mount API, openat2.
 * Values are the kernel's ABI; guarded so a glibc build works too. */
#ifndef HUSK_MONITOR_KERNEL_H
#define HUSK_MONITOR_KERNEL_H

#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif

struct husk_sock_filter {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};

struct husk_sock_fprog {
  unsigned short len;
  struct husk_sock_filter *filter;
};

#define HUSK_CAP_VERSION_3 0x20080522
struct husk_cap_header {
  uint32_t version;
  int pid;
};
struct husk_cap_data {
  uint32_t effective;
  uint32_t permitted;
  uint32_t inheritable;
};

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* new mount API */
#define HUSK_FSCONFIG_SET_STRING 1
#define HUSK_FSCONFIG_CMD_CREATE 6
#define HUSK_FSOPEN_CLOEXEC 0x1
#define HUSK_FSMOUNT_CLOEXEC 0x1
#define HUSK_MOVE_MOUNT_F_EMPTY_PATH 0x4

/* mount_setattr */
struct husk_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};
#define HUSK_MOUNT_ATTR_RDONLY 0x1
#define HUSK_AT_RECURSIVE 0x8000

/* openat2 */
struct husk_open_how {
  uint64_t flags;
  uint64_t mode;
  uint64_t resolve;
};
#define HUSK_RESOLVE_NO_MAGICLINKS 0x02
#define HUSK_RESOLVE_IN_ROOT 0x10

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static inline int sys_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}
static inline int sys_openat2(int dirfd, const char *path, struct husk_open_how *how) {
  return (int)syscall(SYS_openat2, dirfd, path, how, sizeof *how);
}
static inline int sys_fsopen(const char *fs, unsigned flags) { return (int)syscall(SYS_fsopen, fs, flags); }
static inline int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static inline int sys_fsmount(int fd, unsigned flags, unsigned attrs) { return (int)syscall(SYS_fsmount, fd, flags, attrs); }
static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags, struct husk_mount_attr *attr) {
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}
static inline int sys_close_range(unsigned first, unsigned last, unsigned flags) {
  return (int)syscall(SYS_close_range, first, last, flags);
}
static inline int sys_capset(struct husk_cap_header *h, struct husk_cap_data *d) { return (int)syscall(SYS_capset, h, d); }
static inline int sys_capget(struct husk_cap_header *h, struct husk_cap_data *d) { return (int)syscall(SYS_capget, h, d); }
static inline int sys_seccomp(unsigned op, unsigned flags, void *args) { return (int)syscall(SYS_seccomp, op, flags, args); }

#endif
