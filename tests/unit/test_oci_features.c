/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The features document: generation, parsing, schema examples. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "oci_spec.h"
#include "oci_test_util.h"





static oci_features *parse_file(const char *path, char **err) {
  size_t len;
  char *data = read_file(path, &len);
  if (data == NULL) {
    *err = strdup("cannot read");
    return NULL;
  }
  oci_features *f = oci_features_parse_data(data, len, err);
  free(data);
  return f;
}

static void test_schema_examples(void) {
  const char *base = schema_test_dir();
  if (base == NULL) {
    printf("# SKIP features schema examples: set OCI_SCHEMA_TEST_DIR\n");
    return;
  }
  char path[4200];
  char *err = NULL;
  struct stat st;
  snprintf(path, sizeof path, "%s/features", base);
  if (stat(path, &st) < 0) {
    printf("# SKIP %s: not found\n", path);
    return;
  }
  snprintf(path, sizeof path, "%s/features/good/minimal.json", base);
  oci_features *f = parse_file(path, &err);
  check(f && strcmp(f->oci_version_min, "1.0.0") == 0 &&
            strcmp(f->oci_version_max, "1.1.0") == 0 && f->hooks == NULL,
        "features/good/minimal.json (%s)", err ? err : "ok");
  oci_features_free(f);
  free(err);

  snprintf(path, sizeof path, "%s/features/good/runc.json", base);
  f = parse_file(path, &err);
  check(f && f->n_hooks == 6 && f->n_mount_options > 50 && f->n_namespaces == 7 &&
            f->cgroup_v1 && f->cgroup_systemd_user && !f->cgroup_rdma &&
            f->seccomp_enabled && f->n_seccomp_archs == 16 &&
            f->n_seccomp_supported_flags == 1 && f->apparmor_enabled &&
            !f->intel_rdt_enabled && f->net_devices_enabled &&
            strcmp(oci_map_get(&f->annotations, "io.github.seccomp.libseccomp.version"),
                   "2.5.4") == 0,
        "features/good/runc.json (%s)", err ? err : "ok");
  if (f) { /* and back */
    char *j = oci_features_to_json(f, true);
    char *err2 = NULL;
    oci_features *g = j ? oci_features_parse_data(j, strlen(j), &err2) : NULL;
    char *j2 = g ? oci_features_to_json(g, true) : NULL;
    check(j2 && strcmp(j, j2) == 0, "features round trip stable (%s)", err2 ? err2 : "ok");
    free(j);
    free(j2);
    free(err2);
    oci_features_free(g);
  }
  oci_features_free(f);
  free(err);

  snprintf(path, sizeof path, "%s/features/bad/missing-ociVersionMax.json", base);
  f = parse_file(path, &err);
  check(f == NULL && err && strstr(err, "missing required field \"ociVersionMax\""),
        "features/bad/missing-ociVersionMax.json (%s)", err ? err : "ACCEPTED");
  oci_features_free(f);
  free(err);
}

static void test_generation(void) {
  char *hooks[] = {"prestart", "poststop"};
  char *ns[] = {"mount", "user"};
  char *acts[] = {"SCMP_ACT_ALLOW"};
  char *ak[] = {"org.skiff.version"}, *av[] = {"0.1.0"};
  oci_features f = {
      .oci_version_min = "1.0.0",
      .oci_version_max = "1.3.0",
      .hooks = hooks,
      .n_hooks = 2,
      .annotations = {.keys = ak, .values = av, .len = 1},
      .namespaces = ns,
      .n_namespaces = 2,
      .cgroup_v1 = true,
      .cgroup_systemd = true,
      .seccomp_enabled = true,
      .seccomp_actions = acts,
      .n_seccomp_actions = 1,
      .idmap_enabled = true,
  };
  char *j = oci_features_to_json(&f, false);
  const char *want =
      "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.3.0\","
      "\"hooks\":[\"prestart\",\"poststop\"],"
      "\"annotations\":{\"org.skiff.version\":\"0.1.0\"},"
      "\"linux\":{\"namespaces\":[\"mount\",\"user\"],"
      "\"cgroup\":{\"v1\":true,\"v2\":false,\"systemd\":true,\"systemdUser\":false,"
      "\"rdma\":false},"
      "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\"]},"
      "\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false},"
      "\"intelRdt\":{\"enabled\":false},"
      "\"mountExtensions\":{\"idmap\":{\"enabled\":true}},"
      "\"netDevices\":{\"enabled\":false}}}";
  check(j && strcmp(j, want) == 0, "features generation:\n#  got  %s\n#  want %s",
        j ? j : "NULL", want);
  char *err = NULL;
  oci_features *g = j ? oci_features_parse_data(j, strlen(j), &err) : NULL;
  check(g && g->idmap_enabled && g->cgroup_systemd && !g->cgroup_v2 &&
            g->n_namespaces == 2 && strcmp(g->namespaces[1], "user") == 0 &&
            g->capabilities == NULL,
        "generated features parse back (%s)", err ? err : "ok");
  oci_features_free(g);
  free(err);
  free(j);

  char *empty[1] = {NULL};
  f.mount_options = empty; /* present but empty: written as [] */
  j = oci_features_to_json(&f, false);
  check(j && strstr(j, "\"mountOptions\":[]"), "empty array written when present");
  free(j);
}

int main(void) {
  test_schema_examples();
  test_generation();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}
