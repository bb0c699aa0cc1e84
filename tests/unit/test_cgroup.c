/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the cgroup code, on the host's real hierarchies: a cgroup
 * under a unique path gets resources, a forked child, freeze/thaw, kill
 * and destroy, and the files are checked directly. The cgroup2 code paths
 * (cgroup.freeze, cgroup.kill, the eBPF device program) are also run on the
 * unified hierarchy of a hybrid host. Needs root (exit 77 otherwise). */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

#define CHECK(cond, ...)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "    %s:%d: check failed: %s: ", __FILE__, __LINE__, \
              #cond);                                                     \
      fprintf(stderr, __VA_ARGS__);                                       \
      fputc('\n', stderr);                                                \
      return 1;                                                           \
    }                                                                     \
  } while (0)

static char base[64]; /* "/skiff-test-<pid>" */

/* ---- helpers ---------------------------------------------------------- */

static char *slurp(const char *dir, const char *file) {
  char *s = cg_read(dir, file);
  return s ? s : strdup("(unreadable)");
}

static bool file_has(const char *dir, const char *file, const char *needle) {
  _cleanup_free_ char *s = slurp(dir, file);
  return strstr(s, needle) != NULL;
}

static bool dir_exists(const char *d) {
  struct stat st;
  return stat(d, &st) == 0;
}

/* A child that waits for a signal. */
static pid_t sleeper(void) {
  pid_t p = fork();
  if (p == 0) {
    for (;;)
      pause();
  }
  return p;
}

static int opts_create(const char *sub, const oci_resources *r, sk_cgroup **cg,
                       sk_error **err) {
  char path[128];
  snprintf(path, sizeof(path), "%s/%s", base, sub);
  struct sk_cgroup_opts o = {.id = sub, .cgroups_path = path, .resources = r};
  return cgroup_create(&o, cg, err);
}

static bool msg_has(const sk_error *e, const char *s) { return e && strstr(e->msg, s); }

/* ---- cases ------------------------------------------------------------ */

static int test_layout(void) {
  enum cg_layout l = cg_host_layout();
  CHECK(cgroup_host_has_v1() == (l != CG_LAYOUT_V2), "v1");
  CHECK(cgroup_host_has_v2() == (l != CG_LAYOUT_V1), "v2");
  if (access(CG_UNIFIED_ROOT "/cgroup.controllers", F_OK) == 0)
    CHECK(l == CG_LAYOUT_HYBRID, "unified mounted but layout %d", l);
  return 0;
}

static int test_bad_input(void) {
  _cleanup_error_ sk_error *e = NULL;
  struct sk_cgroup_opts o = {.id = "x", .cgroups_path = "/a/../b"};
  CHECK(cgroup_plan(&o, &e) < 0, "..");
  CHECK(msg_has(e, "linux.cgroupsPath"), "%s", e->msg);
  sk_error_free(&e);
  o.cgroups_path = "/";
  CHECK(cgroup_plan(&o, &e) < 0 && msg_has(e, "linux.cgroupsPath"), "root");
  sk_error_free(&e);
  o.cgroups_path = "system.slice:name";
  o.systemd = true;
  CHECK(cgroup_plan(&o, &e) < 0, "two parts");
  CHECK(msg_has(e, "linux.cgroupsPath") && msg_has(e, "slice:prefix:name"), "%s", e->msg);
  sk_error_free(&e);
  o.cgroups_path = "system.slice:skiff:t1";
  CHECK(cgroup_plan(&o, &e) == 0, "three parts: %s", e ? e->msg : "");
  if (access("/run/systemd/system", F_OK) < 0) {
    sk_cgroup *cg = NULL;
    CHECK(cgroup_create(&o, &cg, &e) < 0, "systemd not running");
    CHECK(msg_has(e, "systemd cgroup driver: systemd is not running (no /run/systemd/system)"),
          "%s", e->msg);
    sk_error_free(&e);
  }
  /* unified: a key of no controller */
  char *keys[] = {"bogus.key"}, *vals[] = {"1"};
  oci_resources r = {0};
  r.unified.keys = keys;
  r.unified.values = vals;
  r.unified.len = 1;
  struct sk_cgroup_opts u = {.id = "x", .cgroups_path = "/x", .resources = &r};
  CHECK(cgroup_plan(&u, &e) < 0 && msg_has(e, "linux.resources.unified.bogus.key"), "%s",
        e ? e->msg : "accepted");
  sk_error_free(&e);
  oci_device_cgroup d = {.allow = true, .type = "x", .access = "rwm"};
  oci_resources rd = {.devices = &d, .n_devices = 1};
  u.resources = &rd;
  CHECK(cgroup_plan(&u, &e) < 0 && msg_has(e, "linux.resources.devices[0]"), "dev type");
  return 0;
}

