/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* Does NAME look like it holds a secret (a token, a password, a key, a
 * credential, an agent socket)? Pure. */
bool env_name_is_secret(const char *name);
/* Does VALUE carry a credential whatever its name: a URL with a password
 * (scheme://user:password@host), or a token with its issuer's prefix
 * (ghp_..., glpat-..., sk-..., AKIA...)? Pure. */
bool env_value_is_secret(const char *value);

/* The names in envp ("NAME=VALUE" strings) that drop-secret-env removes
 * under plan p: secret-looking and not kept by a keep-env. A malloc'd,
 * NULL-terminated array of malloc'd names (never values); NULL when the
 * plan drops nothing. Pure. */
char **env_secret_drops(char *const *envp, const struct plan *p);
void env_strv_free(char **v);
