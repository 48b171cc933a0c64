/* SPDX-License-Identifier: GPL-2.0 */
/* cgu_race.h - the race programs' common options and racing threads. */
#ifndef CGU_RACE_H
#define CGU_RACE_H

#include "cgu_base.h"

struct option;

/* Options every race_* program takes: --iterations, --holes, --seed. */
struct cgu_race_opts {
	unsigned long iterations;
	size_t holes;
	uint64_t seed;
};
/* Seed used when --seed is not given (differs from run to run). */
uint64_t cgu_race_default_seed(void);
/* Handle a program's own option c (with optarg arg); false if c is not one. */
typedef bool (*cgu_race_opt_fn)(int c, const char *arg, void *ctx);
/* Parse argv with getopt_long: --iterations, --holes (1..max_holes), --seed
 * into *o, --help prints usage and exits 0; the program's own options
 * (own_longopts, NULL-terminated, or NULL) go to own. Anything else is a
 * usage error (exit 2). The caller sets the defaults in *o first. */
void cgu_race_parse(int argc, char **argv, const struct option *own_longopts,
		   const char *usage, size_t max_holes, struct cgu_race_opts *o,
		   cgu_race_opt_fn own, void *ctx);

/* Start fn(arg) in a new thread; exits 2 if that fails. */
void cgu_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);
/* Wait on the start barrier, then busy-wait delay_ns (racer start skew). */
void cgu_race_wait_start(pthread_barrier_t *start, uint64_t delay_ns);
/* Run a(a_arg) and b(b_arg) in two threads that both wait on start (which
 * this initialises for two), join them and destroy start. */
void cgu_race_pair(pthread_barrier_t *start, void *(*a)(void *), void *a_arg,
		  void *(*b)(void *), void *b_arg);

/* One MADV_COLLAPSE of [addr, addr+len) racing something else. */
struct cgu_collapse_racer {
	pthread_barrier_t *start;	/* shared with the other racer */
	uint64_t delay_ns;		/* spin this long after the barrier */
	unsigned char *addr;
	size_t len;
	int ret, err;			/* cgu_collapse() result and errno */
	uint64_t start_ns;		/* cgu_now_ns() when MADV_COLLAPSE began */
	uint64_t duration_ns;		/* time MADV_COLLAPSE took */
};
/* Thread function: wait for the start, collapse once, record the result. */
void *cgu_collapse_racer_thread(void *arg);

#endif /* CGU_RACE_H */
