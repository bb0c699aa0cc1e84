/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json parsing: the runtime-spec schema examples, one case per class
 * of type error, and round trips through oci_config_to_json. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "oci_spec.h"
#include "oci_test_util.h"



/* ---- helpers ---- */


/* The schema tests folder: $OCI_SCHEMA_TEST_DIR, else next to the source
 * tree (../shared for /work/main, ../../shared for a worktree below it). */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.json names of a folder; NULL when it cannot be opened. */
static char **list_json(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return NULL;
  char **v = NULL;
  *n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0)
      continue;
    v = realloc(v, (*n + 1) * sizeof *v);
    v[(*n)++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(v, *n, sizeof *v, cmp_str);
  return v;
}

/* Parse `json`; expect success (want == NULL) or an error containing want. */
static oci_config *expect(const char *json, const char *want, const char *what) {
  char *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), &err);
  if (want == NULL) {
    check(c != NULL && err == NULL, "%s: parses (%s)", what, err ? err : "ok");
  } else {
    bool ok = c == NULL && err && strstr(err, want);
    check(ok, "%s: rejected with \"%s\" (got: %s)", what, want, err ? err : "success");
  }
  free(err);
  if (want) {
    oci_config_free(c);
    return NULL;
  }
  return c;
}

/* Deep equality of two JSON trees, objects compared as unordered sets. */
static bool json_equal(const oj_node *a, const oj_node *b) {
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case OJ_NULL:
    return true;
  case OJ_BOOL:
    return a->boolean == b->boolean;
  case OJ_NUMBER:
  case OJ_STRING:
    return a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
  case OJ_ARRAY:
    if (a->n != b->n)
      return false;
    for (size_t i = 0; i < a->n; i++)
      if (!json_equal(a->items[i], b->items[i]))
        return false;
    return true;
  case OJ_OBJECT:
    if (a->n != b->n)
      return false;
    for (size_t i = 0; i < a->n; i++) {
      const oj_node *other = oj_get(b, a->keys[i]);
      if (other == NULL || !json_equal(a->items[i], other)) {
        printf("# differs at key \"%s\"\n", a->keys[i]);
        return false;
      }
    }
    return true;
  }
  return false;
}

/* ---- the schema examples ---- */

/* Bad examples a types/ranges/required parser cannot reject: their fault is
 * an enum or pattern (checked by the runtime with a better message) or in a
 * platform object skiff ignores. */
static const char *const unrejectable_bad[] = {
    "freebsd-vnet-disable.json", /* freebsd.jail.vnet enum; freebsd is ignored */
    "linux-hugepage.json",       /* pageSize "64kB" fails a pattern only */
};

static bool is_unrejectable(const char *name) {
  for (size_t i = 0; i < sizeof unrejectable_bad / sizeof unrejectable_bad[0]; i++)
    if (strcmp(name, unrejectable_bad[i]) == 0)
      return true;
  return false;
}

/* The message expected for some bad examples, to check the path is named. */
static const char *bad_message(const char *name) {
  if (strcmp(name, "linux-netdevice.json") == 0)
    return "linux.netDevices[\"eth0\"].name: expected a string, got 23";
  if (strcmp(name, "linux-rdma.json") == 0)
    return "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected a non-negative "
           "integer, got \"not a uint32\"";
  if (strcmp(name, "invalid-json.json") == 0)
    return " at byte ";
  return ": ";
}

static void test_schema_examples(void) {
  const char *base = schema_test_dir();
  if (base == NULL) {
    printf("# SKIP schema examples: set OCI_SCHEMA_TEST_DIR (not found next to %s)\n",
           TOP_SRCDIR);
    return;
  }
  for (int good = 1; good >= 0; good--) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/config/%s", base, good ? "good" : "bad");
    size_t n;
    char **names = list_json(dir, &n);
    if (names == NULL) {
      printf("# SKIP %s: cannot open\n", dir);
      continue;
    }
    for (size_t i = 0; i < n; i++) {
      char path[4500];
      snprintf(path, sizeof path, "%s/%s", dir, names[i]);
      size_t len;
      char *data = read_file(path, &len);
      char *err = NULL;
      oci_config *c = oci_config_parse_data(data, len, &err);
      if (good || is_unrejectable(names[i])) {
        check(c != NULL, "config/%s/%s parses%s (%s)", good ? "good" : "bad", names[i],
              good ? "" : " (fault left to the runtime)", err ? err : "ok");
      } else {
        const char *want = bad_message(names[i]);
        check(c == NULL && err && strstr(err, want), "config/bad/%s rejected: %s",
              names[i], err ? err : "ACCEPTED");
      }
      if (c && good) { /* writing it back must give the same config again */
        char *j1 = oci_config_to_json(c, true);
        char *err2 = NULL;
        oci_config *c2 = j1 ? oci_config_parse_data(j1, strlen(j1), &err2) : NULL;
        char *j2 = c2 ? oci_config_to_json(c2, true) : NULL;
        check(j1 && j2 && strcmp(j1, j2) == 0, "config/good/%s round trip stable (%s)",
              names[i], err2 ? err2 : "ok");
        free(j1);
        free(j2);
        free(err2);
        oci_config_free(c2);
      }
      oci_config_free(c);
      free(err);
      free(data);
      free(names[i]);
    }
    free(names);
  }
}

