/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state document: schema examples, parse errors, round trip. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "oci_spec.h"
#include "oci_test_util.h"





static void test_schema_examples(void) {
  const char *base = schema_test_dir();
  if (base == NULL) {
    printf("# SKIP state schema examples: set OCI_SCHEMA_TEST_DIR\n");
    return;
  }
  char path[4200];
  size_t len;
  char *err = NULL;
  snprintf(path, sizeof path, "%s/state/good/spec-example.json", base);
  char *data = read_file(path, &len);
  if (data == NULL) {
    printf("# SKIP %s: cannot read\n", path);
    return;
  }
  oci_state *s = oci_state_parse_data(data, len, &err);
  check(s && strcmp(s->id, "oci-container1") == 0 && strcmp(s->status, "running") == 0 &&
            s->has_pid && s->pid == 4422 && strcmp(s->bundle, "/containers/redis") == 0 &&
            strcmp(oci_map_get(&s->annotations, "myKey"), "myValue") == 0,
        "state/good/spec-example.json (%s)", err ? err : "ok");
  oci_state_free(s);
  free(err);
  free(data);

  snprintf(path, sizeof path, "%s/state/bad/invalid-json.json", base);
  data = read_file(path, &len);
  if (data) {
    s = oci_state_parse_data(data, len, &err);
    check(s == NULL && err && strstr(err, " at byte "), "state/bad/invalid-json.json (%s)",
          err ? err : "ACCEPTED");
    free(err);
    free(data);
  }
}

static void expect_error(const char *json, const char *want) {
  char *err = NULL;
  oci_state *s = oci_state_parse_data(json, strlen(json), &err);
  check(s == NULL && err && strstr(err, want), "state error \"%s\" (%s)", want,
        err ? err : "ACCEPTED");
  oci_state_free(s);
  free(err);
}

static void test_errors(void) {
  expect_error("{\"id\": \"a\", \"status\": \"created\", \"bundle\": \"/b\"}",
               "missing required field \"ociVersion\"");
  expect_error("{\"ociVersion\": \"1.3.0\", \"id\": \"a\", \"status\": \"created\"}",
               "missing required field \"bundle\"");
  expect_error("{\"ociVersion\": \"1.3.0\", \"id\": \"a\", \"status\": \"created\", "
               "\"bundle\": \"/b\", \"pid\": -1}",
               "pid: expected a non-negative integer, got -1");
  expect_error("{\"ociVersion\": \"1.3.0\", \"id\": \"a\", \"status\": \"created\", "
               "\"bundle\": \"/b\", \"pid\": 2147483648}",
               "pid: value 2147483648 is out of range");
  expect_error("{\"ociVersion\": \"1.3.0\", \"id\": 1, \"status\": \"created\", "
               "\"bundle\": \"/b\"}",
               "id: expected a string, got 1");
  expect_error("null", "expected a JSON object at the top level, got null");
}

static void test_round_trip(void) {
  char *keys[] = {"k1", "k\"2"};
  char *values[] = {"v1", "line\nbreak"};
  oci_state st = {
      .oci_version = "1.3.0",
      .id = "box",
      .status = "stopped",
      .bundle = "/srv/bundle",
      .annotations = {.keys = keys, .values = values, .len = 2},
  };
  char *j = oci_state_to_json(&st, false);
  check(j && strcmp(j, "{\"ociVersion\":\"1.3.0\",\"id\":\"box\",\"status\":\"stopped\","
                       "\"bundle\":\"/srv/bundle\",\"annotations\":{\"k1\":\"v1\","
                       "\"k\\\"2\":\"line\\nbreak\"}}") == 0,
        "state without pid: %s", j ? j : "NULL");
  free(j);

  st.has_pid = true;
  st.pid = 0; /* pid 0 is written when has_pid: a stopped container */
  st.annotations.len = 0;
  st.annotations.keys = NULL;
  j = oci_state_to_json(&st, true);
  check(j && strstr(j, "\"pid\": 0") && !strstr(j, "annotations"), "state with pid 0");
  char *err = NULL;
  oci_state *back = j ? oci_state_parse_data(j, strlen(j), &err) : NULL;
  check(back && back->has_pid && back->pid == 0 && strcmp(back->id, "box") == 0 &&
            strcmp(back->status, "stopped") == 0 &&
            strcmp(back->bundle, "/srv/bundle") == 0 && back->annotations.len == 0,
        "state round trip (%s)", err ? err : "ok");
  oci_state_free(back);
  free(err);
  free(j);
}

int main(void) {
  test_schema_examples();
  test_errors();
  test_round_trip();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}