static int test_systemd_names(void) {
  _cleanup_error_ sk_error *e = NULL;
  _cleanup_free_ char *slice = NULL, *unit = NULL;
  CHECK(cg_systemd_parse("machine.slice:skiff:abc", "id", &slice, &unit, &e) == 0, "%s",
        e->msg);
  CHECK(strcmp(slice, "machine.slice") == 0 && strcmp(unit, "skiff-abc.scope") == 0, "%s %s",
        slice, unit);
  free(slice);
  free(unit);
  slice = unit = NULL;
  CHECK(cg_systemd_parse("::abc", "id", &slice, &unit, &e) == 0, "%s", e->msg);
  CHECK(strcmp(slice, "system.slice") == 0 && strcmp(unit, "abc.scope") == 0, "%s %s", slice,
        unit);
  free(slice);
  free(unit);
  slice = unit = NULL;
  CHECK(cg_systemd_parse(NULL, "id", &slice, &unit, &e) == 0, "%s", e->msg);
  CHECK(strcmp(unit, "skiff-id.scope") == 0, "%s", unit);
  CHECK(cg_systemd_parse("notaslice:p:n", "id", &slice, &unit, &e) < 0 &&
            msg_has(e, "linux.cgroupsPath"),
        "bad slice");
  _cleanup_free_ char *p1 = cg_systemd_slice_path("a-b-c.slice");
  CHECK(strcmp(p1, "/a.slice/a-b.slice/a-b-c.slice") == 0, "%s", p1);
  _cleanup_free_ char *p2 = cg_systemd_slice_path("system.slice");
  CHECK(strcmp(p2, "/system.slice") == 0, "%s", p2);
  _cleanup_free_ char *p3 = cg_systemd_slice_path("-.slice");
  CHECK(strcmp(p3, "") == 0, "%s", p3);
  return 0;
}

static int test_paths(void) {
  _cleanup_error_ sk_error *e = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  struct sk_cgroup_opts o = {.id = "pathid", .cgroups_path = NULL};
  char rel[96];
  snprintf(rel, sizeof(rel), "%s/./rel//x/", base + 1); /* relative, untidy */
  o.cgroups_path = rel;
  CHECK(cgroup_create(&o, &cg, &e) == 0, "%s", e->msg);
  char want[128];
  snprintf(want, sizeof(want), "%s/rel/x", base);
  CHECK(strcmp(cgroup_path(cg), want) == 0, "%s", cgroup_path(cg));
  CHECK(cgroup_destroy(cg, &e) == 0, "%s", e->msg);
  return 0;
}

static int test_conversions(void) {
  CHECK(cg_shares_to_weight(1024) == 39, "%" PRIu64, cg_shares_to_weight(1024));
  CHECK(cg_shares_to_weight(2) == 1, "min");
  CHECK(cg_shares_to_weight(262144) == 10000, "max");
  CHECK(cg_blkio_weight_to_io(500) == 4950, "%" PRIu64, cg_blkio_weight_to_io(500));
  CHECK(cg_blkio_weight_to_io(10) == 1 && cg_blkio_weight_to_io(1000) == 10000, "ends");
  return 0;
}

