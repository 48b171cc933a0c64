// SPDX-License-Identifier: GPL-2.0
/*
 * cgctl - the operator's tool for collapse_guard (see cgctl.8).
 *
 *   cgctl status                       kernel, module version, mode, redirection
 *   cgctl stats [--nonzero] [--json] [--diff FILE] [--file FILE] [--get NAME]
 *   cgctl stats --save FILE
 *   cgctl stats --prometheus [--file FILE [--hist-file FILE]] [--output FILE]
 *   cgctl watch [SECONDS] [--count N]  rates per interval, like vmstat
 *   cgctl hist [NAME...] [--raw]       latency histograms
 *   cgctl reset                        zero statistics and histograms
 *   cgctl mode [off|observe|guard]     print or switch the mode
 *   cgctl doctor                       protected, exposed or not affected
 *
 * Environment: CG_DEBUGFS (default /sys/kernel/debug/collapse_guard),
 * CG_MODE_FILE (default /sys/module/collapse_guard/parameters/mode).
 */
#include "cgctl.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char ctl_usage[] =
	"usage: cgctl COMMAND [ARGS]\n"
	"  status                        kernel, module version, mode, redirection\n"
	"  stats [--nonzero] [--json] [--diff FILE] [--file FILE] [--get NAME]\n"
	"  stats --save FILE             save the statistics for a later --diff\n"
	"  stats --prometheus [--file FILE [--hist-file FILE]] [--output FILE]\n"
	"                                Prometheus text format (statistics, mode,\n"
	"                                histograms); --output: written atomically\n"
	"  watch [SECONDS] [--count N]   rates per interval (default 1 s)\n"
	"  hist [NAME...] [--raw]        latency histograms\n"
	"  reset                         zero statistics and histograms\n"
	"  mode [off|observe|guard]      print or switch the mode\n"
	"  mode off --nudge-khugepaged   if the switch waits on khugepaged, raise its\n"
	"                                scan_sleep_millisecs for the switch, then restore it\n"
	"  doctor                        is this machine protected, exposed or not affected\n"
	"environment: CG_DEBUGFS=dir (default /sys/kernel/debug/collapse_guard)\n"
	"             CG_MODE_FILE=file (default /sys/module/collapse_guard/parameters/mode)\n"
	"exit: 0 ok (doctor: protected), 1 failed (doctor: exposed), 2 usage or\n"
	"      cannot check, 3 (doctor) not affected. See cgctl(8).\n";

struct ctl_command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct ctl_command ctl_commands[] = {
	{ "status", ctl_cmd_status },
	{ "stats",  ctl_cmd_stats },
	{ "watch",  ctl_cmd_watch },
	{ "hist",   ctl_cmd_hist },
	{ "reset",  ctl_cmd_reset },
	{ "mode",   ctl_cmd_mode },
	{ "doctor", ctl_cmd_doctor },
};

int ctl_getopt(int argc, char **argv, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, "+", longopts, NULL);
	if (c == '?' || c == ':')
		cgu_usage_fail(ctl_usage, "%s: bad option or missing value: '%s'", argv[0],
			       argv[optind - 1]);
	return c;
}

void ctl_no_arguments(int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	if (ctl_getopt(argc, argv, none) != -1 || optind != argc)
		cgu_usage_fail(ctl_usage, "%s takes no argument", argv[0]);
}

int main(int argc, char **argv)
{
	size_t i;

	cgu_init(argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(ctl_usage, stdout);
		return CTL_EXIT_OK;
	}
	if (argc < 2)
		cgu_usage_fail(ctl_usage, "missing command");
	for (i = 0; i < sizeof(ctl_commands) / sizeof(ctl_commands[0]); i++)
		if (!strcmp(argv[1], ctl_commands[i].name))
			return ctl_commands[i].run(argc - 1, argv + 1);
	cgu_usage_fail(ctl_usage, "unknown command '%s'", argv[1]);
}
