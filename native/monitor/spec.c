#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "kernel.h"

typedef struct alloc_hdr {
  struct alloc_hdr *next;
  max_align_t align[];
} alloc_hdr;

static void *spec_alloc(spec *s, size_t n, size_t size, mon_error *err) {
  if (size != 0 && n > (SIZE_MAX - sizeof(alloc_hdr)) / size - 1) {
    mon_error_set(err, ENOMEM, "parse spec", "array too large");
    return NULL;
  }
  alloc_hdr *h = calloc(1, sizeof *h + (n + 1) * size);
  if (h == NULL) {
    mon_error_set(err, ENOMEM, "parse spec", "out of memory");
    return NULL;
  }
  h->next = s->allocs;
  s->allocs = h;
  return h->align;
}

static int bad(mon_error *err, const char *field, const char *problem) {
  return mon_error_set(err, EINVAL, "parse spec", "spec field %s: %s", field, problem);
}

static int get_string(const json_value *obj, const char *key, int required, const char *field, const char **out, mon_error *err) {
  const json_value *v = json_get(obj, key);
  *out = NULL;
  if (v == NULL || v->type == JSON_NULL) return required ? bad(err, field, "is required") : 0;
  if (v->type != JSON_STRING) return bad(err, field, "must be a string");
  *out = v->str;
  return 0;
}

static int get_bool(const json_value *obj, const char *key, const char *field, int *out, mon_error *err) {
  const json_value *v = json_get(obj, key);
  *out = 0;
  if (v == NULL || v->type == JSON_NULL) return 0;
  if (v->type != JSON_BOOL) return bad(err, field, "must be true or false");
  *out = v->boolean;
  return 0;
}

/* *present is set when the member exists (may be NULL). */
static int get_int(const json_value *obj, const char *key, const char *field, long long min, long long max, long long *out, int *present,
                   mon_error *err) {
  const json_value *v = json_get(obj, key);
  if (present) *present = 0;
  if (v == NULL || v->type == JSON_NULL) return 0;
  if (v->type != JSON_NUMBER || (double)v->ival != v->num) return bad(err, field, "must be an integer");
  if (v->ival < min || v->ival > max) return bad(err, field, "is out of range");
  *out = v->ival;
  if (present) *present = 1;
  return 0;
}

static int get_uint(const json_value *obj, const char *key, const char *field, unsigned *out, mon_error *err) {
  long long v = *out;
  if (get_int(obj, key, field, 0, UINT_MAX, &v, NULL, err) < 0) return -1;
  *out = (unsigned)v;
  return 0;
}

static int get_array(const json_value *obj, const char *key, const char *field, const json_value **out, mon_error *err) {
  const json_value *v = json_get(obj, key);
  *out = NULL;
  if (v == NULL || v->type == JSON_NULL) return 0;
  if (v->type != JSON_ARRAY) return bad(err, field, "must be an array");
  *out = v;
  return 0;
}

/* A NULL-terminated array of the strings (empty array when absent). */
static int get_strings(spec *s, const json_value *obj, const char *key, const char *field, const char ***out, size_t *count, mon_error *err) {
  const json_value *arr;
  if (get_array(obj, key, field, &arr, err) < 0) return -1;
  size_t n = json_count(arr);
  const char **list = spec_alloc(s, n, sizeof *list, err);
  if (list == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e != NULL; e = e->next) {
    if (e->type != JSON_STRING) return bad(err, field, "must hold only strings");
    list[i++] = e->str;
  }
  *out = list;
  if (count) *count = n;
  return 0;
}

static const struct {
  const char *name;
  int flag;
} ns_names[] = {
    {"net", CLONE_NEWNET}, {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},
    {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS},      {"mount", CLONE_NEWNS}, {"cgroup", CLONE_NEWCGROUP},
    {"user", CLONE_NEWUSER},
};