/* The whole life on the host layout, hybrid here. */
static int test_lifecycle(void) {
  _cleanup_error_ sk_error *e = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  oci_memory mem = {.has_limit = true, .limit = 64 << 20, .has_swap = true,
                    .swap = 128 << 20, .has_swappiness = true, .swappiness = 10};
  oci_cpu cpu = {.has_shares = true, .shares = 512, .has_quota = true, .quota = 50000,
                 .has_period = true, .period = 100000, .cpus = "0", .mems = "0"};
  oci_device_cgroup devs[] = {
      {.allow = false, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true,
       .minor = 3, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true,
       .minor = 5, .access = "r"},
  };
  oci_hugepage_limit huge = {.page_size = "2MB", .limit = 4 << 21};
  oci_resources r = {.memory = &mem, .cpu = &cpu, .has_pids_limit = true, .pids_limit = 50,
                     .devices = devs, .n_devices = 3, .hugepage_limits = &huge,
                     .n_hugepage_limits = 1};
  CHECK(opts_create("life", &r, &cg, &e) == 0, "%s", e->msg);

  const char *m = cg_v1_dir(cg, CG_V1_MEMORY);
  if (m) {
    CHECK(file_has(m, "memory.limit_in_bytes", "67108864"), "limit");
    CHECK(file_has(m, "memory.swappiness", "10"), "swappiness");
    if (cg_file_exists(m, "memory.memsw.limit_in_bytes"))
      CHECK(file_has(m, "memory.memsw.limit_in_bytes", "134217728"), "memsw");
  } else if (cg_has_v2(cg, CG_V2_MEMORY)) {
    CHECK(file_has(cg->v2_dir, "memory.max", "67108864"), "memory.max");
    CHECK(file_has(cg->v2_dir, "memory.swap.max", "67108864"), "swap.max");
  }
  const char *c = cg_v1_dir(cg, CG_V1_CPU);
  if (c) {
    CHECK(file_has(c, "cpu.shares", "512"), "shares");
    CHECK(file_has(c, "cpu.cfs_quota_us", "50000"), "quota");
  } else if (cg_has_v2(cg, CG_V2_CPU)) {
    CHECK(file_has(cg->v2_dir, "cpu.weight", "20"), "weight");
    CHECK(file_has(cg->v2_dir, "cpu.max", "50000 100000"), "cpu.max");
  }
  const char *cs = cg_v1_dir(cg, CG_V1_CPUSET);
  if (cs)
    CHECK(file_has(cs, "cpuset.cpus", "0\n") && file_has(cs, "cpuset.mems", "0\n"), "cpuset");
  const char *p = cg_v1_dir(cg, CG_V1_PIDS);
  CHECK(file_has(p ? p : cg->v2_dir, "pids.max", "50"), "pids.max");
  const char *d = cg_v1_dir(cg, CG_V1_DEVICES);
  if (d) {
    _cleanup_free_ char *list = slurp(d, "devices.list");
    CHECK(strstr(list, "c 1:3 rwm") && strstr(list, "c 1:5 r") && !strstr(list, "a *:*"),
          "devices.list: %s", list);
  } else {
    uint32_t n;
    CHECK(cg_devices_ebpf_count(cg->v2_fd, &n, &e) == 0 && n == 1, "bpf programs");
  }
  /* hugetlb: v1 if mounted, else the unified hierarchy (hybrid here) */
  if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
    const char *h = cg_v1_dir(cg, CG_V1_HUGETLB);
    if (h)
      CHECK(file_has(h, "hugetlb.2MB.limit_in_bytes", "8388608"), "hugetlb v1");
    else if (cg_has_v2(cg, CG_V2_HUGETLB))
      CHECK(file_has(cg->v2_dir, "hugetlb.2MB.max", "8388608"), "hugetlb v2");
  }

  /* a process in it */
  pid_t child = sleeper();
  CHECK(cgroup_enter(cg, child, &e) == 0, "%s", e->msg);
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  CHECK(cgroup_pids(cg, &pids, &n, &e) == 0, "%s", e->msg);
  CHECK(n == 1 && pids[0] == child && pids[1] == 0, "pids n=%zu", n);
  for (int i = 0; i < CG_V1_COUNT; i++)
    if (cg->v1[i].dir && cg->v1[i].primary) {
      char s[24];
      snprintf(s, sizeof(s), "%d\n", (int)child);
      CHECK(file_has(cg->v1[i].dir, "cgroup.procs", s), "not in %s", cg->v1[i].dir);
    }

  /* freeze and thaw */
  CHECK(cgroup_freeze(cg, true, &e) == 0, "%s", e->msg);
  CHECK(cgroup_is_frozen(cg), "frozen");
  CHECK(cgroup_freeze(cg, false, &e) == 0, "%s", e->msg);
  CHECK(!cgroup_is_frozen(cg), "thawed");

  /* stats in runc's shape */
  _cleanup_free_ char *js = NULL;
  CHECK(cgroup_stats_json(cg, &js, &e) == 0, "%s", e->msg);
  CHECK(strncmp(js, "{\"cpu\":{\"usage\":{", 17) == 0, "%s", js);
  CHECK(strstr(js, "\"memory\":{") && strstr(js, "\"usage\":{\"limit\":67108864"), "%s", js);
  CHECK(strstr(js, "\"pids\":{\"current\":1,\"limit\":50}"), "%s", js);
  CHECK(strstr(js, "\"blkio\":{") && strstr(js, "\"hugetlb\":{"), "%s", js);
  if (getenv("SKIFF_TEST_VERBOSE"))
    fprintf(stderr, "    stats: %s\n", js);

  /* update, a negative limit the kernel refuses */
  oci_memory bad = {.has_limit = true, .limit = -5};
  oci_resources rb = {.memory = &bad};
  CHECK(cgroup_update(cg, &rb, &e) < 0, "negative limit accepted");
  CHECK(msg_has(e, "linux.resources.memory.limit: write memory."), "%s", e->msg);
  sk_error_free(&e);
  oci_resources ru = {.has_pids_limit = true, .pids_limit = 77};
  CHECK(cgroup_update(cg, &ru, &e) == 0, "%s", e->msg);
  CHECK(file_has(p ? p : cg->v2_dir, "pids.max", "77"), "updated pids.max");

  /* SIGTERM goes the freeze/signal/thaw way; the child dies of it */
  CHECK(cgroup_kill_all(cg, SIGTERM, &e) == 0, "%s", e->msg);
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
        "status %x", st);
  CHECK(!cgroup_is_frozen(cg), "left frozen");

  /* SIGKILL: cgroup.kill where there is one */
  child = sleeper();
  CHECK(cgroup_enter(cg, child, &e) == 0, "%s", e->msg);
  CHECK(cgroup_kill_all(cg, SIGKILL, &e) == 0, "%s", e->msg);
  CHECK(waitpid(child, &st, 0) == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
        "status %x", st);

  /* open from the saved path; destroy a frozen cgroup with a process */
  _cleanup_cgroup_ sk_cgroup *again = NULL;
  CHECK(cgroup_open(cgroup_path(cg), false, "life", &again, &e) == 0, "%s", e->msg);
  child = sleeper();
  CHECK(cgroup_enter(again, child, &e) == 0, "%s", e->msg);
  CHECK(cgroup_freeze(again, true, &e) == 0, "%s", e->msg);
  CHECK(cgroup_destroy(again, &e) == 0, "%s", e->msg);
  CHECK(waitpid(child, &st, 0) == child && WIFSIGNALED(st), "not killed");
  for (int i = 0; i < CG_V1_COUNT; i++)
    CHECK(cg->v1[i].dir == NULL || !dir_exists(cg->v1[i].dir), "left %s", cg->v1[i].dir);
  CHECK(cg->v2_dir == NULL || !dir_exists(cg->v2_dir), "left %s", cg->v2_dir);
  CHECK(cgroup_destroy(cg, &e) == 0, "second destroy: %s", e->msg);
  return 0;
}

