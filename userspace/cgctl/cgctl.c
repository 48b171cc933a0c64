// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl - control CLI for collapse_guard.
 *
 *   cgctl mode                       print the active mode (mode=NAME)
 *   cgctl mode MODE                  switch mode, then print it
 *   cgctl stats [--nonzero]          print every statistic as name=value
 *   cgctl stats --diff FILE [--nonzero]
 *                                    print name=delta against a saved copy
 *   cgctl stats --save FILE          save the statistics (stats file format)
 *
 * The mode is the module parameter $CG_MODE_FILE, by default
 * /sys/module/collapse_guard/parameters/mode (it works under lockdown and
 * without debugfs); the statistics are in $CG_DEBUGFS, by default
 * /sys/kernel/debug/collapse_guard. Errors go to stderr with exit 1; usage
 * errors exit 2.
 */
#include "cgu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STATS	256
#define NAME_LEN	64

static const char usage[] =
	"usage: cgctl mode [off|observe|guard]\n"
	"       cgctl stats [--nonzero] [--diff FILE]\n"
	"       cgctl stats --save FILE\n"
	"environment: CG_DEBUGFS=dir (default /sys/kernel/debug/collapse_guard)\n";

struct stat_set {
	int n;
	char name[MAX_STATS][NAME_LEN];
	long long value[MAX_STATS];
};

cgu_noreturn static void fail_errno(const char *what, const char *path)
{
	fprintf(stderr, "cgctl: %s %s: %s\n", what, path, strerror(errno));
	if (errno == ENOENT)
		fprintf(stderr, "cgctl: is collapse_guard loaded and debugfs mounted?\n");
	exit(CG_EXIT_FAIL);
}

static void debugfs_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", cgu_debugfs_dir(), file);
}

/* ---- mode ----------------------------------------------------------------- */

/*
 * The module parameter, not debugfs: it is the same control and the one that
 * works without debugfs and where lockdown refuses writes to debugfs.
 */
static void mode_path(char *buf, size_t len)
{
	const char *file = getenv("CG_MODE_FILE");

	snprintf(buf, len, "%s", file && *file ? file :
		 "/sys/module/collapse_guard/parameters/mode");
}

/* Extract the bracketed word of "off [observe] guard". */
static int active_mode(const char *line, char *out, size_t len)
{
	const char *open = strchr(line, '['), *close;

	if (!open)
		return -1;
	close = strchr(open, ']');
	if (!close || (size_t)(close - open - 1) >= len || close == open + 1)
		return -1;
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
	return 0;
}

static void read_mode(char *out, size_t len)
{
	char path[PATH_MAX], line[256];
	FILE *f;

	mode_path(path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		fail_errno("cannot open", path);
	if (!fgets(line, sizeof(line), f)) {
		fprintf(stderr, "cgctl: %s is empty\n", path);
		exit(CG_EXIT_FAIL);
	}
	fclose(f);
	if (active_mode(line, out, len)) {
		fprintf(stderr, "cgctl: no [active] mode in %s: %s", path, line);
		exit(CG_EXIT_FAIL);
	}
}

static int cmd_mode_show(void)
{
	char mode[NAME_LEN];

	read_mode(mode, sizeof(mode));
	printf("mode=%s\n", mode);
	return 0;
}

static int cmd_mode_set(const char *want)
{
	char path[PATH_MAX], buf[NAME_LEN + 2], now[NAME_LEN];
	ssize_t n;
	int fd, len;

	mode_path(path, sizeof(path));
	len = snprintf(buf, sizeof(buf), "%s\n", want);
	if (len < 0 || len >= (int)sizeof(buf)) {
		fprintf(stderr, "cgctl: mode name too long: %s\n", want);
		return CG_EXIT_FAIL;
	}
	fd = open(path, O_WRONLY);
	if (fd < 0)
		fail_errno("cannot open", path);
	n = write(fd, buf, (size_t)len);
	if (n != len) {
		fprintf(stderr, "cgctl: kernel refused mode '%s': %s\n", want,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return CG_EXIT_FAIL;
	}
	close(fd);
	read_mode(now, sizeof(now));
	if (strcmp(now, want)) {
		fprintf(stderr, "cgctl: wrote mode '%s' but the active mode is '%s'\n",
			want, now);
		return CG_EXIT_FAIL;
	}
	printf("mode=%s\n", now);
	return 0;
}

/* ---- stats ---------------------------------------------------------------- */

/* Read "name value" or "name=value" lines. Returns 0, or -1 (errno set). */
static int load_stats(const char *path, struct stat_set *set)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	set->n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		char name[NAME_LEN];
		long long v;

		if (eq)
			*eq = ' ';
		if (sscanf(line, "%63s %lld", name, &v) != 2)
			continue;
		if (set->n == MAX_STATS) {
			fprintf(stderr, "cgctl: too many statistics in %s\n", path);
			exit(CG_EXIT_FAIL);
		}
		strcpy(set->name[set->n], name);
		set->value[set->n++] = v;
	}
	fclose(f);
	return 0;
}