static const char *const cap_names[] = {
    "CHOWN",           "DAC_OVERRIDE",    "DAC_READ_SEARCH", "FOWNER",        "FSETID",    "KILL",         "SETGID",
    "SETUID",          "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK",        "IPC_OWNER",       "SYS_MODULE",      "SYS_RAWIO",     "SYS_CHROOT", "SYS_PTRACE",  "SYS_PACCT",
    "SYS_ADMIN",       "SYS_BOOT",        "SYS_NICE",        "SYS_RESOURCE",  "SYS_TIME",   "SYS_TTY_CONFIG", "MKNOD",
    "LEASE",           "AUDIT_WRITE",     "AUDIT_CONTROL",   "SETFCAP",       "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM",      "BLOCK_SUSPEND",   "AUDIT_READ",      "PERFMON",       "BPF",        "CHECKPOINT_RESTORE",
};

int capability_from_name(const char *name) {
  if (strncasecmp(name, "CAP_", 4) == 0) name += 4;
  for (size_t i = 0; i < sizeof cap_names / sizeof cap_names[0]; i++)
    if (strcasecmp(name, cap_names[i]) == 0) return (int)i;
  return -1;
}

static int get_capset(spec *s, const json_value *caps, const char *key, uint64_t *out, mon_error *err) {
  char field[64];
  const char **names;
  snprintf(field, sizeof field, "process.capabilities.%s", key);
  if (get_strings(s, caps, key, field, &names, NULL, err) < 0) return -1;
  *out = 0;
  for (; *names; names++) {
    int cap = capability_from_name(*names);
    if (cap < 0) return mon_error_set(err, EINVAL, "parse spec", "spec field %s: unknown capability \"%s\"", field, *names);
    *out |= 1ULL << cap;
  }
  return 0;
}

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},     {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

/* Negative values and values past 2^63 mean "unlimited". */
static unsigned long long rlimit_value(const json_value *v) {
  if (v->num < 0 || v->num >= 9.2e18) return RLIM_INFINITY;
  return (unsigned long long)v->ival;
}

static int parse_rlimits(spec *s, const json_value *proc, mon_error *err) {
  const json_value *arr;
  if (get_array(proc, "rlimits", "process.rlimits", &arr, err) < 0) return -1;
  s->process.nrlimits = json_count(arr);
  s->process.rlimits = spec_alloc(s, s->process.nrlimits, sizeof(rlimit_entry), err);
  if (s->process.rlimits == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e != NULL; e = e->next, i++) {
    const char *type;
    if (get_string(e, "type", 1, "process.rlimits[].type", &type, err) < 0) return -1;
    int found = -1;
    for (size_t k = 0; k < sizeof rlimit_names / sizeof rlimit_names[0]; k++)
      if (strcasecmp(type, rlimit_names[k].name) == 0 || strcasecmp(type, rlimit_names[k].name + 7) == 0) found = rlimit_names[k].resource;
    if (found < 0) return mon_error_set(err, EINVAL, "parse spec", "spec field process.rlimits[].type: unknown rlimit \"%s\"", type);
    const json_value *soft = json_get(e, "soft"), *hard = json_get(e, "hard");
    if (soft == NULL || hard == NULL || soft->type != JSON_NUMBER || hard->type != JSON_NUMBER)
      return bad(err, "process.rlimits[]", "soft and hard must be numbers");
    s->process.rlimits[i] = (rlimit_entry){found, rlimit_value(soft), rlimit_value(hard)};
  }
  return 0;
}

static int parse_process(spec *s, const json_value *proc, mon_error *err) {
  process_spec *p = &s->process;
  size_t nargs;
  if (proc == NULL || proc->type != JSON_OBJECT) return bad(err, "process", "is required");
  if (get_strings(s, proc, "args", "process.args", &p->args, &nargs, err) < 0) return -1;
  if (nargs == 0) return bad(err, "process.args", "must not be empty");
  if (get_strings(s, proc, "env", "process.env", &p->env, NULL, err) < 0) return -1;
  if (get_string(proc, "cwd", 0, "process.cwd", &p->cwd, err) < 0) return -1;
  if (p->cwd == NULL) p->cwd = "/";
  if (p->cwd[0] != '/') return bad(err, "process.cwd", "must be absolute");

  const json_value *user = json_get(proc, "user");
  if (user != NULL) {
    if (get_uint(user, "uid", "process.user.uid", &p->uid, err) < 0 || get_uint(user, "gid", "process.user.gid", &p->gid, err) < 0)
      return -1;
    const json_value *gids;
    if (get_array(user, "additionalGids", "process.user.additionalGids", &gids, err) < 0) return -1;
    p->nadditional_gids = json_count(gids);
    p->additional_gids = spec_alloc(s, p->nadditional_gids, sizeof(unsigned), err);
    if (p->additional_gids == NULL) return -1;
    size_t i = 0;
    for (const json_value *g = gids ? gids->child : NULL; g; g = g->next) {
      if (g->type != JSON_NUMBER || g->ival < 0 || g->ival > UINT_MAX) return bad(err, "process.user.additionalGids", "must hold gids");
      p->additional_gids[i++] = (unsigned)g->ival;
    }
  }
  if (get_bool(proc, "terminal", "process.terminal", &p->terminal, err) < 0 || get_bool(proc, "stdin", "process.stdin", &p->stdin_open, err) < 0 ||
      get_bool(proc, "stdinOnce", "process.stdinOnce", &p->stdin_once, err) < 0 ||
      get_bool(proc, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privileges, err) < 0)
    return -1;
  const json_value *size = json_get(proc, "consoleSize");
  p->rows = 24;
  p->cols = 80;
  if (size != NULL) {
    long long rows = p->rows, cols = p->cols;
    if (get_int(size, "rows", "process.consoleSize.rows", 0, 65535, &rows, NULL, err) < 0 ||
        get_int(size, "cols", "process.consoleSize.cols", 0, 65535, &cols, NULL, err) < 0)
      return -1;
    p->rows = (unsigned short)rows;
    p->cols = (unsigned short)cols;
  }
  const json_value *caps = json_get(proc, "capabilities");
  if (caps != NULL && caps->type == JSON_OBJECT) {
    p->has_capabilities = 1;
    if (get_capset(s, caps, "bounding", &p->cap_bounding, err) < 0 || get_capset(s, caps, "effective", &p->cap_effective, err) < 0 ||
        get_capset(s, caps, "inheritable", &p->cap_inheritable, err) < 0 || get_capset(s, caps, "permitted", &p->cap_permitted, err) < 0 ||
        get_capset(s, caps, "ambient", &p->cap_ambient, err) < 0)
      return -1;
  }
  if (parse_rlimits(s, proc, err) < 0) return -1;
  long long adj = 0;
  if (get_int(proc, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &adj, &p->has_oom_score_adj, err) < 0) return -1;
  p->oom_score_adj = (int)adj;
  if (get_string(proc, "seccompBpfPath", 0, "process.seccompBpfPath", &p->seccomp_bpf_path, err) < 0) return -1;
  if (get_uint(proc, "seccompFlags", "process.seccompFlags", &p->seccomp_flags, err) < 0) return -1;
  return 0;
}

static int parse_namespaces(spec *s, const json_value *root, mon_error *err) {
  const json_value *arr;
  if (get_array(root, "namespaces", "namespaces", &arr, err) < 0) return -1;
  s->nnamespaces = json_count(arr);
  s->namespaces = spec_alloc(s, s->nnamespaces, sizeof(ns_entry), err);
  if (s->namespaces == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e; e = e->next, i++) {
    const char *type;
    if (get_string(e, "type", 1, "namespaces[].type", &type, err) < 0) return -1;
    int flag = 0;
    for (size_t k = 0; k < sizeof ns_names / sizeof ns_names[0]; k++)
      if (strcmp(type, ns_names[k].name) == 0) flag = ns_names[k].flag;
    if (flag == 0) return mon_error_set(err, EINVAL, "parse spec", "spec field namespaces[].type: unknown namespace \"%s\"", type);
    for (size_t k = 0; k < i; k++)
      if (s->namespaces[k].flag == flag) return mon_error_set(err, EINVAL, "parse spec", "spec field namespaces: \"%s\" listed twice", type);
    s->namespaces[i].flag = flag;
    if (get_string(e, "path", 0, "namespaces[].path", &s->namespaces[i].path, err) < 0) return -1;
  }
  return 0;
}

static int parse_propagation(const char *name, unsigned long *out) {
  static const struct {
    const char *name;
    unsigned long flags;
  } modes[] = {{"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC},
               {"shared", MS_SHARED},   {"rshared", MS_SHARED | MS_REC},   {"unbindable", MS_UNBINDABLE},
               {"runbindable", MS_UNBINDABLE | MS_REC}};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp(name, modes[i].name) == 0) {
      *out = modes[i].flags;
      return 0;
    }
  return -1;
}

static int parse_rootfs(spec *s, const json_value *root, mon_error *err) {
  const json_value *rootfs = json_get(root, "rootfs");
  if (rootfs == NULL || rootfs->type != JSON_OBJECT) return bad(err, "rootfs", "is required");
  if (get_string(rootfs, "path", 1, "rootfs.path", &s->rootfs_path, err) < 0) return -1;
  if (s->rootfs_path[0] != '/') return bad(err, "rootfs.path", "must be absolute");
  if (get_bool(rootfs, "readonly", "rootfs.readonly", &s->rootfs_readonly, err) < 0) return -1;
  const char *prop;
  if (get_string(rootfs, "propagation", 0, "rootfs.propagation", &prop, err) < 0) return -1;
  s->rootfs_propagation = MS_SLAVE | MS_REC;
  if (prop != NULL && parse_propagation(prop, &s->rootfs_propagation) < 0) return bad(err, "rootfs.propagation", "unknown mode");
  const json_value *overlay = json_get(rootfs, "overlay");
  if (overlay == NULL || overlay->type == JSON_NULL) return 0;
  s->has_overlay = 1;
  if (get_strings(s, overlay, "lowerdirs", "rootfs.overlay.lowerdirs", &s->lowerdirs, &s->nlowerdirs, err) < 0) return -1;
  if (s->nlowerdirs == 0) return bad(err, "rootfs.overlay.lowerdirs", "must not be empty");
  if (get_string(overlay, "upperdir", 0, "rootfs.overlay.upperdir", &s->upperdir, err) < 0 ||
      get_string(overlay, "workdir", 0, "rootfs.overlay.workdir", &s->workdir, err) < 0)
    return -1;
  if ((s->upperdir == NULL) != (s->workdir == NULL)) return bad(err, "rootfs.overlay", "upperdir and workdir go together");
  const char *method;
  if (get_string(overlay, "method", 0, "rootfs.overlay.method", &method, err) < 0) return -1;
  if (method && strcmp(method, "legacy") != 0 && strcmp(method, "auto") != 0) return bad(err, "rootfs.overlay.method", "must be auto or legacy");
  s->overlay_legacy = method && strcmp(method, "legacy") == 0;
  for (size_t i = 0; i < s->nlowerdirs; i++)
    if (strchr(s->lowerdirs[i], ',') || strchr(s->lowerdirs[i], ':')) return bad(err, "rootfs.overlay.lowerdirs", "paths must not contain ',' or ':'");
  return 0;
}

static int parse_mounts(spec *s, const json_value *root, mon_error *err) {
  const json_value *arr;
  if (get_array(root, "mounts", "mounts", &arr, err) < 0) return -1;
  s->nmounts = json_count(arr);
  s->mounts = spec_alloc(s, s->nmounts, sizeof(mount_entry), err);
  if (s->mounts == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e; e = e->next, i++) {
    mount_entry *m = &s->mounts[i];
    if (get_string(e, "destination", 1, "mounts[].destination", &m->destination, err) < 0 ||
        get_string(e, "type", 0, "mounts[].type", &m->type, err) < 0 || get_string(e, "source", 0, "mounts[].source", &m->source, err) < 0 ||
        get_strings(s, e, "options", "mounts[].options", &m->options, NULL, err) < 0)
      return -1;
    if (m->destination[0] != '/') return mon_error_set(err, EINVAL, "parse spec", "spec field mounts[].destination: \"%s\" is not absolute", m->destination);
    if (m->type == NULL) m->type = "bind";
    if (m->source == NULL) m->source = m->type;
  }
  return 0;
}

static int parse_devices(spec *s, const json_value *root, mon_error *err) {
  const json_value *arr;
  if (get_array(root, "devices", "devices", &arr, err) < 0) return -1;
  s->ndevices = json_count(arr);
  s->devices = spec_alloc(s, s->ndevices, sizeof(device_entry), err);
  if (s->devices == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e; e = e->next, i++) {
    device_entry *d = &s->devices[i];
    const char *type;
    if (get_string(e, "path", 1, "devices[].path", &d->path, err) < 0 || get_string(e, "type", 1, "devices[].type", &type, err) < 0) return -1;
    if (d->path[0] != '/') return bad(err, "devices[].path", "must be absolute");
    if (strcmp(type, "c") != 0 && strcmp(type, "u") != 0 && strcmp(type, "b") != 0 && strcmp(type, "p") != 0)
      return bad(err, "devices[].type", "must be c, u, b or p");
    d->type = type[0] == 'u' ? 'c' : type[0];
    d->mode = 0666;
    if (get_uint(e, "major", "devices[].major", &d->major, err) < 0 || get_uint(e, "minor", "devices[].minor", &d->minor, err) < 0 ||
        get_uint(e, "fileMode", "devices[].fileMode", &d->mode, err) < 0 || get_uint(e, "uid", "devices[].uid", &d->uid, err) < 0 ||
        get_uint(e, "gid", "devices[].gid", &d->gid, err) < 0)
      return -1;
  }
  return 0;
}

static int parse_sysctls(spec *s, const json_value *root, mon_error *err) {
  const json_value *obj = json_get(root, "sysctl");
  if (obj == NULL || obj->type == JSON_NULL) return 0;
  if (obj->type != JSON_OBJECT) return bad(err, "sysctl", "must be an object");
  s->nsysctls = json_count(obj);
  s->sysctls = spec_alloc(s, s->nsysctls, sizeof(sysctl_entry), err);
  if (s->sysctls == NULL) return -1;
  size_t i = 0;
  for (const json_value *m = obj->child; m; m = m->next, i++) {
    if (m->type != JSON_STRING) return bad(err, "sysctl", "values must be strings");
    if (strstr(m->key, "..") || strchr(m->key, '/')) return mon_error_set(err, EINVAL, "parse spec", "spec field sysctl: bad key \"%s\"", m->key);
    s->sysctls[i] = (sysctl_entry){m->key, m->str};
  }
  return 0;
}

static int parse_id_mappings(spec *s, const json_value *root, const char *key, id_mapping **out, size_t *count, mon_error *err) {
  const json_value *arr;
  if (get_array(root, key, key, &arr, err) < 0) return -1;
  *count = json_count(arr);
  *out = spec_alloc(s, *count, sizeof(id_mapping), err);
  if (*out == NULL) return -1;
  size_t i = 0;
  for (const json_value *e = arr ? arr->child : NULL; e; e = e->next, i++) {
    id_mapping *m = &(*out)[i];
    if (get_uint(e, "containerID", key, &m->container_id, err) < 0 || get_uint(e, "hostID", key, &m->host_id, err) < 0 ||
        get_uint(e, "size", key, &m->size, err) < 0)
      return -1;
  }
  return 0;
}

static int read_file(const char *path, char **out, mon_error *err) {
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "read spec", "open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0) return mon_error_set(err, errno, "read spec", "stat %s", path);
  if (st.st_size > 16 * 1024 * 1024) return mon_error_set(err, EFBIG, "read spec", "%s is too large", path);
  char *buf = malloc((size_t)st.st_size + 1);
  if (buf == NULL) return mon_error_set(err, ENOMEM, "read spec", "out of memory");
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      free(buf);
      return mon_error_set(err, e, "read spec", "read %s", path);
    }
    got += (size_t)n;
  }
  buf[got] = '\0';
  *out = buf;
  return 0;
}

