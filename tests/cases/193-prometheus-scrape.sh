#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# A real node_exporter serves what debugfs shows. The reproducer runs once in
# observe (the bug: stock_committed, uffd_exposed) and twice in guard (vetoes),
# so that counters are not zero; cgctl stats --prometheus --output writes
# collapse_guard.prom into a textfile directory; Debian's
# prometheus-node-exporter (staged by mkinitramfs.sh from the host's package,
# with its libraries; tests/harness/deps.sh installs it) serves it on
# 127.0.0.1:9100 with only the textfile collector, and busybox wget scrapes
# /metrics, polled until it answers. Every state of debugfs's state file but
# the mode and every statistic of its stats file (read here as text, not
# through cgctl; the states stats still prints are taken from state) must be
# in the scrape with the same value, under cgctl's names (userspace/cgctl/prom.c): NAME_live a gauge of
# its own name; PATH_available, PATH_calls, PATH_returns, PATH_RESULT as
# path_available, calls_total, returns_total, results_total{path,result};
# any other NAME as NAME_total. Also collapse_guard_up 1, the mode gauges
# (guard 1, off and observe 0) and node_textfile_scrape_error 0. Fails (does
# not skip) when the exporter is not in the image.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

EXPORTER=/usr/bin/prometheus-node-exporter
ADDR=127.0.0.1:9100
DIR=$PWD/textfile

[ -x "$EXPORTER" ] ||
	fail "no $EXPORTER in the guest (tests/harness/deps.sh installs prometheus-node-exporter, mkinitramfs.sh stages it)"

thp_quiet
cg_load mode=observe
run uffd_collapse_repro --expect lost
cg_set_mode guard
run uffd_collapse_repro --expect guarded
run uffd_collapse_repro --hole 0 --expect guarded
assert_gt "$(cg_stat guard_veto_uffd_missing)" 1 guard_veto_uffd_missing

mkdir -p "$DIR"
run cgctl stats --prometheus --output "$DIR/collapse_guard.prom"
cp "$CG_DBG/stats" stats.before

ip link set lo up
"$EXPORTER" --web.listen-address="$ADDR" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$DIR" >exporter.log 2>&1 &
EXPORTER_PID=$!
# (busybox 1.35's wget -T segfaults: timeout bounds each try instead)
scrape() {
	timeout 5 wget -q -O metrics.txt "http://$ADDR/metrics" 2>/dev/null
}
if ! wait_until 30 scrape; then
	cat exporter.log
	fail "node_exporter did not answer on $ADDR within 30 s"
fi
kill "$EXPORTER_PID" 2>/dev/null || true
echo "scraped: $(wc -l <metrics.txt) lines, $(grep -c '^collapse_guard_' metrics.txt) collapse_guard_ samples"
cp "$CG_DBG/stats" stats.after
cmp -s stats.before stats.after ||
	fail "debugfs stats changed during the test (something else collapses): $(diff stats.before stats.after)"

# debugfs's samples: the states (the mode apart: gauges of its own), then
# the statistics but the states ("stats" prints them until the next release).
cp "$CG_DBG/state" state.after
{
	grep -v '^mode ' state.after
	awk 'NR == FNR { st[$1] = 1; next } !($1 in st)' state.after stats.after
} >debugfs.after

# The expected samples, from debugfs: "NAME{LABELS} VALUE" per statistic.
awk '
	{ v[NR] = $2; n[NR] = $1; if ($1 ~ /_available$/) { p = $1; sub(/_available$/, "", p); path[p] = 1 } }
	END {
		for (i = 1; i <= NR; i++) {
			name = n[i]; key = ""
			for (p in path)
				if (index(name, p "_") == 1) {
					rest = substr(name, length(p) + 2)
					if (rest == "available") key = "path_available{path=\"" p "\"}"
					else if (rest == "calls") key = "calls_total{path=\"" p "\"}"
					else if (rest == "returns") key = "returns_total{path=\"" p "\"}"
					else key = "results_total{path=\"" p "\",result=\"" rest "\"}"
				}
			if (key == "")
				key = name ~ /_live$/ ? name : name "_total"
			print "collapse_guard_" key, v[i]
		}
		print "collapse_guard_up", 1
		print "collapse_guard_mode{mode=\"off\"}", 0
		print "collapse_guard_mode{mode=\"observe\"}", 0
		print "collapse_guard_mode{mode=\"guard\"}", 1
		print "node_textfile_scrape_error", 0
	}' debugfs.after >expected.txt

# Each expected sample in the scrape with the same value (compared as
# numbers: the exporter prints floats, 1e+06 for a million).
if ! awk '
	NR == FNR { want[$1] = $2; order[++n] = $1; next }
	/^#/ { next }
	{ got[$1] = $2 }
	END {
		bad = 0; nonzero = 0
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (!(k in got)) { print "missing from the scrape: " k " (debugfs: " want[k] ")"; bad++ }
			else if (got[k] + 0 != want[k] + 0) { print "differs: " k " scraped " got[k] ", debugfs " want[k]; bad++ }
			else if (want[k] + 0 != 0) nonzero++
		}
		print n " samples compared, " nonzero " of them non-zero, " bad " wrong"
		exit bad != 0 || nonzero < 10
	}' expected.txt metrics.txt; then
	echo "scrape (collapse_guard_ and node_textfile_, histogram buckets left out):"
	grep -E '^(collapse_guard_|node_textfile_)' metrics.txt | grep -v '_bucket{' || true
	fail "node_exporter does not serve what debugfs shows"
fi
grep -E '^(collapse_guard_guard_calls_total|collapse_guard_uffd_exposed_total|collapse_guard_mode|node_textfile_scrape_error)' metrics.txt
