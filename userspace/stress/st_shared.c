// SPDX-License-Identifier: GPL-2.0
/* st_shared.c - cg_stress: the shared area, counters, page seqlocks, failures. */
#include "st.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

const char *const st_counter_names[] = {
	[ST_MUT_PWRITE]		= "mutate_pwrite",
	[ST_MUT_MAPWRITE]	= "mutate_mapwrite",
	[ST_MUT_PUNCH]		= "mutate_punch_hole",
	[ST_MUT_FALLOCATE]	= "mutate_fallocate",
	[ST_MUT_TRUNCATE]	= "mutate_truncate_extend",
	[ST_MUT_PAGEOUT]	= "mutate_pageout",
	[ST_COLLAPSE_CALLS]	= "collapse_calls",
	[ST_COLLAPSE_OK]	= "collapse_ok",
	[ST_COLLAPSE_EINVAL]	= "collapse_einval",
	[ST_COLLAPSE_EAGAIN]	= "collapse_eagain",
	[ST_COLLAPSE_ENOMEM]	= "collapse_enomem",
	[ST_COLLAPSE_EBUSY]	= "collapse_ebusy",
	[ST_COLLAPSE_OTHER]	= "collapse_other_error",
	[ST_READ_PREAD]		= "read_pread",
	[ST_READ_MAP]		= "read_mapped",
	[ST_READ_SEEK]		= "read_seek_hole_data",
	[ST_READ_MINCORE]	= "read_mincore",
	[ST_READ_FORK]		= "read_fork",
	[ST_READ_RACED]		= "read_raced_owner",
	[ST_READ_SEEK_UNGUARDED] = "seek_data_as_hole_unguarded",
	[ST_PAGES_VERIFIED]	= "pages_verified",
	[ST_MISSING_CYCLES]	= "missing_cycles",
	[ST_MISSING_GUARDED]	= "missing_cycles_guarded",
	[ST_MISSING_EXPECTED]	= "missing_events_expected",
	[ST_MISSING_RECEIVED]	= "missing_events_received",
	[ST_MISSING_LOST]	= "missing_events_lost",
	[ST_MISSING_FILLED]	= "missing_holes_filled_behind",
	[ST_MISSING_UNGUARDED_LOST] = "missing_lost_unguarded",
	[ST_MINOR_CYCLES]	= "minor_cycles",
	[ST_MINOR_EXPECTED]	= "minor_events_expected",
	[ST_MINOR_RECEIVED]	= "minor_events_received",
	[ST_MINOR_LOST]		= "minor_events_lost",
	[ST_WP_CYCLES]		= "wp_cycles",
	[ST_WP_EXPECTED]	= "wp_events_expected",
	[ST_WP_RECEIVED]	= "wp_events_received",
	[ST_WP_LOST]		= "wp_events_lost",
	[ST_TOGGLE_SWITCHES]	= "mode_switches",
	[ST_TOGGLE_RELOADS]	= "rmmod_insmod",
	[ST_TOGGLE_RMMOD_INFLIGHT] = "rmmod_collapse_in_flight",
	[ST_TOGGLE_DRAIN_TIMEOUTS] = "guard_drain_timeouts",
	[ST_FAILURES]		= "failures",
};
static_assert(sizeof(st_counter_names) / sizeof(st_counter_names[0]) ==
	      ST_COUNTER_COUNT, "one name per counter");

void st_shared_init(struct st_ctx *c, size_t total_pages)
{
	size_t len = sizeof(*c->sh) + total_pages * sizeof(struct st_page);

	c->sh = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sh == MAP_FAILED)
		cgu_setup_fail_errno("mmap the shared area (%zu bytes)", len);
	memset(c->sh, 0, len);
}

void st_count(struct st_ctx *c, enum st_counter i, unsigned long n)
{
	atomic_fetch_add_explicit(&c->sh->counters[i], n, memory_order_relaxed);
}

void st_note_missing_cycle(struct st_ctx *c, uint64_t ns)
{
	uint64_t max = atomic_load(&c->sh->missing_cycle_max_ns);

	while (ns > max &&
	       !atomic_compare_exchange_weak(&c->sh->missing_cycle_max_ns, &max, ns))
		;
}

unsigned long st_counter(const struct st_ctx *c, enum st_counter i)
{
	return atomic_load(&c->sh->counters[i]);
}

void st_fail(struct st_ctx *c, const char *fmt, ...)
{
	unsigned long n = atomic_fetch_add(&c->sh->counters[ST_FAILURES], 1);
	char buf[512];
	va_list ap;

	if (n >= 50)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: FAIL: %s\n", cgu_prog, buf);
}

bool st_stopping(const struct st_ctx *c)
{
	return atomic_load_explicit(&c->sh->stop, memory_order_relaxed);
}

struct st_page *st_page(const struct st_ctx *c, const struct st_file *f,
			size_t page)
{
	return &c->sh->pages[f->first_page + page];
}

void st_page_begin(struct st_page *p)
{
	atomic_fetch_add(&p->seq, 1);	/* odd: readers keep off */
}

void st_page_end(struct st_page *p, uint32_t gen)
{
	atomic_store(&p->gen, gen);
	atomic_fetch_add(&p->seq, 1);	/* even again, a new value */
}

bool st_page_read_begin(struct st_page *p, uint32_t *seq, uint32_t *gen)
{
	*seq = atomic_load(&p->seq);
	*gen = atomic_load(&p->gen);
	return !(*seq & 1);
}

bool st_page_read_ok(struct st_page *p, uint32_t seq)
{
	atomic_thread_fence(memory_order_seq_cst);
	return atomic_load(&p->seq) == seq;
}

uint64_t st_seed(const struct st_file *f, uint32_t gen)
{
	return (f->id << 32) | gen;
}

bool st_check_image(struct st_ctx *c, const struct st_file *f, size_t page,
		    uint32_t gen, const void *img, const char *where)
{
	struct cgu_mismatch mm;

	if (cgu_check_page(img, gen ? CG_EXPECT_PATTERN : CG_EXPECT_ZERO,
			   st_seed(f, gen), page, &mm)) {
		st_count(c, ST_PAGES_VERIFIED, 1);
		return true;
	}
	st_fail(c, "%s: file %llu page %zu generation %u: word at +%zu is 0x%016llx, expected 0x%016llx",
		where, (unsigned long long)f->id, page, gen, mm.offset,
		(unsigned long long)mm.found, (unsigned long long)mm.expected);
	return false;
}

unsigned long st_guard_snapshot(const struct st_ctx *c, bool *guarded)
{
	unsigned long epoch = atomic_load(&c->sh->epoch);

	*guarded = atomic_load(&c->sh->guarded);
	return epoch;
}

bool st_guard_held(const struct st_ctx *c, bool was_guarded,
		   unsigned long epoch)
{
	bool now;

	return was_guarded && st_guard_snapshot(c, &now) == epoch && now;
}