/* ---- type errors, one per class ---- */

#define CFG(body) "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"}" body "}"
#define PROC(body) CFG(", \"process\": {\"cwd\": \"/\"" body "}")
#define RES(body) CFG(", \"linux\": {\"resources\": {" body "}}")

static void test_type_errors(void) {
  expect(PROC(", \"user\": {\"uid\": \"abc\"}"),
         "process.user.uid: expected a non-negative integer, got \"abc\"", "string for uint");
  expect(PROC(", \"user\": {\"uid\": -1}"),
         "process.user.uid: expected a non-negative integer, got -1", "negative for uint");
  expect(RES("\"memory\": {\"limit\": 1.5}"),
         "linux.resources.memory.limit: expected an integer, got 1.5", "float for int");
  expect(RES("\"memory\": {\"limit\": 1e3}"),
         "linux.resources.memory.limit: expected an integer, got 1e3", "exponent for int");
  expect(RES("\"memory\": {\"limit\": true}"),
         "linux.resources.memory.limit: expected an integer, got true", "bool for int");
  expect(PROC(", \"user\": {\"uid\": 4294967296}"),
         "process.user.uid: value 4294967296 is out of range for uint32", "uint32 range");
  expect(RES("\"blockIO\": {\"weight\": 65536}"),
         "linux.resources.blockIO.weight: value 65536 is out of range for uint16",
         "uint16 range");
  expect(PROC(", \"oomScoreAdj\": 2147483648"),
         "process.oomScoreAdj: value 2147483648 is out of range for int32", "int32 max");
  expect(PROC(", \"oomScoreAdj\": -2147483649"),
         "process.oomScoreAdj: value -2147483649 is out of range for int32", "int32 min");
  expect(RES("\"memory\": {\"swap\": 9223372036854775808}"),
         "linux.resources.memory.swap: value 9223372036854775808 is out of range for int64",
         "int64 max");
  expect(RES("\"memory\": {\"swap\": -9223372036854775809}"),
         "value -9223372036854775809 is out of range for int64", "int64 min");
  expect(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, "
              "\"soft\": 18446744073709551616}]"),
         "process.rlimits[0].soft: value 18446744073709551616 is out of range for uint64",
         "uint64 max + 1");
  expect(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, "
              "\"soft\": 99999999999999999999999}]"),
         "is out of range for uint64", "uint64 far out of range");
  expect(CFG(", \"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", "
             "\"fileMode\": 512}]}"),
         "linux.devices[0].fileMode: value 512 is out of range for a file mode",
         "file mode range");
  expect(CFG(", \"hooks\": {\"prestart\": [{\"path\": \"/x\", \"timeout\": 0}]}"),
         "hooks.prestart[0].timeout: value 0 is out of range for a hook timeout",
         "hook timeout minimum");
  expect(CFG(", \"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\"}, "
             "{\"destination\": 42}]"),
         "mounts[2].destination: expected a string, got 42", "number for string");
  expect(PROC(", \"terminal\": \"yes\""),
         "process.terminal: expected a boolean, got \"yes\"", "string for bool");
  expect(PROC(", \"args\": [\"sh\", 5]"), "process.args[1]: expected a string, got 5",
         "wrong array item type");
  expect(PROC(", \"user\": {\"additionalGids\": [1, \"x\"]}"),
         "process.user.additionalGids[1]: expected a non-negative integer, got \"x\"",
         "wrong uint array item type");
  expect(CFG(", \"mounts\": {}"), "mounts: expected an array, got an object",
         "object where array expected");
  expect(CFG(", \"mounts\": [\"/x\"]"), "mounts[0]: expected an object, got \"/x\"",
         "string where object expected");
  expect(CFG(", \"process\": []"), "process: expected an object, got an array",
         "array where object expected");
  expect(CFG(", \"annotations\": {\"a.b\": 1}"),
         "annotations[\"a.b\"]: expected a string, got 1", "map value type");
  expect(PROC(", \"args\": [\"a\\u0000b\"]"), "process.args[0]: string contains a NUL",
         "embedded NUL");
  expect(CFG(", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
             "\"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}}"),
         "linux.seccomp.syscalls[0].names: expected at least one syscall name",
         "empty syscall names");
  /* a long string is cut short in the message */
  expect(PROC(", \"user\": {\"gid\": \"0123456789012345678901234567890123456789"
              "0123456789\"}"),
         "got \"012345678901234567890123456789012345678901234567...\"", "long value cut");
}

