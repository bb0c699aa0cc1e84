/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `events --stats` data in runc's shape (runc types/events.go: Stats with
 * cpu, memory, pids, blkio, hugetlb), read from v1 files or cgroup2 files
 * depending on where each controller lives. Zero numbers of fields that
 * runc marks omitempty are left out, as encoding/json does. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

struct js {
  FILE *f;
  bool first; /* no comma before the next member */
};

static void key(struct js *j, const char *k) {
  fprintf(j->f, "%s\"%s\":", j->first ? "" : ",", k);
  j->first = false;
}
static void open_obj(struct js *j, const char *k) {
  if (k)
    key(j, k);
  fputc('{', j->f);
  j->first = true;
}
static void close_obj(struct js *j) {
  fputc('}', j->f);
  j->first = false;
}
static void num(struct js *j, const char *k, uint64_t v, bool omitempty) {
  if (omitempty && v == 0)
    return;
  key(j, k);
  fprintf(j->f, "%" PRIu64, v);
}

static uint64_t rd(const char *dir, const char *file) {
  uint64_t v = 0;
  if (dir == NULL || cg_read_u64(dir, file, &v) < 0)
    return 0;
  return v;
}

/* "key value" lines (memory.stat, cpu.stat, memory.events): one value. */
static bool kv(const char *text, const char *k, uint64_t *out) {
  size_t kl = strlen(k);
  for (const char *p = text; p && *p;) {
    if (strncmp(p, k, kl) == 0 && p[kl] == ' ') {
      *out = strtoull(p + kl + 1, NULL, 10);
      return true;
    }
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  return false;
}
static uint64_t kv0(const char *text, const char *k) {
  uint64_t v = 0;
  kv(text, k, &v);
  return v;
}

static void num_list(struct js *j, const char *k, const char *text) {
  if (text == NULL || strspn(text, " \n") == strlen(text))
    return;
  key(j, k);
  fputc('[', j->f);
  bool first = true;
  for (const char *p = text; *p;) {
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p)
      break;
    fprintf(j->f, "%s%llu", first ? "" : ",", v);
    first = false;
    p = end + strspn(end, " \n");
  }
  fputc(']', j->f);
}

static void cpu_stats(sk_cgroup *cg, struct js *j) {
  open_obj(j, "cpu");
  const char *acct = cg_v1_dir(cg, CG_V1_CPUACCT);
  const char *cpu = cg_v1_dir(cg, CG_V1_CPU);
  _cleanup_free_ char *v2stat = cg->v2_dir && !acct ? cg_read(cg->v2_dir, "cpu.stat") : NULL;
  open_obj(j, "usage");
  if (acct) {
    num(j, "total", rd(acct, "cpuacct.usage"), true);
    _cleanup_free_ char *pc = cg_read(acct, "cpuacct.usage_percpu");
    _cleanup_free_ char *pk = cg_read(acct, "cpuacct.usage_percpu_sys");
    _cleanup_free_ char *pu = cg_read(acct, "cpuacct.usage_percpu_user");
    num_list(j, "percpu", pc);
    num_list(j, "percpu_kernel", pk);
    num_list(j, "percpu_user", pu);
    _cleanup_free_ char *st = cg_read(acct, "cpuacct.stat");
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
      hz = 100;
    num(j, "kernel", kv0(st, "system") * (1000000000ull / (uint64_t)hz), false);
    num(j, "user", kv0(st, "user") * (1000000000ull / (uint64_t)hz), false);
  } else {
    num(j, "total", kv0(v2stat, "usage_usec") * 1000, true);
    num(j, "kernel", kv0(v2stat, "system_usec") * 1000, false);
    num(j, "user", kv0(v2stat, "user_usec") * 1000, false);
  }
  close_obj(j);
  open_obj(j, "throttling");
  if (cpu) {
    _cleanup_free_ char *st = cg_read(cpu, "cpu.stat");
    num(j, "periods", kv0(st, "nr_periods"), true);
    num(j, "throttledPeriods", kv0(st, "nr_throttled"), true);
    num(j, "throttledTime", kv0(st, "throttled_time"), true);
  } else {
    num(j, "periods", kv0(v2stat, "nr_periods"), true);
    num(j, "throttledPeriods", kv0(v2stat, "nr_throttled"), true);
    num(j, "throttledTime", kv0(v2stat, "throttled_usec") * 1000, true);
  }
  close_obj(j);
  close_obj(j);
}