static int find_stat(const struct stat_set *set, const char *name)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->name[i], name))
			return i;
	return -1;
}

static void load_current(struct stat_set *set)
{
	char path[PATH_MAX];

	debugfs_path(path, sizeof(path), "stats");
	if (load_stats(path, set))
		fail_errno("cannot read", path);
	if (!set->n) {
		fprintf(stderr, "cgctl: no statistics in %s\n", path);
		exit(CG_EXIT_FAIL);
	}
}

static int print_stats(const struct stat_set *cur, bool nonzero)
{
	int i;

	for (i = 0; i < cur->n; i++)
		if (!nonzero || cur->value[i])
			printf("%s=%lld\n", cur->name[i], cur->value[i]);
	return 0;
}

static int print_diff(const struct stat_set *cur, const char *file, bool nonzero)
{
	static struct stat_set old;
	int i;

	if (load_stats(file, &old))
		fail_errno("cannot read", file);
	for (i = 0; i < cur->n; i++) {
		int j = find_stat(&old, cur->name[i]);
		long long d;

		if (j < 0) {
			fprintf(stderr, "cgctl: %s has no statistic %s\n", file, cur->name[i]);
			return CG_EXIT_FAIL;
		}
		d = cur->value[i] - old.value[j];
		if (!nonzero || d)
			printf("%s=%lld\n", cur->name[i], d);
	}
	return 0;
}

static int save_stats(const struct stat_set *cur, const char *file)
{
	FILE *f = fopen(file, "w");
	int i;

	if (!f)
		fail_errno("cannot create", file);
	for (i = 0; i < cur->n; i++)
		fprintf(f, "%s %lld\n", cur->name[i], cur->value[i]);
	if (fclose(f))
		fail_errno("cannot write", file);
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	static struct stat_set cur;
	const char *diff = NULL, *save = NULL;
	bool nonzero = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--nonzero"))
			nonzero = true;
		else if (!strcmp(argv[i], "--diff") && i + 1 < argc)
			diff = argv[++i];
		else if (!strcmp(argv[i], "--save") && i + 1 < argc)
			save = argv[++i];
		else
			cgu_usage_fail(usage, "stats: bad argument '%s'", argv[i]);
	}
	if (save && (diff || nonzero))
		cgu_usage_fail(usage, "stats: --save takes no other option");
	load_current(&cur);
	if (save)
		return save_stats(&cur, save);
	if (diff)
		return print_diff(&cur, diff, nonzero);
	return print_stats(&cur, nonzero);
}

int main(int argc, char **argv)
{
	cgu_init(argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		cgu_usage_fail(usage, "missing command");
	if (!strcmp(argv[1], "mode")) {
		if (argc == 2)
			return cmd_mode_show();
		if (argc == 3)
			return cmd_mode_set(argv[2]);
		cgu_usage_fail(usage, "mode: too many arguments");
	}
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 2, argv + 2);
	cgu_usage_fail(usage, "unknown command '%s'", argv[1]);
}
