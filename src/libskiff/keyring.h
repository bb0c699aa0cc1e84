/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SKIFF_KEYRING_H
#define SKIFF_KEYRING_H

#include "error.h"

/* Join a new session keyring named "_ses.<id>", so that the keys of the
 * caller's session are not reachable from the container (create, unless
 * --no-new-keyring, and every exec into such a container). Kernels without
 * keyrings (ENOSYS) or with them denied (EPERM, EACCES) are tolerated. */
int sk_join_session_keyring(const char *id, sk_error **err);

#endif