int spec_load(const char *path, spec_kind kind, spec *s, mon_error *err) {
  memset(s, 0, sizeof *s);
  if (read_file(path, &s->text, err) < 0) return -1;
  if (json_parse(s->text, &s->doc, err) < 0) goto fail;
  const json_value *root = s->doc.root;
  if (root->type != JSON_OBJECT) {
    bad(err, "(root)", "must be an object");
    goto fail;
  }
  if (get_string(root, "id", 0, "id", &s->id, err) < 0 || parse_process(s, json_get(root, "process"), err) < 0) goto fail;
  long long cgv = 0;
  if (get_strings(s, root, "cgroupDirs", "cgroupDirs", &s->cgroup_dirs, NULL, err) < 0) goto fail;
  if (kind == SPEC_EXEC) {
    long long pid = 0;
    int present;
    if (get_int(root, "pid", "pid", 1, INT_MAX, &pid, &present, err) < 0) goto fail;
    if (!present) {
      bad(err, "pid", "is required");
      goto fail;
    }
    s->target_pid = (int)pid;
    return 0;
  }
  if (get_string(root, "stateDir", 1, "stateDir", &s->state_dir, err) < 0 || get_string(root, "logPath", 0, "logPath", &s->log_path, err) < 0 ||
      get_string(root, "hostname", 0, "hostname", &s->hostname, err) < 0 || parse_namespaces(s, root, err) < 0 ||
      parse_rootfs(s, root, err) < 0 || parse_mounts(s, root, err) < 0 ||
      get_strings(s, root, "maskedPaths", "maskedPaths", &s->masked_paths, NULL, err) < 0 ||
      get_strings(s, root, "readonlyPaths", "readonlyPaths", &s->readonly_paths, NULL, err) < 0 || parse_devices(s, root, err) < 0 ||
      parse_sysctls(s, root, err) < 0 || parse_id_mappings(s, root, "uidMappings", &s->uid_mappings, &s->nuid_mappings, err) < 0 ||
      parse_id_mappings(s, root, "gidMappings", &s->gid_mappings, &s->ngid_mappings, err) < 0)
    goto fail;
  if (s->state_dir[0] != '/') {
    bad(err, "stateDir", "must be absolute");
    goto fail;
  }
  const json_value *oom = json_get(root, "oom");
  if (oom != NULL && oom->type == JSON_OBJECT) {
    if (get_int(oom, "version", "oom.version", 1, 2, &cgv, NULL, err) < 0 ||
        get_string(oom, "memoryCgroupDir", 1, "oom.memoryCgroupDir", &s->oom_memory_dir, err) < 0)
      goto fail;
    s->oom_version = (int)cgv;
  }
  if (spec_namespace(s, CLONE_NEWUSER) != NULL && spec_namespace(s, CLONE_NEWUSER)->path == NULL &&
      (s->nuid_mappings == 0 || s->ngid_mappings == 0)) {
    bad(err, "uidMappings", "a new user namespace needs uidMappings and gidMappings");
    goto fail;
  }
  return 0;
fail:
  spec_free(s);
  return -1;
}

void spec_free(spec *s) {
  alloc_hdr *h = s->allocs;
  while (h) {
    alloc_hdr *next = h->next;
    free(h);
    h = next;
  }
  s->allocs = NULL;
  json_free(&s->doc);
  free(s->text);
  s->text = NULL;
}

const ns_entry *spec_namespace(const spec *s, int flag) {
  for (size_t i = 0; i < s->nnamespaces; i++)
    if (s->namespaces[i].flag == flag) return &s->namespaces[i];
  return NULL;
}