static void mem_entry(struct js *j, const char *k, uint64_t limit, uint64_t usage, uint64_t max,
                      uint64_t failcnt) {
  open_obj(j, k);
  num(j, "limit", limit, false);
  num(j, "usage", usage, true);
  num(j, "max", max, true);
  num(j, "failcnt", failcnt, false);
  close_obj(j);
}

static void raw_map(struct js *j, const char *text) {
  if (text == NULL || *text == '\0')
    return;
  open_obj(j, "raw");
  for (const char *p = text; *p;) {
    size_t kl = strcspn(p, " \n");
    if (p[kl] == ' ') {
      fprintf(j->f, "%s\"%.*s\":%" PRIu64, j->first ? "" : ",", (int)kl, p,
              (uint64_t)strtoull(p + kl + 1, NULL, 10));
      j->first = false;
    }
    p = strchr(p, '\n');
    if (p == NULL)
      break;
    p++;
  }
  close_obj(j);
}

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static void memory_stats(sk_cgroup *cg, struct js *j) {
  open_obj(j, "memory");
  const char *d = cg_v1_dir(cg, CG_V1_MEMORY);
  if (d) {
    _cleanup_free_ char *st = cg_read(d, "memory.stat");
    num(j, "cache", kv0(st, "cache"), true);
    mem_entry(j, "usage", rd(d, "memory.limit_in_bytes"), rd(d, "memory.usage_in_bytes"),
              rd(d, "memory.max_usage_in_bytes"), rd(d, "memory.failcnt"));
    mem_entry(j, "swap", rd(d, "memory.memsw.limit_in_bytes"),
              rd(d, "memory.memsw.usage_in_bytes"), rd(d, "memory.memsw.max_usage_in_bytes"),
              rd(d, "memory.memsw.failcnt"));
    mem_entry(j, "kernel", rd(d, "memory.kmem.limit_in_bytes"),
              rd(d, "memory.kmem.usage_in_bytes"), rd(d, "memory.kmem.max_usage_in_bytes"),
              rd(d, "memory.kmem.failcnt"));
    mem_entry(j, "kernelTCP", rd(d, "memory.kmem.tcp.limit_in_bytes"),
              rd(d, "memory.kmem.tcp.usage_in_bytes"),
              rd(d, "memory.kmem.tcp.max_usage_in_bytes"), rd(d, "memory.kmem.tcp.failcnt"));
    raw_map(j, st);
  } else if (cg_has_v2(cg, CG_V2_MEMORY)) {
    const char *v = cg->v2_dir;
    _cleanup_free_ char *st = cg_read(v, "memory.stat");
    _cleanup_free_ char *ev = cg_read(v, "memory.events");
    uint64_t cur = rd(v, "memory.current"), max = rd(v, "memory.max");
    num(j, "cache", kv0(st, "file"), true);
    mem_entry(j, "usage", max, cur, rd(v, "memory.peak"), kv0(ev, "max"));
    /* as runc: swap reads like v1 memsw, memory plus swap */
    mem_entry(j, "swap", add_sat(max, rd(v, "memory.swap.max")),
              add_sat(cur, rd(v, "memory.swap.current")), 0, 0);
    raw_map(j, st);
  }
  close_obj(j);
}

static void pids_stats(sk_cgroup *cg, struct js *j) {
  open_obj(j, "pids");
  const char *d = cg_v1_dir(cg, CG_V1_PIDS);
  if (d == NULL && cg_has_v2(cg, CG_V2_PIDS))
    d = cg->v2_dir;
  if (d) {
    uint64_t limit = rd(d, "pids.max");
    num(j, "current", rd(d, "pids.current"), true);
    num(j, "limit", limit == UINT64_MAX ? 0 : limit, true);
  }
  close_obj(j);
}

/* v1 "8:0 Read 4096" lines; "Total N" is dropped. */
static void blkio_v1_list(struct js *j, const char *k, const char *text) {
  if (text == NULL)
    return;
  bool any = false;
  for (const char *p = text; *p;) {
    unsigned maj, min;
    char op[16];
    unsigned long long v;
    if (sscanf(p, "%u:%u %15s %llu", &maj, &min, op, &v) == 4) {
      if (!any) {
        key(j, k);
        fputc('[', j->f);
      }
      fprintf(j->f, "%s{", any ? "," : "");
      j->first = true;
      num(j, "major", maj, true);
      num(j, "minor", min, true);
      if (*op) {
        key(j, "op");
        fprintf(j->f, "\"%s\"", op);
      }
      num(j, "value", v, true);
      fputc('}', j->f);
      j->first = false;
      any = true;
    }
    p = strchr(p, '\n');
    if (p == NULL)
      break;
    p++;
  }
  if (any)
    fputc(']', j->f);
}