/* blockIO on a real disk of the host: weight and a read throttle. */
static int test_blkio(void) {
  unsigned maj = 0, min = 0;
  static const char *const disks[] = {"/sys/block/vda/dev", "/sys/block/sda/dev",
                                      "/sys/block/nvme0n1/dev"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(disks) && maj == 0; i++) {
    _cleanup_free_ char *s = NULL;
    size_t len;
    _cleanup_error_ sk_error *ignored = NULL;
    if (sk_read_file(disks[i], &s, &len, &ignored) < 0 ||
        sscanf(s, "%u:%u", &maj, &min) != 2)
      maj = 0;
  }
  if (maj == 0) {
    printf("    (no known disk: blockIO not tested)\n");
    return 0;
  }
  _cleanup_error_ sk_error *e = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  oci_blkio_throttle t = {.major = maj, .minor = min, .rate = 1048576};
  oci_blkio b = {.has_weight = true, .weight = 200, .throttle_read_bps = &t,
                 .n_throttle_read_bps = 1};
  oci_resources r = {.block_io = &b};
  if (opts_create("blkio", &r, &cg, &e) < 0) {
    /* no BFQ: the weight is what a kernel may lack */
    CHECK(msg_has(e, "linux.resources.blockIO.weight"), "%s", e->msg);
    return 0;
  }
  char want[64];
  snprintf(want, sizeof(want), "%u:%u 1048576", maj, min);
  const char *d = cg_v1_dir(cg, CG_V1_BLKIO);
  if (d) {
    CHECK(file_has(d, "blkio.throttle.read_bps_device", want), "throttle");
    CHECK(file_has(d, cg_file_exists(d, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight",
                   "200"),
          "weight");
    /* CFQ's leaf weight is gone from this kernel: a clear error */
    if (!cg_file_exists(d, "blkio.leaf_weight")) {
      oci_blkio lw = {.has_leaf_weight = true, .leaf_weight = 300};
      oci_resources rl = {.block_io = &lw};
      CHECK(cgroup_update(cg, &rl, &e) < 0 &&
                msg_has(e, "linux.resources.blockIO.leafWeight: open "),
            "%s", e ? e->msg : "accepted");
      sk_error_free(&e);
    }
  } else if (cg_has_v2(cg, CG_V2_IO)) {
    snprintf(want, sizeof(want), "%u:%u rbps=1048576", maj, min);
    CHECK(file_has(cg->v2_dir, "io.max", want), "io.max");
  }
  CHECK(cgroup_destroy(cg, &e) == 0, "%s", e->msg);
  return 0;
}

static int test_unknown_unified_key_on_create(void) {
  if (cg_host_layout() == CG_LAYOUT_V1)
    return 0;
  _cleanup_error_ sk_error *e = NULL;
  sk_cgroup *cg = NULL;
  char *keys[] = {"cgroup.nonexistent"}, *vals[] = {"1"};
  oci_resources r = {0};
  r.unified.keys = keys;
  r.unified.values = vals;
  r.unified.len = 1;
  CHECK(opts_create("unikey", &r, &cg, &e) < 0, "accepted");
  CHECK(msg_has(e, "linux.resources.unified.cgroup.nonexistent"), "%s", e->msg);
  char dir[128];
  snprintf(dir, sizeof(dir), CG_ROOT "/pids%s/unikey", base);
  CHECK(!dir_exists(dir), "failed create left %s", dir);
  /* a known key is written as given */
  keys[0] = "cgroup.max.descendants";
  vals[0] = "7";
  CHECK(opts_create("unikey", &r, &cg, &e) == 0, "%s", e->msg);
  CHECK(file_has(cg->v2_dir, "cgroup.max.descendants", "7"), "written");
  CHECK(cgroup_destroy(cg, &e) == 0, "%s", e->msg);
  cgroup_free(&cg);
  return 0;
}

/* ---- the cgroup2 code paths on the unified hierarchy ------------------ */

static char v2dir[256];

static int make_v2_dir(const char *leaf) {
  const char *root = cg_host_layout() == CG_LAYOUT_V2 ? CG_ROOT : CG_UNIFIED_ROOT;
  snprintf(v2dir, sizeof(v2dir), "%s%s", root, base);
  mkdir(v2dir, 0755);
  snprintf(v2dir, sizeof(v2dir), "%s%s/%s", root, base, leaf);
  return mkdir(v2dir, 0755);
}

static int test_v2_freeze_kill(void) {
  if (cg_host_layout() == CG_LAYOUT_V1)
    return 0;
  _cleanup_error_ sk_error *e = NULL;
  CHECK(make_v2_dir("fk") == 0, "mkdir %s: %s", v2dir, strerror(errno));
  pid_t child = sleeper();
  char s[24];
  snprintf(s, sizeof(s), "%d", (int)child);
  CHECK(cg_write(v2dir, "cgroup.procs", s, NULL, &e) == 0, "%s", e->msg);
  CHECK(cg_freeze_v2(v2dir, true, &e) == 0, "%s", e->msg);
  CHECK(cg_frozen_v2(v2dir), "frozen");
  CHECK(cg_freeze_v2(v2dir, false, &e) == 0, "%s", e->msg);
  CHECK(!cg_frozen_v2(v2dir), "thawed");
  CHECK(cg_write(v2dir, "cgroup.kill", "1", NULL, &e) == 0, "%s", e->msg);
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
        "status %x", st);
  CHECK(cg_rmdir_retry(v2dir, &e) == 0, "%s", e->msg);
  return 0;
}

