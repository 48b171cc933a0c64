/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgctl.h - what the cgctl subcommands share: where the module's files are,
 * how errors are reported, and the kernel facts several commands need.
 *
 * Exit codes: 0 success (doctor: protected), 1 failure (doctor: exposed),
 * 2 usage error or a check that could not be made, 3 (doctor) not affected.
 */
#ifndef CGCTL_H
#define CGCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "cgu_msg.h"
#include "cgu_stats.h"

#define CTL_EXIT_OK		0
#define CTL_EXIT_FAIL		1
#define CTL_EXIT_USAGE		2
#define CTL_EXIT_NOT_AFFECTED	3

#define CTL_MODULE_DIR	"/sys/module/collapse_guard"

extern const char ctl_usage[];

struct option;

/*
 * The subcommands' argument parsing: argv[0] is the subcommand's name.
 * ctl_getopt() is getopt_long() that stops at the first operand and exits 2
 * with the usage on an unknown option or a missing value; ctl_no_arguments()
 * exits 2 if a subcommand that takes none got any.
 */
int ctl_getopt(int argc, char **argv, const struct option *longopts);
void ctl_no_arguments(int argc, char **argv);

/* ---- paths.c: the module's files, and errors that say what to do -------- */

/* $CG_DEBUGFS/<file> (default /sys/kernel/debug/collapse_guard/<file>). */
void ctl_debugfs_path(char *buf, size_t len, const char *file);
/* $CG_MODE_FILE (default the module parameter /sys/module/.../mode). */
void ctl_mode_path(char *buf, size_t len);
bool ctl_module_loaded(void);
/* Prints why @path could not be used (errno), with the likely cause: the
 * module not loaded, debugfs not mounted, not root, lockdown; exits 1. */
cgu_noreturn void ctl_fail_io(const char *what, const char *path);
/* The live statistics; exits 1 with ctl_fail_io() if unreadable. */
void ctl_load_stats(struct cgu_stats *s);
/* Reads a small file into buf (NUL-terminated, trailing newline removed). */
int ctl_read_line(const char *path, char *buf, size_t len);
/* Writes text to path in one write(2); 0 or -1 with errno. */
int ctl_write_text(const char *path, const char *text);

/* ---- state.c: the module's states (debugfs "state") ---------------------- */

/* @name is a state (CG_STATE of cg_names.h: mode, redirect_live,
 * <path>_available), not a statistic. */
bool ctl_is_state(const char *name);
/* Moves the states out of statistics @s (a module of 0.3.0, and until the
 * next release, prints them in "stats") into @st. */
void ctl_state_split(struct cgu_stats *s, struct cgu_stats *st);
/* The live module's numeric states (all but the mode) into @st: debugfs
 * "state", or the state lines of "stats" where there is no "state" (0.3.0).
 * 0, or -1 with errno set (EINVAL: a malformed line). */
int ctl_state_load(struct cgu_stats *st);
/* One live numeric state, or -1 if it cannot be read. */
long long ctl_state_value(const char *name);

/* ---- cmd_hist.c: debugfs "hist", parsed --------------------------------- */

#define CTL_HIST_MAX		16
#define CTL_HIST_BUCKETS	64

struct ctl_bucket {
	unsigned long long lo, hi, count;	/* [lo, hi] nanoseconds */
};

struct ctl_hist {
	char name[64];
	unsigned long long count, sum, max;
	int nbuckets;
	struct ctl_bucket bucket[CTL_HIST_BUCKETS];
};

struct ctl_hists {
	int n;
	struct ctl_hist hist[CTL_HIST_MAX];
};

/* Parses a "hist" file (debugfs or a saved copy); exits 1 if unreadable or
 * malformed, saying which line. */
void ctl_hist_load(struct ctl_hists *h, const char *path);

/* ---- prom.c: the Prometheus text format (cgctl stats --prometheus) ------ */

/* Prints the statistics of @stats_file (NULL: the live module's, with its
 * mode and histograms) and of @hist_file (a saved "hist", or NULL) to stdout,
 * or to @output atomically (NULL: stdout). Returns an exit code. */
int ctl_prom_run(const char *stats_file, const char *hist_file, const char *output);

/* ---- kernel.c: what the running kernel is --------------------------------- */

struct ctl_kernel {
	char release[128];
	char upstream[64];	/* "6.1.192-3" of uname -v's "Debian 6.1.192-3", or "" */
	int major, minor;
	bool thp;		/* transparent huge pages compiled in */
};

void ctl_kernel_read(struct ctl_kernel *k);
/* 6.1 to 6.3 collapse shmem holes without asking userfaultfd (fixed in 6.4). */
bool ctl_kernel_needs_guard(const struct ctl_kernel *k);
/* The bracketed word of "off [observe] guard" into @out, or false. */
bool ctl_bracketed(const char *line, char *out, size_t len);
/* The bracketed word of the first line of file @path (a mode, a THP knob). */
bool ctl_read_bracketed(const char *path, char *out, size_t len);
/* The module's active mode ("off", "observe", "guard"), or false. */
bool ctl_active_mode(char *out, size_t len);

/* ---- subcommands ------------------------------------------------------------ */

int ctl_cmd_status(int argc, char **argv);
int ctl_cmd_stats(int argc, char **argv);
int ctl_cmd_watch(int argc, char **argv);
int ctl_cmd_hist(int argc, char **argv);
int ctl_cmd_reset(int argc, char **argv);
int ctl_cmd_mode(int argc, char **argv);
int ctl_cmd_doctor(int argc, char **argv);

#endif /* CGCTL_H */