static void blkio_v2(struct js *j, const char *iostat) {
  /* io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." into v1 form */
  static const struct {
    const char *k, *field, *op;
  } map[] = {{"rbytes", "ioServiceBytesRecursive", "Read"},
             {"wbytes", "ioServiceBytesRecursive", "Write"},
             {"rios", "ioServicedRecursive", "Read"},
             {"wios", "ioServicedRecursive", "Write"}};
  for (size_t f = 0; f < SK_ARRAY_SIZE(map); f += 2) {
    FILE *m;
    char *buf = NULL;
    size_t len = 0;
    if ((m = open_memstream(&buf, &len)) == NULL)
      return;
    for (const char *p = iostat; p && *p;) {
      unsigned maj, min;
      if (sscanf(p, "%u:%u", &maj, &min) == 2) {
        const char *eol = strchr(p, '\n');
        for (size_t g = f; g < f + 2; g++) {
          char pat[16];
          snprintf(pat, sizeof(pat), " %s=", map[g].k);
          const char *at = strstr(p, pat);
          if (at && (!eol || at < eol))
            fprintf(m, "%u:%u %s %s\n", maj, min, map[g].op, at + strlen(pat));
        }
      }
      p = strchr(p, '\n');
      if (p == NULL)
        break;
      p++;
    }
    fclose(m);
    blkio_v1_list(j, map[f].field, buf);
    free(buf);
  }
}

static void blkio_stats(sk_cgroup *cg, struct js *j) {
  open_obj(j, "blkio");
  const char *d = cg_v1_dir(cg, CG_V1_BLKIO);
  if (d) {
    _cleanup_free_ char *b = cg_read(d, "blkio.throttle.io_service_bytes_recursive");
    _cleanup_free_ char *s = cg_read(d, "blkio.throttle.io_serviced_recursive");
    blkio_v1_list(j, "ioServiceBytesRecursive", b);
    blkio_v1_list(j, "ioServicedRecursive", s);
  } else if (cg_has_v2(cg, CG_V2_IO)) {
    _cleanup_free_ char *st = cg_read(cg->v2_dir, "io.stat");
    blkio_v2(j, st);
  }
  close_obj(j);
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB -> "2MB" */
static bool page_name(const char *dirent, char *out, size_t size) {
  unsigned long long kb;
  if (sscanf(dirent, "hugepages-%llukB", &kb) != 1)
    return false;
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
    snprintf(out, size, "%lluGB", kb / (1024 * 1024));
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf(out, size, "%lluMB", kb / 1024);
  else
    snprintf(out, size, "%lluKB", kb);
  return true;
}

static void hugetlb_stats(sk_cgroup *cg, struct js *j) {
  open_obj(j, "hugetlb");
  const char *v1 = cg_v1_dir(cg, CG_V1_HUGETLB);
  const char *v2 = !v1 && cg_has_v2(cg, CG_V2_HUGETLB) ? cg->v2_dir : NULL;
  DIR *dir = (v1 || v2) ? opendir("/sys/kernel/mm/hugepages") : NULL;
  for (struct dirent *de; dir && (de = readdir(dir));) {
    char size[32], f[96];
    if (!page_name(de->d_name, size, sizeof(size)))
      continue;
    open_obj(j, size);
    if (v1) {
      snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
      num(j, "usage", rd(v1, f), true);
      snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
      num(j, "max", rd(v1, f), true);
      snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
      num(j, "failcnt", rd(v1, f), false);
    } else {
      snprintf(f, sizeof(f), "hugetlb.%s.current", size);
      num(j, "usage", rd(v2, f), true);
      snprintf(f, sizeof(f), "hugetlb.%s.events", size);
      _cleanup_free_ char *ev = cg_read(v2, f);
      num(j, "failcnt", kv0(ev, "max"), false);
    }
    close_obj(j);
  }
  if (dir)
    closedir(dir);
  close_obj(j);
}

int cgroup_stats_json(sk_cgroup *cg, char **json, sk_error **err) {
  char *buf = NULL;
  size_t len = 0;
  struct js j = {open_memstream(&buf, &len), true};
  if (j.f == NULL)
    return sk_fail_errno(err, "stats");
  open_obj(&j, NULL);
  cpu_stats(cg, &j);
  memory_stats(cg, &j);
  pids_stats(cg, &j);
  blkio_stats(cg, &j);
  hugetlb_stats(cg, &j);
  close_obj(&j);
  if (fclose(j.f) != 0) {
    free(buf);
    return sk_fail_errno(err, "stats");
  }
  *json = buf;
  return 0;
}
