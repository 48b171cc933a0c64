// SPDX-License-Identifier: GPL-2.0
/* cgu_race.c - the race programs' common options and racing threads. */
#include "cgu.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

uint64_t cgu_race_default_seed(void)
{
	return ((uint64_t)getpid() << 20) ^ cgu_now_ns();
}

/* Handle one of the options common to the race programs; false if unknown. */
static bool cgu_race_common_opt(int c, const char *usage, size_t max_holes,
			       struct cgu_race_opts *o)
{
	switch (c) {
	case 'i': o->iterations = cgu_parse_ulong(optarg, "--iterations", 1, 1UL << 30); break;
	case 'H': o->holes = cgu_parse_ulong(optarg, "--holes", 1, max_holes); break;
	case 's': o->seed = cgu_parse_ulong(optarg, "--seed", 1, ~0UL); break;
	case 'h': fputs(usage, stdout); exit(0);
	default: return false;
	}
	return true;
}

/* Options of every race program, then room for the program's own. */
#define CG_RACE_MAX_OPTS	16
static const struct option cgu_race_longopts[] = {
	{ "iterations", required_argument, NULL, 'i' },
	{ "holes", required_argument, NULL, 'H' },
	{ "seed", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Copy the common options and then own (may be NULL) into all. */
static void cgu_race_merge_opts(struct option *all, const struct option *own)
{
	size_t n = 0, i;

	for (i = 0; cgu_race_longopts[i].name; i++)
		all[n++] = cgu_race_longopts[i];
	for (i = 0; own && own[i].name; i++) {
		if (n + 1 >= CG_RACE_MAX_OPTS)
			cgu_setup_fail("too many options");
		all[n++] = own[i];
	}
	all[n] = (struct option){ NULL, 0, NULL, 0 };
}

void cgu_race_parse(int argc, char **argv, const struct option *own_longopts,
		   const char *usage, size_t max_holes, struct cgu_race_opts *o,
		   cgu_race_opt_fn own, void *ctx)
{
	struct option longopts[CG_RACE_MAX_OPTS];
	int c;

	cgu_race_merge_opts(longopts, own_longopts);

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cgu_race_common_opt(c, usage, max_holes, o))
			continue;
		if (!own || !own(c, optarg, ctx))
			cgu_usage_fail(usage, "bad option");
	}
	if (optind != argc)
		cgu_usage_fail(usage, "unexpected argument '%s'", argv[optind]);
}

void cgu_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	if (pthread_create(tid, NULL, fn, arg))
		cgu_setup_fail("pthread_create failed");
}

void cgu_race_wait_start(pthread_barrier_t *start, uint64_t delay_ns)
{
	pthread_barrier_wait(start);
	cgu_spin_ns(delay_ns);
}

void cgu_race_pair(pthread_barrier_t *start, void *(*a)(void *), void *a_arg,
		  void *(*b)(void *), void *b_arg)
{
	pthread_t ta, tb;

	pthread_barrier_init(start, NULL, 2);
	cgu_thread_start(&ta, a, a_arg);
	cgu_thread_start(&tb, b, b_arg);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(start);
}

void *cgu_collapse_racer_thread(void *arg)
{
	struct cgu_collapse_racer *c = arg;
	uint64_t t0;

	cgu_race_wait_start(c->start, c->delay_ns);
	t0 = cgu_now_ns();
	c->ret = cgu_collapse(c->addr, c->len, &c->err);
	c->duration_ns = cgu_now_ns() - t0;
	c->start_ns = t0;
	return NULL;
}
