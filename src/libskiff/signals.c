/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "signals.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int num;
} signal_names[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

void signals_block_forwardable(sigset_t *set) {
  sigfillset(set);
  sigdelset(set, SIGSEGV);
  sigdelset(set, SIGBUS);
  sigdelset(set, SIGILL);
  sigdelset(set, SIGFPE);
  sigprocmask(SIG_BLOCK, set, NULL);
}

int signal_parse(const char *s, int *sig, sk_error **err) {
  const char *orig = s;
  char *end;
  if (*s >= '0' && *s <= '9') {
    long v = strtol(s, &end, 10);
    if (*end == '\0' && v > 0 && v < NSIG) {
      *sig = (int)v;
      return 0;
    }
    return sk_fail(err, 0, "unknown signal \"%s\"", orig);
  }
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
    if (strcasecmp(s, signal_names[i].name) == 0) {
      *sig = signal_names[i].num;
      return 0;
    }
  /* RTMIN+n, RTMAX-n */
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    bool min = strncasecmp(s, "RTMIN", 5) == 0;
    long off = 0;
    if (s[5] != '\0') {
      off = strtol(s + 5, &end, 10);
      if (*end != '\0')
        off = 1000;
    }
    int v = min ? SIGRTMIN + (int)off : SIGRTMAX + (int)off;
    if (v >= SIGRTMIN && v <= SIGRTMAX) {
      *sig = v;
      return 0;
    }
  }
  return sk_fail(err, 0, "unknown signal \"%s\"", orig);
}
