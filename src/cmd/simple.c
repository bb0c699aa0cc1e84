/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "simple.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

int simple_parse(const char *command, const char *help, int argc, char **argv,
                 const struct option *extra, const char *shorts, bool *flags) {
  struct option opts[16];
  size_t n = 0;
  for (; extra && extra[n].name && n < 14; n++)
    opts[n] = extra[n];
  opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
  opts[n] = (struct option){0};
  char optstring[32] = "+h";
  strncat(optstring, shorts, sizeof(optstring) - 3);
  int c;
  while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
    if (c == 'h') {
      fputs(help, stdout);
      return -1;
    }
    const char *p = c > 0 && c < 256 ? strchr(shorts, c) : NULL;
    if (p == NULL)
      return cmd_usage_error(command, "unknown option");
    flags[p - shorts] = true;
  }
  return 0;
}
