/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A static probe run inside test containers: what busybox cannot show.
 *   proc_probe sys NR [ARG...]       raw syscall, prints "ret=R errno=E"
 *   proc_probe trap NR [ARG...]      same, with a SIGSYS handler installed
 *   proc_probe thread NR [ARG...]    the syscall in a second thread; the
 *                                    main thread reports whether it lived
 *   proc_probe int80 NR              an i386 syscall through int $0x80
 *   proc_probe mempolicy             get_mempolicy: "mode=M nodes=0xMASK"
 *   proc_probe ioprio                ioprio_get of itself: "class=C data=D"
 *   proc_probe sched                 "policy=P nice=N"
 *   proc_probe keyring               the session keyring's description */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static long args[6];
static long nr;

static void parse(int argc, char **argv) {
  nr = strtol(argv[2], NULL, 0);
  for (int i = 3; i < argc && i < 9; i++)
    args[i - 3] = strtol(argv[i], NULL, 0);
}

static void do_sys(void) {
  errno = 0;
  long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
  printf("ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
  fflush(stdout);
}

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  char buf[64];
  int n = snprintf(buf, sizeof(buf), "caught sig=%d syscall=%d\n", sig, si->si_syscall);
  write(1, buf, (size_t)n);
}

static void *thread_main(void *arg) {
  (void)arg;
  do_sys();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  const char *cmd = argv[1];
  if (strcmp(cmd, "sys") == 0 && argc >= 3) {
    parse(argc, argv);
    do_sys();
  } else if (strcmp(cmd, "trap") == 0 && argc >= 3) {
    struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
    sigaction(SIGSYS, &sa, NULL);
    parse(argc, argv);
    do_sys();
  } else if (strcmp(cmd, "thread") == 0 && argc >= 3) {
    parse(argc, argv);
    pthread_t t;
    pthread_create(&t, NULL, thread_main, NULL);
    sleep(1); /* a killed thread is never joined */
    printf("main thread alive\n");
    fflush(stdout);
    _exit(0);
  } else if (strcmp(cmd, "int80") == 0 && argc >= 3) {
    long n = strtol(argv[2], NULL, 0), r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n) : "memory");
    printf("ret=%ld\n", r);
  } else if (strcmp(cmd, "mempolicy") == 0) {
    int mode = -1;
    unsigned long mask[16] = {0};
    long r = syscall(SYS_get_mempolicy, &mode, mask, 1024UL, 0UL, 0UL);
    if (r < 0) {
      printf("error=%d\n", errno);
      return 1;
    }
    printf("mode=%d nodes=0x%lx\n", mode & 0xff, mask[0]);
  } else if (strcmp(cmd, "ioprio") == 0) {
    long r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    if (r < 0) {
      printf("error=%d\n", errno);
      return 1;
    }
    printf("class=%ld data=%ld\n", r >> 13, r & 0x1fff);
  } else if (strcmp(cmd, "sched") == 0) {
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    printf("policy=%d nice=%d\n", sched_getscheduler(0), nice);
  } else if (strcmp(cmd, "keyring") == 0) {
    char desc[512];
    /* KEYCTL_DESCRIBE (6) of KEY_SPEC_SESSION_KEYRING (-3) */
    long r = syscall(SYS_keyctl, 6, -3L, desc, sizeof(desc) - 1, 0);
    if (r < 0) {
      printf("error=%d\n", errno);
      return 1;
    }
    desc[r < (long)sizeof(desc) ? r : (long)sizeof(desc) - 1] = '\0';
    printf("%s\n", desc);
  } else {
    fprintf(stderr, "proc_probe: unknown command %s\n", cmd);
    return 2;
  }
  return 0;
}