static void test_required(void) {
  expect("{\"root\": {\"path\": \"r\"}}", "missing required field \"ociVersion\"",
         "ociVersion required");
  expect(CFG(", \"root\": {}"), "root: missing required field \"path\"", "root.path");
  expect(CFG(", \"root\": {\"path\": null}"), "root: missing required field \"path\"",
         "null required field");
  expect(CFG(", \"process\": {}"), "process: missing required field \"cwd\"", "cwd");
  expect(CFG(", \"mounts\": [{\"destination\": \"/a\"}, {\"source\": \"/b\"}]"),
         "mounts[1]: missing required field \"destination\"", "mount destination");
  expect(CFG(", \"hooks\": {\"poststop\": [{\"args\": []}]}"),
         "hooks.poststop[0]: missing required field \"path\"", "hook path");
  expect(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1}]"),
         "process.rlimits[0]: missing required field \"hard\"", "rlimit hard");
  expect(PROC(", \"rlimits\": [{\"soft\": 1, \"hard\": 1}]"),
         "process.rlimits[0]: missing required field \"type\"", "rlimit type");
  expect(CFG(", \"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0}]}"),
         "linux.uidMappings[0]: missing required field \"size\"", "idmapping size");
  expect(CFG(", \"linux\": {\"namespaces\": [{\"path\": \"/x\"}]}"),
         "linux.namespaces[0]: missing required field \"type\"", "namespace type");
  expect(CFG(", \"linux\": {\"devices\": [{\"type\": \"c\"}]}"),
         "linux.devices[0]: missing required field \"path\"", "device path");
  expect(RES("\"devices\": [{\"access\": \"rwm\"}]"),
         "linux.resources.devices[0]: missing required field \"allow\"", "cgroup allow");
  expect(RES("\"pids\": {}"), "linux.resources.pids: missing required field \"limit\"",
         "pids limit");
  expect(RES("\"hugepageLimits\": [{\"limit\": 1}]"),
         "linux.resources.hugepageLimits[0]: missing required field \"pageSize\"",
         "hugepage pageSize");
  expect(CFG(", \"linux\": {\"seccomp\": {}}"),
         "linux.seccomp: missing required field \"defaultAction\"", "seccomp default");
  expect(PROC(", \"scheduler\": {\"nice\": 1}"),
         "process.scheduler: missing required field \"policy\"", "scheduler policy");
  expect(PROC(", \"ioPriority\": {\"priority\": 1}"),
         "process.ioPriority: missing required field \"class\"", "ioPriority class");
  expect(PROC(", \"consoleSize\": {\"height\": 1}"),
         "process.consoleSize: missing required field \"width\"", "consoleSize width");
}

static void test_document_errors(void) {
  expect("{\"ociVersion\": \"1.0\",, }", " at byte 22", "malformed JSON with offset");
  expect("{\"ociVersion\": \"1.0\"", "premature EOF at byte 20", "truncated JSON");
  expect("", "parse error", "empty document");
  expect("[1, 2]", "expected a JSON object at the top level, got an array",
         "array at top level");
  expect("\"x\"", "expected a JSON object at the top level, got \"x\"",
         "string at top level");
  expect("{\"ociVersion\": \"\\xff\"}", "lexical error", "bad escape");
  expect("{\"ociVersion\": \"\xff\xfe\"}", "invalid bytes in UTF8 string", "invalid UTF-8");
  expect("{\"ociVersion\": \"1\"} {}", "trailing garbage", "two documents");
  /* nesting bombs stop early instead of recursing without bound */
  char deep[4000];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = '\0';
  expect(deep, "nested deeper than", "deep nesting");

  char *err = NULL;
  oci_config *c = oci_config_parse_file("/nonexistent/config.json", &err);
  check(c == NULL && err && strstr(err, "/nonexistent/config.json"),
        "missing file named in error (%s)", err ? err : "none");
  free(err);
}

