/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the runtime's small parsers: signal names, container ids,
 * namespace names, the error chain. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "plan.h"
#include "signals.h"
#include "state.h"

static int passed, failed;

#define CHECK(cond, ...)                                                                        \
  do {                                                                                          \
    if (cond) {                                                                                 \
      passed++;                                                                                 \
    } else {                                                                                    \
      failed++;                                                                                 \
      printf("not ok: %s:%d: ", __FILE__, __LINE__);                                           \
      printf(__VA_ARGS__);                                                                      \
      printf("\n");                                                                             \
    }                                                                                           \
  } while (0)

static void test_signals(void) {
  static const struct {
    const char *in;
    int want;
  } good[] = {{"KILL", SIGKILL}, {"SIGKILL", SIGKILL}, {"kill", SIGKILL}, {"9", 9},
              {"TERM", SIGTERM}, {"SIGUSR1", SIGUSR1}, {"HUP", SIGHUP},  {"SIGWINCH", SIGWINCH},
              {"RTMIN", 0},      {"RTMIN+3", 3},       {"SIGRTMAX-1", -1}};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    sk_error *err = NULL;
    int sig = 0;
    int want = good[i].want;
    if (strstr(good[i].in, "RTMIN"))
      want = SIGRTMIN + good[i].want;
    else if (strstr(good[i].in, "RTMAX"))
      want = SIGRTMAX + good[i].want;
    CHECK(signal_parse(good[i].in, &sig, &err) == 0 && sig == want, "signal %s -> %d (want %d)",
          good[i].in, sig, want);
    sk_error_free(&err);
  }
  static const char *const bad[] = {"FOO", "SIGFOO", "0", "-1", "65", "9x", "", "RTMIN+100"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    sk_error *err = NULL;
    int sig = 0;
    int r = signal_parse(bad[i], &sig, &err);
    CHECK(r < 0 && err && strstr(err->msg, "unknown signal"), "signal \"%s\" rejected", bad[i]);
    sk_error_free(&err);
  }
}

static void test_ids(void) {
  static const char *const good[] = {"a", "abc-DEF_1.2+3", "0", "x.y"};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    sk_error *err = NULL;
    CHECK(state_check_id(good[i], &err) == 0, "id \"%s\" accepted", good[i]);
    sk_error_free(&err);
  }
  static const char *const bad[] = {"", ".", "..", "../x", "/", "a/b", "a b", "x\n"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    sk_error *err = NULL;
    CHECK(state_check_id(bad[i], &err) < 0 && err && strstr(err->msg, "invalid container id"),
          "id \"%s\" rejected", bad[i]);
    sk_error_free(&err);
  }
  char long_id[1100];
  memset(long_id, 'a', sizeof(long_id) - 1);
  long_id[sizeof(long_id) - 1] = '\0';
  sk_error *err = NULL;
  CHECK(state_check_id(long_id, &err) < 0, "a 1099-character id is rejected");
  sk_error_free(&err);
}

static void test_namespace_names(void) {
  static const char *const names[] = {"user", "mount",  "pid", "network",
                                      "ipc",  "uts",    "cgroup", "time"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    int k = sk_ns_kind_from_name(names[i]);
    CHECK(k >= 0 && strcmp(sk_ns_name(k), names[i]) == 0, "namespace %s round-trips", names[i]);
  }
  CHECK(sk_ns_kind_from_name("net") < 0, "\"net\" is not a namespace type (the spec says network)");
  CHECK(sk_ns_kind_from_name("mnt") < 0, "\"mnt\" is not a namespace type (the spec says mount)");
}

static void test_error_chain(void) {
  sk_error *err = NULL;
  CHECK(sk_fail(&err, EINVAL, "mount %s", "tmpfs") == -1, "sk_fail returns -1");
  sk_wrap(&err, "mounts[%d] %s", 3, "/data");
  CHECK(err && strcmp(err->msg, "mounts[3] /data: mount tmpfs: Invalid argument") == 0 &&
            err->errnum == EINVAL,
        "chain reads outside-in: %s", err ? err->msg : "(null)");
  sk_error_free(&err);
  CHECK(err == NULL, "freed error is NULL");
  sk_fail(&err, 0, "no errno");
  CHECK(strcmp(err->msg, "no errno") == 0 && err->errnum == 0, "no strerror without errno");
  sk_error_free(&err);
}

int main(void) {
  test_signals();
  test_ids();
  test_namespace_names();
  test_error_chain();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
