/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_sigbus.h - accesses that may raise SIGBUS (past EOF). */
#ifndef CGU_SIGBUS_H
#define CGU_SIGBUS_H

#include "cgu_base.h"

/* Install the SIGBUS handler: an unexpected SIGBUS fails the program (exit 1). */
void cgu_sigbus_catch(void);
/* Copy len bytes from src (a mapping) to dst, a word at a time; false if
 * that raised SIGBUS. cgu_sigbus_catch() first. */
bool cgu_try_read(const void *src, void *dst, size_t len);
/* Write one byte through a mapping; false if that raised SIGBUS. */
bool cgu_try_write_byte(void *dst, unsigned char value);

#endif /* CGU_SIGBUS_H */