static void test_accepted(void) {
  oci_config *c = expect(CFG(", \"hostname\": null, \"process\": null, \"linux\": null, "
                             "\"mounts\": null"),
                         NULL, "null = absent");
  check(c && !c->hostname && !c->process && !c->linux_ && !c->mounts,
        "null fields are absent");
  oci_config_free(c);

  c = expect(CFG(", \"unknownField\": {\"x\": [1, {}]}, \"solaris\": {\"milestone\": 1}, "
                 "\"process\": {\"cwd\": \"/\", \"future\": 1}"),
             NULL, "unknown fields ignored");
  oci_config_free(c);

  c = expect(PROC(", \"user\": {\"uid\": 4294967295, \"gid\": 0}, \"oomScoreAdj\": "
                  "-2147483648, \"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": "
                  "18446744073709551615, \"hard\": 9223372036854775808}]"),
             NULL, "limits of the integer types");
  check(c && c->process->user.uid == UINT32_MAX && c->process->oom_score_adj == INT32_MIN &&
            c->process->rlimits[0].soft == UINT64_MAX &&
            c->process->rlimits[0].hard == 9223372036854775808ull,
        "integer limits read exactly");
  if (c) {
    char *j = oci_config_to_json(c, false);
    check(j && strstr(j, "\"soft\":18446744073709551615") &&
              strstr(j, "\"hard\":9223372036854775808"),
          "uint64 max written exactly");
    free(j);
  }
  oci_config_free(c);

  c = expect(CFG(", \"hostname\": \"a\", \"hostname\": \"b\", \"annotations\": "
                 "{\"k\": \"1\", \"k\": \"2\"}"),
             NULL, "repeated keys");
  check(c && strcmp(c->hostname, "b") == 0 && c->annotations.len == 1 &&
            strcmp(oci_map_get(&c->annotations, "k"), "2") == 0,
        "the last of repeated keys wins");
  oci_config_free(c);

  c = expect(CFG(", \"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": -3, "
                 "\"nanosecs\": 7}}, \"netDevices\": {\"eth0\": {\"name\": \"in0\"}, "
                 "\"eth1\": {}}, \"resources\": {\"rdma\": {\"mlx\": {\"hcaHandles\": 2}}}}, "
                 "\"process\": {\"cwd\": \"/\", \"ioPriority\": {\"class\": "
                 "\"IOPRIO_CLASS_RT\", \"priority\": 4}}"),
             NULL, "maps and renamed fields");
  if (c) {
    oci_linux *l = c->linux_;
    check(!l->time_boottime.present && l->time_monotonic.present &&
              l->time_monotonic.secs == -3 && l->time_monotonic.nanosecs == 7,
          "timeOffsets.monotonic");
    check(l->n_net_devices == 2 && strcmp(l->net_devices[0].name, "eth0") == 0 &&
              strcmp(l->net_devices[0].new_name, "in0") == 0 &&
              strcmp(l->net_devices[1].name, "eth1") == 0 && !l->net_devices[1].new_name,
          "netDevices");
    check(l->resources->n_rdma == 1 && strcmp(l->resources->rdma[0].device, "mlx") == 0 &&
              l->resources->rdma[0].has_hca_handles &&
              l->resources->rdma[0].hca_handles == 2 &&
              !l->resources->rdma[0].has_hca_objects,
          "rdma");
    check(strcmp(c->process->io_priority->klass, "IOPRIO_CLASS_RT") == 0 &&
              c->process->io_priority->priority == 4,
          "ioPriority");
  }
  oci_config_free(c);

  /* enum values are the runtime's business */
  c = expect(CFG(", \"linux\": {\"namespaces\": [{\"type\": \"bogus\"}], "
                 "\"rootfsPropagation\": \"sideways\"}"),
             NULL, "enum values not checked");
  oci_config_free(c);
}

static void test_process_only(void) {
  const char *bad = "{\"cwd\": \"/\", \"user\": {\"uid\": \"x\"}}";
  char *err = NULL;
  oci_process *p = oci_process_parse_data(bad, strlen(bad), &err);
  check(p == NULL && err &&
            strcmp(err, "user.uid: expected a non-negative integer, got \"x\"") == 0,
        "process errors have no prefix (%s)", err ? err : "none");
  free(err);
  const char *nocwd = "{\"args\": [\"sh\"]}";
  p = oci_process_parse_data(nocwd, strlen(nocwd), &err);
  check(p == NULL && err && strcmp(err, "missing required field \"cwd\"") == 0,
        "process cwd required (%s)", err ? err : "none");
  free(err);
  const char *good = "{\"cwd\": \"/tmp\", \"args\": [\"ls\", \"-l\"], \"terminal\": true}";
  p = oci_process_parse_data(good, strlen(good), &err);
  check(p && p->terminal && p->n_args == 2 && strcmp(p->args[1], "-l") == 0 &&
            p->args[2] == NULL && strcmp(p->cwd, "/tmp") == 0,
        "process parses, args NULL-terminated");
  oci_process_free(p);
}

