#include "devfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The program's registers: r1 holds the context until the prologue has read
 * it, then serves as scratch; r2-r5 hold what each rule compares. */
enum { R0 = 0, R1, R_TYPE, R_ACCESS, R_MAJOR, R_MINOR };

#define ALL_ACCESS (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
#define PROLOGUE_LEN 6
#define EPILOGUE_LEN 2
#define MAX_RULE_LEN 8 /* type, access (3), major, minor checks; allow (2) */
#define LICENSE "Apache-2.0" /* the program calls no helpers, so no GPL-only one is needed */

static int sys_bpf(int cmd, union bpf_attr *attr) { return (int)syscall(__NR_bpf, cmd, attr, sizeof *attr); }

static void close_fds(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++) close(fds[i]);
}

typedef struct {
  struct bpf_insn *v;
  size_t n;
  size_t cap;
  int overflow; /* a sizing bug: refuse the program rather than write past v */
} program;

static void emit(program *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  if (p->n == p->cap) {
    p->overflow = 1;
    return;
  }
  struct bpf_insn *i = &p->v[p->n++];
  memset(i, 0, sizeof *i);
  i->code = code;
  i->dst_reg = dst & 0xf;
  i->src_reg = src & 0xf;
  i->off = off;
  i->imm = imm;
}

static int access_mask(const char *access, unsigned *mask, size_t index, husk_error *err) {
  *mask = 0;
  for (const char *c = access; *c; c++) {
    switch (*c) {
      case 'r': *mask |= BPF_DEVCG_ACC_READ; break;
      case 'w': *mask |= BPF_DEVCG_ACC_WRITE; break;
      case 'm': *mask |= BPF_DEVCG_ACC_MKNOD; break;
      default:
        return husk_fail(err, EINVAL, "compile device filter", NULL, "rule %zu: access \"%s\" has '%c', not one of r, w, m", index, access, *c);
    }
  }
  return 0;
}

/* Jump comparisons sign-extend their 32-bit immediate, so numbers stay below 2^31
 * (Linux device numbers use 12 bits of major and 20 of minor). */
static int check_number(int64_t n, const char *what, size_t index, husk_error *err) {
  if (n == -1 || (n >= 0 && n <= INT32_MAX)) return 0;
  return husk_fail(err, EINVAL, "compile device filter", NULL, "rule %zu: %s %lld is out of range", index, what, (long long)n);
}

/* Reads the context: r2 = device type, r3 = requested access, r4 = major, r5 = minor. */
static void emit_prologue(program *p) {
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_TYPE, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
  emit(p, BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_ACCESS, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
  emit(p, BPF_ALU64 | BPF_RSH | BPF_K, R_ACCESS, 0, 0, 16);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_MAJOR, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_MINOR, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
}

/* One rule: a run of "skip to the next rule unless ..." jumps, then allow.
 * Returns 1 when the rule allows everything, so nothing after it can run. */
static int emit_rule(program *p, const husk_dev_rule *r, unsigned mask) {
  if (r->type == 'a') {
    /* Like "a" written to v1 devices.allow: every device, every access. */
    emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1);
    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return 1;
  }
  size_t len = 1 + (mask != ALL_ACCESS ? 3 : 0) + (r->major != -1) + (r->minor != -1) + 2;
  size_t start = p->n;
  /* Offsets count from the instruction after the jump to the rule's end. */
#define SKIP_REST ((int16_t)(start + len - (p->n + 1)))
  emit(p, BPF_JMP | BPF_JNE | BPF_K, R_TYPE, 0, SKIP_REST, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (mask != ALL_ACCESS) {
    /* Deny unless every requested access bit is one the rule allows. */
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R1, R_ACCESS, 0, 0);
    emit(p, BPF_ALU64 | BPF_AND | BPF_K, R1, 0, 0, (int32_t)~mask);
    emit(p, BPF_JMP | BPF_JNE | BPF_K, R1, 0, SKIP_REST, 0);
  }
  if (r->major != -1) emit(p, BPF_JMP | BPF_JNE | BPF_K, R_MAJOR, 0, SKIP_REST, (int32_t)r->major);
  if (r->minor != -1) emit(p, BPF_JMP | BPF_JNE | BPF_K, R_MINOR, 0, SKIP_REST, (int32_t)r->minor);
#undef SKIP_REST
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  return 0;
}

