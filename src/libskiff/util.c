/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"
void sk_strv_free(char **v) {
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free(*p);
  free(v);
}