/* A child in the cgroup tries opens and reports them as bits. */
static int device_probe(const oci_device_cgroup *rules, size_t n, int *result,
                        uint32_t *attached) {
  _cleanup_error_ sk_error *e = NULL;
  _cleanup_close_ int fd = open(v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK(fd >= 0, "open %s", v2dir);
  CHECK(cg_devices_ebpf_apply(fd, rules, n, &e) == 0, "%s", e->msg);
  CHECK(cg_devices_ebpf_count(fd, attached, &e) == 0, "%s", e->msg);
  int go[2];
  CHECK(pipe(go) == 0, "pipe");
  pid_t child = fork();
  if (child == 0) {
    char b;
    close(go[1]);
    if (read(go[0], &b, 1) != 1)
      _exit(100);
    int bits = 0;
    static const struct {
      const char *dev;
      int flags;
    } tries[] = {{"/dev/null", O_RDWR}, {"/dev/zero", O_RDONLY}, {"/dev/zero", O_WRONLY},
                 {"/dev/full", O_RDONLY}};
    for (int i = 0; i < 4; i++) {
      int f = open(tries[i].dev, tries[i].flags);
      if (f >= 0) {
        bits |= 1 << i;
        close(f);
      } else if (errno != EPERM) {
        _exit(101);
      }
    }
    _exit(bits);
  }
  close(go[0]);
  char s[24];
  snprintf(s, sizeof(s), "%d", (int)child);
  int rc = cg_write(v2dir, "cgroup.procs", s, NULL, &e);
  CHECK(write(go[1], "x", 1) == 1, "go");
  close(go[1]);
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st), "child status %x", st);
  CHECK(rc == 0, "%s", e->msg);
  CHECK(WEXITSTATUS(st) < 100, "child failed %d", WEXITSTATUS(st));
  *result = WEXITSTATUS(st);
  return 0;
}