int husk_devfilter_compile(const husk_dev_rule *rules, size_t nrules, struct bpf_insn **insns, size_t *count, husk_error *err) {
  for (size_t i = 0; i < nrules; i++) {
    const husk_dev_rule *r = &rules[i];
    if (r->type != 'a' && r->type != 'b' && r->type != 'c')
      return husk_fail(err, EINVAL, "compile device filter", NULL, "rule %zu: type '%c' is not a, b or c", i, r->type);
    unsigned mask;
    if (access_mask(r->access, &mask, i, err) < 0 || check_number(r->major, "major", i, err) < 0 || check_number(r->minor, "minor", i, err) < 0)
      return -1;
  }
  size_t cap = PROLOGUE_LEN + nrules * MAX_RULE_LEN + EPILOGUE_LEN;
  program p = {.v = calloc(cap, sizeof(struct bpf_insn)), .n = 0, .cap = cap, .overflow = 0};
  if (p.v == NULL) return husk_fail(err, ENOMEM, "compile device filter", NULL, "%zu rules", nrules);
  emit_prologue(&p);
  int allows_all = 0;
  for (size_t i = 0; i < nrules && !allows_all; i++) {
    unsigned mask;
    access_mask(rules[i].access, &mask, i, err);     /* checked above */
    if (mask == 0 && rules[i].type != 'a') continue; /* allows nothing */
    allows_all = emit_rule(&p, &rules[i], mask);
  }
  /* The verifier refuses unreachable code, so the default deny only follows a rule that can fall through. */
  if (!allows_all) {
    emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
    emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  }
  if (p.overflow) {
    free(p.v);
    return husk_fail(err, EOVERFLOW, "compile device filter", NULL, "more than %zu instructions for %zu rules", cap, nrules);
  }
  *insns = p.v;
  *count = p.n;
  return 0;
}

static void prog_load_attr(union bpf_attr *attr, const struct bpf_insn *insns, size_t count) {
  memset(attr, 0, sizeof *attr);
  attr->prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr->insns = (uint64_t)(uintptr_t)insns;
  attr->insn_cnt = (uint32_t)count;
  attr->license = (uint64_t)(uintptr_t)LICENSE;
  memcpy(attr->prog_name, HUSK_DEVFILTER_NAME, sizeof HUSK_DEVFILTER_NAME);
}

/* Returns the program's fd; a refusal by the verifier carries the tail of its log. */
static int load_program(const struct bpf_insn *insns, size_t count, husk_error *err) {
  union bpf_attr attr;
  prog_load_attr(&attr, insns, count);
  int fd = sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0) return fd;
  int saved = errno;
  if (saved != EINVAL && saved != EACCES) return husk_fail(err, saved, "load device filter", "bpf", "BPF_PROG_LOAD, %zu instructions", count);
  static const size_t log_size = 64 * 1024;
  cleanup_free char *log = calloc(1, log_size);
  if (log != NULL) {
    prog_load_attr(&attr, insns, count);
    attr.log_level = 1;
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = (uint32_t)log_size;
    fd = sys_bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0) return fd;
  }
  const char *text = log ? log : "";
  size_t len = strlen(text);
  const char *tail = len > 1500 ? text + len - 1500 : text;
  return husk_fail(err, saved, "load device filter", "bpf", "BPF_PROG_LOAD, %zu instructions: %s", count, tail);
}

static int open_cgroup(const char *dir, husk_error *err) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return husk_fail(err, errno, "open cgroup", "open", "%s", dir);
  return fd;
}

/* Every device program attached to the cgroup itself (not inherited ones). */
static int query_attached(int cgroup, const char *dir, uint32_t **ids, size_t *count, husk_error *err) {
  uint32_t cap = 0;
  uint32_t *buf = NULL;
  for (;;) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)cgroup;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)buf;
    attr.query.prog_cnt = cap;
    int rc = sys_bpf(BPF_PROG_QUERY, &attr);
    if (rc < 0 && errno != ENOSPC) {
      int saved = errno;
      free(buf);
      return husk_fail(err, saved, "list device filters", "bpf", "BPF_PROG_QUERY %s", dir);
    }
    if (rc == 0 && (buf != NULL || attr.query.prog_cnt == 0)) {
      *ids = buf;
      *count = attr.query.prog_cnt;
      return 0;
    }
    /* Room for the count just reported, plus some in case more are attached meanwhile. */
    free(buf);
    cap = attr.query.prog_cnt + 4;
    buf = calloc(cap, sizeof *buf);
    if (buf == NULL) return husk_fail(err, ENOMEM, "list device filters", NULL, "%u ids", cap);
  }
}