static void test_rich_round_trip(void) {
  char path[4200];
  snprintf(path, sizeof path, "%s/tests/unit/data/oci-rich-config.json", TOP_SRCDIR);
  size_t len;
  char *data = read_file(path, &len);
  check(data != NULL, "read %s", path);
  if (data == NULL)
    return;
  char *err = NULL;
  oci_config *c = oci_config_parse_data(data, len, &err);
  check(c != NULL, "rich config parses (%s)", err ? err : "ok");
  free(err);
  if (c == NULL) {
    free(data);
    return;
  }
  for (int pretty = 0; pretty <= 1; pretty++) {
    char *out = oci_config_to_json(c, pretty);
    oj_node *a = oj_parse(data, len, &err);
    oj_node *b = out ? oj_parse(out, strlen(out), &err) : NULL;
    check(a && b && json_equal(a, b), "rich config written back unchanged (%s)",
          pretty ? "pretty" : "compact");
    char *err2 = NULL;
    oci_config *c2 = out ? oci_config_parse_data(out, strlen(out), &err2) : NULL;
    char *out2 = c2 ? oci_config_to_json(c2, pretty) : NULL;
    check(out2 && strcmp(out, out2) == 0, "parse -> to_json -> parse -> to_json stable");
    if (pretty == 0 && out)
      check(strchr(out, '\n') == NULL, "compact output has no newline");
    free(out);
    free(out2);
    free(err2);
    oci_config_free(c2);
    oj_free(a);
    oj_free(b);
  }
  oci_config_free(c);
  free(data);
}

static void test_default_spec(void) {
  oci_config *c = oci_config_new_default(false, 0, 0);
  check(c && strcmp(c->oci_version, OCI_SPEC_VERSION) == 0 && !c->process->terminal &&
            c->process->capabilities->n_ambient == 0 && strcmp(c->hostname, "skiff") == 0 &&
            c->process->n_args == 1 && strcmp(c->process->args[0], "sh") == 0 &&
            c->root->readonly && c->n_mounts == 7 && c->linux_->n_namespaces == 5 &&
            c->linux_->resources && c->linux_->n_masked_paths == 10,
        "default spec");
  if (c) {
    bool net = false, user = false;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++) {
      net |= strcmp(c->linux_->namespaces[i].type, "network") == 0;
      user |= strcmp(c->linux_->namespaces[i].type, "user") == 0;
    }
    check(net && !user, "default spec: network namespace, no user namespace");
    char *j = oci_config_to_json(c, true);
    check(j && strstr(j, "\t\"ociVersion\": \"1.3.0\"") && strstr(j, "\"gid=5\""),
          "default spec written with tabs");
    free(j);
  }
  oci_config_free(c);

  c = oci_config_new_default(true, 1000, 1001);
  bool ok = c && c->linux_->n_uid_mappings == 1 && c->linux_->uid_mappings[0].host_id == 1000 &&
            c->linux_->uid_mappings[0].container_id == 0 &&
            c->linux_->uid_mappings[0].size == 1 && c->linux_->n_gid_mappings == 1 &&
            c->linux_->gid_mappings[0].host_id == 1001 && c->linux_->resources == NULL;
  check(ok, "rootless default spec: mappings, no resources");
  if (c) {
    bool net = false, user = false;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++) {
      net |= strcmp(c->linux_->namespaces[i].type, "network") == 0;
      user |= strcmp(c->linux_->namespaces[i].type, "user") == 0;
    }
    check(!net && user, "rootless: user namespace, no network namespace");
    const oci_mount *sys = &c->mounts[5];
    check(strcmp(sys->destination, "/sys") == 0 && strcmp(sys->type, "none") == 0 &&
              strcmp(sys->options[0], "rbind") == 0,
          "rootless: /sys is a bind mount");
    bool gid5 = false;
    for (size_t i = 0; i < c->mounts[2].n_options; i++)
      gid5 |= strcmp(c->mounts[2].options[i], "gid=5") == 0;
    check(!gid5, "rootless: devpts without gid=5");
  }
  oci_config_free(c);
}

int main(void) {
  test_schema_examples();
  test_type_errors();
  test_required();
  test_document_errors();
  test_accepted();
  test_process_only();
  test_rich_round_trip();
  test_default_spec();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}