static int test_v2_devices_ebpf(void) {
  if (cg_host_layout() == CG_LAYOUT_V1)
    return 0;
  _cleanup_error_ sk_error *e = NULL;
  CHECK(make_v2_dir("dev") == 0, "mkdir %s: %s", v2dir, strerror(errno));
  /* the default-spec shape: deny all, then exceptions */
  oci_device_cgroup rules[] = {
      {.allow = false, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true,
       .minor = 3, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true,
       .minor = 5, .access = "r"},
  };
  int bits;
  uint32_t n;
  if (device_probe(rules, 3, &bits, &n))
    return 1;
  /* null rw, zero r: yes; zero w, full: no */
  CHECK(bits == 0x3, "bits %x", bits);
  CHECK(n == 1, "%u programs", n);
  /* update: allow everything but writes to 1:5; still one program */
  oci_device_cgroup rules2[] = {
      {.allow = true, .access = "rwm"},
      {.allow = false, .type = "c", .has_major = true, .major = 1, .has_minor = true,
       .minor = 5, .access = "w"},
  };
  if (device_probe(rules2, 2, &bits, &n))
    return 1;
  CHECK(bits == 0xb, "bits %x", bits);
  CHECK(n == 1, "%u programs after update", n);
  _cleanup_close_ int fd = open(v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK(cg_devices_ebpf_detach_all(fd, &e) == 0, "%s", e->msg);
  CHECK(cg_devices_ebpf_count(fd, &n, &e) == 0 && n == 0, "%u left", n);
  CHECK(cg_rmdir_retry(v2dir, &e) == 0, "%s", e->msg);
  return 0;
}

/* ---- runner ----------------------------------------------------------- */

static int passed, failed;

static void run(const char *name, int (*fn)(void)) {
  int rc = fn();
  printf("%s %s\n", rc == 0 ? "ok  " : "FAIL", name);
  fflush(stdout);
  if (rc == 0)
    passed++;
  else
    failed++;
}

/* The parents the cases made (destroy removes only the leaf, as runc). */
static void cleanup_base(void) {
  static const char *const subs[] = {"/rel", "/dev", "/fk", ""};
  char d[256];
  for (size_t i = 0; i < SK_ARRAY_SIZE(subs); i++) {
    for (int c = 0; c < CG_V1_COUNT; c++) {
      snprintf(d, sizeof(d), CG_ROOT "/%s%s%s", cg_v1_names[c], base, subs[i]);
      rmdir(d);
    }
    snprintf(d, sizeof(d), "%s%s%s",
             cg_host_layout() == CG_LAYOUT_V2 ? CG_ROOT : CG_UNIFIED_ROOT, base, subs[i]);
    rmdir(d);
  }
}

int main(void) {
  if (geteuid() != 0) {
    printf("skipped: needs root\n");
    return 77;
  }
  snprintf(base, sizeof(base), "/skiff-test-%d", (int)getpid());
  run("layout", test_layout);
  run("bad input", test_bad_input);
  run("conversions", test_conversions);
  run("systemd unit names", test_systemd_names);
  run("cgroupsPath forms", test_paths);
  run("lifecycle: resources, enter, freeze, stats, update, kill, destroy", test_lifecycle);
  run("blockIO weight and throttle", test_blkio);
  run("unified keys", test_unknown_unified_key_on_create);
  run("v2 freeze and cgroup.kill", test_v2_freeze_kill);
  run("v2 eBPF device program", test_v2_devices_ebpf);
  cleanup_base();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