/* An fd for program id if it is a husk device program; -1 (not an error) if it is not or is gone. */
/* The kernel's description of the program behind fd (type, name, id). */
static int prog_info(int fd, struct bpf_prog_info *info) {
  union bpf_attr attr;
  memset(info, 0, sizeof *info);
  memset(&attr, 0, sizeof attr);
  attr.info.bpf_fd = (uint32_t)fd;
  attr.info.info_len = sizeof *info;
  attr.info.info = (uint64_t)(uintptr_t)info;
  return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

static int open_husk_program(uint32_t id, int *out, husk_error *err) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_id = id;
  *out = -1;
  cleanup_close int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    return husk_fail(err, errno, "list device filters", "bpf", "BPF_PROG_GET_FD_BY_ID %u", id);
  }
  struct bpf_prog_info info;
  if (prog_info(fd, &info) < 0) return husk_fail(err, errno, "list device filters", "bpf", "BPF_OBJ_GET_INFO_BY_FD program %u", id);
  if (info.type != BPF_PROG_TYPE_CGROUP_DEVICE || strncmp(info.name, HUSK_DEVFILTER_NAME, sizeof info.name) != 0) return 0;
  *out = fd;
  fd = -1;
  return 0;
}

/* Fds (and ids) of the husk device programs attached to the cgroup; the caller closes the fds. */
static int husk_programs(int cgroup, const char *dir, int **fds, uint32_t **ids, size_t *count, husk_error *err) {
  cleanup_free uint32_t *all = NULL;
  size_t n = 0;
  if (query_attached(cgroup, dir, &all, &n, err) < 0) return -1;
  int *f = calloc(n ? n : 1, sizeof *f);
  uint32_t *id = calloc(n ? n : 1, sizeof *id);
  if (f == NULL || id == NULL) {
    free(f);
    free(id);
    return husk_fail(err, ENOMEM, "list device filters", NULL, "%zu programs", n);
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    int fd;
    if (open_husk_program(all[i], &fd, err) < 0) {
      close_fds(f, kept);
      free(f);
      free(id);
      return -1;
    }
    if (fd < 0) continue;
    f[kept] = fd;
    id[kept] = all[i];
    kept++;
  }
  *fds = f;
  *ids = id;
  *count = kept;
  return 0;
}

static int prog_id(int fd, uint32_t *id, husk_error *err) {
  struct bpf_prog_info info;
  if (prog_info(fd, &info) < 0) return husk_fail(err, errno, "set device filter", "bpf", "BPF_OBJ_GET_INFO_BY_FD");
  *id = info.id;
  return 0;
}

static int attach_and_replace(int cgroup, const char *dir, int prog, const int *old, size_t nold, husk_error *err) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cgroup;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) return husk_fail(err, errno, "attach device filter", "bpf", "BPF_PROG_ATTACH %s", dir);
  for (size_t i = 0; i < nold; i++) {
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup;
    attr.attach_bpf_fd = (uint32_t)old[i];
    attr.attach_type = BPF_CGROUP_DEVICE;
    /* ENOENT: a concurrent update detached it first. */
    if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
      return husk_fail(err, errno, "detach old device filter", "bpf", "BPF_PROG_DETACH %s", dir);
  }
  return 0;
}

int husk_devfilter_set(const char *cgroup_dir, const husk_dev_rule *rules, size_t nrules, uint32_t *id, husk_error *err) {
  cleanup_free struct bpf_insn *insns = NULL;
  size_t count = 0;
  if (husk_devfilter_compile(rules, nrules, &insns, &count, err) < 0) return -1;
  cleanup_close int cgroup = open_cgroup(cgroup_dir, err);
  if (cgroup < 0) return -1;
  /* Listed before attaching, so concurrent updates never detach each other's new program. */
  cleanup_free int *old = NULL;
  cleanup_free uint32_t *old_ids = NULL;
  size_t nold = 0;
  if (husk_programs(cgroup, cgroup_dir, &old, &old_ids, &nold, err) < 0) return -1;
  int rc = -1;
  int prog = load_program(insns, count, err);
  if (prog >= 0) {
    rc = attach_and_replace(cgroup, cgroup_dir, prog, old, nold, err);
    if (rc == 0) rc = prog_id(prog, id, err);
    close(prog); /* an attached program is held by its cgroup */
  }
  close_fds(old, nold);
  return rc;
}

int husk_devfilter_attached(const char *cgroup_dir, uint32_t **ids, size_t *count, husk_error *err) {
  cleanup_close int cgroup = open_cgroup(cgroup_dir, err);
  if (cgroup < 0) return -1;
  cleanup_free int *fds = NULL;
  if (husk_programs(cgroup, cgroup_dir, &fds, ids, count, err) < 0) return -1;
  close_fds(fds, *count);
  return 0;
}

int husk_bpf_prog_loaded(uint32_t id, husk_error *err) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_id = id;
  int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd >= 0) {
    close(fd);
    return 1;
  }
  if (errno == ENOENT) return 0;
  return husk_fail(err, errno, "look up BPF program", "bpf", "BPF_PROG_GET_FD_BY_ID %u", id);
}
