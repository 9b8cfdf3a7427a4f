#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

int husk_seccomp_known_syscall(const char *name) { return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR; }

int husk_seccomp_known_arch(const char *name) { return seccomp_arch_resolve_name(name) != 0; }

/* Adds one rule: conditions on distinct arguments are ANDed in one rule;
 * when an argument index repeats, libseccomp cannot AND them, so each
 * condition becomes its own rule (ORed), as other OCI runtimes do. */
static int add_rule(scmp_filter_ctx ctx, const husk_seccomp_rule *r, const char *name, husk_error *err) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return husk_fail(err, EINVAL, "resolve syscall", NULL, "unknown syscall \"%s\"", name);
  struct scmp_arg_cmp cmps[6];
  int distinct = r->nargs <= 6;
  for (size_t i = 0; i < r->nargs && distinct; i++)
    for (size_t j = 0; j < i; j++)
      if (r->args[i].index == r->args[j].index) distinct = 0;
  if (distinct) {
    for (size_t i = 0; i < r->nargs; i++) {
      cmps[i].arg = r->args[i].index;
      cmps[i].op = (enum scmp_compare)r->args[i].op;
      cmps[i].datum_a = r->args[i].value;
      cmps[i].datum_b = r->args[i].value_two;
    }
    int rc = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)r->nargs, cmps);
    if (rc < 0) return husk_fail(err, -rc, "add seccomp rule", "seccomp_rule_add", "syscall %s", name);
    return 0;
  }
  for (size_t i = 0; i < r->nargs; i++) {
    cmps[0].arg = r->args[i].index;
    cmps[0].op = (enum scmp_compare)r->args[i].op;
    cmps[0].datum_a = r->args[i].value;
    cmps[0].datum_b = r->args[i].value_two;
    int rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmps);
    if (rc < 0) return husk_fail(err, -rc, "add seccomp rule", "seccomp_rule_add", "syscall %s (argument %zu)", name, i);
  }
  return 0;
}

static int export_bpf(scmp_filter_ctx ctx, void **bpf, size_t *len, husk_error *err) {
  cleanup_close int fd = memfd_create("husk-seccomp", MFD_CLOEXEC);
  if (fd < 0) return husk_fail(err, errno, "export seccomp filter", "memfd_create", "%s", "");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) return husk_fail(err, -rc, "export seccomp filter", "seccomp_export_bpf", "%s", "");
  struct stat st;
  if (fstat(fd, &st) < 0) return husk_fail(err, errno, "export seccomp filter", "fstat", "%s", "memfd");
  size_t size = (size_t)st.st_size;
  char *buf = malloc(size ? size : 1);
  if (buf == NULL) return husk_fail(err, ENOMEM, "export seccomp filter", NULL, "%zu bytes", size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, buf + done, size - done, (off_t)done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = n < 0 ? errno : EIO;
      free(buf);
      return husk_fail(err, saved, "export seccomp filter", "pread", "%s", "memfd");
    }
    done += (size_t)n;
  }
  *bpf = buf;
  *len = size;
  return 0;
}

static int build(scmp_filter_ctx ctx, const husk_seccomp_profile *p, husk_error *err) {
  for (size_t i = 0; i < p->narches; i++) {
    uint32_t arch = seccomp_arch_resolve_name(p->arches[i]);
    if (arch == 0) return husk_fail(err, EINVAL, "add seccomp architecture", NULL, "unknown architecture \"%s\"", p->arches[i]);
    int rc = seccomp_arch_add(ctx, arch);
    if (rc < 0 && rc != -EEXIST) return husk_fail(err, -rc, "add seccomp architecture", "seccomp_arch_add", "%s", p->arches[i]);
  }
  for (size_t i = 0; i < p->nrules; i++) {
    const husk_seccomp_rule *r = &p->rules[i];
    /* libseccomp refuses rules that repeat the default action; they are no-ops. */
    if (r->action == p->default_action) continue;
    for (size_t j = 0; j < r->nnames; j++)
      if (add_rule(ctx, r, r->names[j], err) < 0) return -1;
  }
  return 0;
}

int husk_seccomp_compile(const husk_seccomp_profile *p, void **bpf, size_t *len, husk_error *err) {
  scmp_filter_ctx ctx = seccomp_init(p->default_action);
  if (ctx == NULL) return husk_fail(err, EINVAL, "create seccomp filter", "seccomp_init", "default action 0x%x", p->default_action);
  /* A binary tree of syscall numbers: a few hundred rules cost O(log n) per
   * syscall instead of a linear scan. */
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc < 0) {
    seccomp_release(ctx);
    return husk_fail(err, -rc, "create seccomp filter", "seccomp_attr_set", "%s", "SCMP_FLTATR_CTL_OPTIMIZE");
  }
  int ret = build(ctx, p, err);
  if (ret == 0) ret = export_bpf(ctx, bpf, len, err);
  seccomp_release(ctx);
  return ret;
}
