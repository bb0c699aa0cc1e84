/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `skiff events`: runc's JSON event stream: one {"type":"stats",...} line
 * with --stats, otherwise one every --interval until the container stops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static const char usage[] =
    "Usage: skiff events [--stats] [--interval D] ID\n"
    "Print the container's resource usage as JSON events.\n\n"
    "      --stats          print one stats event and exit\n"
    "      --interval D     time between stats events (e.g. 5s, 500ms; default 5s)\n";

/* "5s", "500ms", "1m", "2" (seconds) -> milliseconds */
static long parse_duration_ms(const char *s) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || v < 0)
    return -1;
  if (*end == '\0' || strcmp(end, "s") == 0)
    return (long)(v * 1000);
  if (strcmp(end, "ms") == 0)
    return (long)v;
  if (strcmp(end, "m") == 0)
    return (long)(v * 60000);
  return -1;
}

int cmd_events(const struct sk_global *g, int argc, char **argv) {
  static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                       {"interval", required_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  bool once = false;
  long interval_ms = 5000;
  int c;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    if (c == 's')
      once = true;
    else if (c == 'i' && (interval_ms = parse_duration_ms(optarg)) <= 0)
      return cmd_usage_error("events", "--interval: invalid duration \"%s\"", optarg);
    else if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    } else if (c != 'i')
      return cmd_usage_error("events", "unknown option");
  }
  if (!cmd_want_args("events", argc, argv, 1, 1))
    return 1;
  for (bool first = true;; first = false) {
    sk_error *err = NULL;
    char *json = NULL;
    if (container_stats_event(g, argv[optind], &json, &err) < 0) {
      if (first)
        return cmd_fail(&err);
      sk_error_free(&err); /* the container stopped: the stream ends */
      return 0;
    }
    puts(json);
    fflush(stdout);
    free(json);
    if (once)
      return 0;
    struct timespec ts = {.tv_sec = interval_ms / 1000, .tv_nsec = (interval_ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
  }
}
