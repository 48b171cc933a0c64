// SPDX-License-Identifier: GPL-2.0
/*
 * qemu_postcopy - postcopy-migrate a VM between two QEMU processes while a
 * second process maps the destination's RAM, and check every page after.
 *
 * The source's RAM is a file on a tmpfs (--source-file) that this program
 * writes (a paused VM: the verifiable pattern in every page) or that the VM
 * writes itself (--running: vmbios.S). The destination's RAM is a memfd
 * (memory-backend-memfd) or a file (memory-backend-file, --dst-file), as
 * QEMU would be given by libvirt. The backend (backend.c) receives the
 * destination's RAM descriptor over a unix socket, as a vhost-user backend
 * does, maps it 2 MiB aligned and, once the destination is in postcopy
 * (its RAM mostly holes, registered with userfaultfd in MISSING mode),
 * collapses it with MADV_COLLAPSE, leaves it to khugepaged, or touches it;
 * or, with precopy, collapses it once before the switch to postcopy, when
 * the destination has not registered it yet (a loss no kernel prevents).
 *
 * Usage:
 *   qemu_postcopy --qemu BIN --bios vmbios.bin --workdir DIR \
 *       --source-file /tmpfs/src [--dst-file /tmpfs/dst] [--running] \
 *       [--collapse idle|madvise|khugepaged|touch|precopy] [--ram MIB] \
 *       [--bandwidth MIB_PER_S] [--switch active|now] [--timeout S] \
 *       [--seed N]
 *
 * Output: key=value lines: status (the source's final migration status),
 * time_ms, downtime_ms (QEMU's: in postcopy, the source's time from its
 * stop to the device state sent, which the destination takes no part in),
 * vm_pause_us (--running: the source's STOP event to the destination's
 * RESUME, as QEMU stamped them; -1 otherwise), precopy_bytes and postcopy_bytes (as the source
 * counted them; -1 where QEMU does not), dst_pid (the destination QEMU's pid), pages,
 * wrong, zero, eexist (the destination logged "postcopy_place_page: File
 * exists"), the backend's MADV_COLLAPSE counts,
 * khugepaged's full scans while the destination was in postcopy (each
 * visited the backend's mapping: --collapse khugepaged's coverage), and for
 * --running the VM's passes at the switch and at the end.
 * Exit 0: the migration completed and every page holds what it must (and
 * the running VM went on running); 1: it did not (the data loss); 2: setup
 * or usage error; 3: --collapse madvise made no attempt while the
 * destination was in postcopy (no coverage: slow the migration down), or
 * --switch now and no byte went over in postcopy; 4: a QEMU gave no QMP
 * greeting (it did not start, before the migration began: nothing was
 * measured).
 */
#include "backend.h"
#include "qmp.h"
#include "vm_ram.h"

#include "cgu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CG_EXIT_COVERAGE	3
#define MIB			(1024UL * 1024)

static const char usage[] =
	"usage: qemu_postcopy --qemu BIN --bios FILE --workdir DIR --source-file PATH\n"
	"  --dst-file PATH   the destination's RAM is this file (default: a memfd)\n"
	"  --running         the VM runs vmbios.S (default: paused, a pattern)\n"
	"  --collapse WHAT   idle, madvise (default), khugepaged, touch or precopy\n"
	"  --during CMD      run sh -c CMD once the destination is in postcopy\n"
	"                    (QP_DST_PID set; output in WORKDIR/during.out)\n"
	"  --map-early       khugepaged: the backend maps the RAM from the start\n"
	"                    (default: once the destination has registered it)\n"
	"  --ram MIB         the VM's RAM (default 32)\n"
	"  --bandwidth MIB   postcopy and precopy bandwidth, MiB/s (default 4)\n"
	"  --switch WHEN     ask for postcopy once the source reports the\n"
	"                    migration active (default), or now: right after\n"
	"                    the migrate command, precopy held to 1 MiB/s, so\n"
	"                    that it switches at its first iteration, however\n"
	"                    fast this program polls\n"
	"  --timeout S       the migration's deadline (default 300)\n"
	"  --seed N          the pattern's seed (default 1)\n";

struct options {
	const char *qemu, *bios, *workdir, *src_file, *dst_file, *during;
	bool running, map_early, switch_now;
	enum backend_action action;
	size_t ram;
	unsigned long bandwidth, timeout_s;
	uint64_t seed;
};

struct vm {
	const char *who;
	pid_t pid;
	struct qmp qmp;
	char log[512];
};

struct result {
	char status[64];
	long long time_ms, downtime_ms;
	long long vm_pause_us;	/* source STOP to destination RESUME, -1: none */
	long long precopy_bytes, postcopy_bytes;	/* -1: not reported */
	bool postcopy_seen;
	unsigned long attempts_in_postcopy;
	long full_scans_in_postcopy;	/* khugepaged's, -1: unknown */
	uint32_t passes_switch, passes_end;
	struct vm_ram_check check;
	bool eexist;
	pid_t dst_pid;		/* the destination QEMU, as the kernel names it */
};

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "qemu", required_argument, NULL, 'q' },
		{ "bios", required_argument, NULL, 'b' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "source-file", required_argument, NULL, 's' },
		{ "dst-file", required_argument, NULL, 'd' },
		{ "running", no_argument, NULL, 'r' },
		{ "map-early", no_argument, NULL, 'e' },
		{ "during", required_argument, NULL, 'D' },
		{ "collapse", required_argument, NULL, 'c' },
		{ "ram", required_argument, NULL, 'm' },
		{ "bandwidth", required_argument, NULL, 'B' },
		{ "switch", required_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*o = (struct options){ .action = BACKEND_MADVISE, .ram = 32 * MIB,
			       .bandwidth = 4, .timeout_s = 300, .seed = 1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': o->qemu = optarg; break;
		case 'b': o->bios = optarg; break;
		case 'w': o->workdir = optarg; break;
		case 's': o->src_file = optarg; break;
		case 'd': o->dst_file = optarg; break;
		case 'r': o->running = true; break;
		case 'e': o->map_early = true; break;
		case 'D': o->during = optarg; break;
		case 'c': o->action = backend_parse_action(optarg); break;
		case 'm':
			o->ram = cgu_parse_ulong(optarg, "--ram", 18, 1024) * MIB;
			break;
		case 'B':
			o->bandwidth = cgu_parse_ulong(optarg, "--bandwidth", 1, 10000);
			break;
		case 'W':
			if (!strcmp(optarg, "now"))
				o->switch_now = true;
			else if (strcmp(optarg, "active"))
				cgu_usage_fail(usage, "--switch is active or now");
			break;
		case 't':
			o->timeout_s = cgu_parse_ulong(optarg, "--timeout", 1, 86400);
			break;
		case 'S':
			o->seed = cgu_parse_ulong(optarg, "--seed", 1, ~0UL);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(CG_EXIT_OK);
		default:
			cgu_usage_fail(usage, "bad option");
		}
	}
	if (optind != argc || !o->qemu || !o->bios || !o->workdir || !o->src_file)
		cgu_usage_fail(usage, "--qemu, --bios, --workdir and --source-file are needed");
	if (o->ram % cgu_pmd_size())
		cgu_usage_fail(usage, "--ram must be a multiple of 2");
	if (o->switch_now && o->action == BACKEND_PRECOPY)
		cgu_usage_fail(usage, "--switch now leaves no precopy phase to collapse in");
}

/* The source's RAM file: created, sized and, for a paused VM, filled. */
static int make_source_ram(const struct options *o)
{
	int fd = open(o->src_file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		cgu_setup_fail_errno("open %s", o->src_file);
	if (ftruncate(fd, o->ram))
		cgu_setup_fail_errno("ftruncate %s", o->src_file);
	if (!o->running)
		vm_ram_fill_pattern(fd, o->ram, o->seed);
	return fd;
}

/* fmt into a buffer of the argument list's own (kept for the process). */
static char *arg(const char *fmt, ...) cgu_printf(1, 2);
static char *arg(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		cgu_setup_fail("out of memory");
	va_end(ap);
	return s;
}

static void vm_spawn(struct vm *vm, const struct options *o, bool source)
{
	const char *who = source ? "src" : "dst";
	char *argv[32];
	int n = 0, fd;

	argv[n++] = (char *)o->qemu;
	argv[n++] = "-machine";
	argv[n++] = "pc,memory-backend=mem0";
	argv[n++] = "-m";
	argv[n++] = arg("%zuM", o->ram / MIB);
	argv[n++] = "-accel";
	argv[n++] = "tcg,tb-size=16";
	argv[n++] = "-bios";
	argv[n++] = (char *)o->bios;
	argv[n++] = "-nodefaults";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = arg("file:%s/%s-serial.log", o->workdir, who);
	argv[n++] = "-qmp";
	argv[n++] = arg("unix:%s/%s.qmp,server=on,wait=off", o->workdir, who);
	argv[n++] = "-object";
	if (source)
		argv[n++] = arg("memory-backend-file,id=mem0,size=%zu,mem-path=%s,share=on",
				o->ram, o->src_file);
	else if (o->dst_file)
		argv[n++] = arg("memory-backend-file,id=mem0,size=%zu,mem-path=%s,share=on",
				o->ram, o->dst_file);
	else
		argv[n++] = arg("memory-backend-memfd,id=mem0,size=%zu,share=on", o->ram);
	if (!source) {
		argv[n++] = "-incoming";
		argv[n++] = "defer";
	}
	if (!o->running)
		argv[n++] = "-S";
	argv[n] = NULL;

	vm->who = source ? "source" : "destination";
	snprintf(vm->log, sizeof(vm->log), "%s/%s.log", o->workdir, who);
	vm->pid = fork();
	if (vm->pid < 0)
		cgu_setup_fail_errno("fork");
	if (vm->pid)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(vm->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	execv(o->qemu, argv);
	_exit(127);
}

static void vm_connect(struct vm *vm, const struct options *o, const char *who)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.qmp", o->workdir, who);
	qmp_open(&vm->qmp, vm->who, path, cgu_deadline_ms(120000));
}

/* Whether the QEMU has exited (reaped if so). */
static bool vm_gone(struct vm *vm)
{
	int status;

	if (vm->pid <= 0)
		return true;
	if (waitpid(vm->pid, &status, WNOHANG) != vm->pid)
		return false;
	vm->pid = 0;
	return true;
}

static void vm_kill(struct vm *vm)
{
	if (vm->pid <= 0)
		return;
	kill(vm->pid, SIGKILL);
	waitpid(vm->pid, NULL, 0);
	vm->pid = 0;
}

/* Whether the log of vm holds text. */
static bool vm_logged(const struct vm *vm, const char *text)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(vm->log, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

/* The destination's RAM, reopened through /proc/PID/fd: the memfd, or the
 * file at dst_file. */
static int open_dst_ram(const struct vm *dst, const char *dst_file)
{
	char dir[64], link[600], target[512];
	struct dirent *d;
	ssize_t n;
	DIR *dp;
	int fd = -1;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", dst->pid);
	dp = opendir(dir);
	if (!dp)
		cgu_setup_fail_errno("opendir %s", dir);
	while (fd < 0 && (d = readdir(dp))) {
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (dst_file ? !strcmp(target, dst_file) :
			       !strncmp(target, "/memfd:", 7))
			fd = open(link, O_RDWR | O_CLOEXEC);
	}
	closedir(dp);
	if (fd < 0)
		cgu_setup_fail("the destination QEMU has no RAM %s open",
			       dst_file ? dst_file : "memfd");
	return fd;
}

static void migration_setup(struct vm *src, struct vm *dst,
			    const struct options *o)
{
	static const char caps[] =
		"{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
		"{\"capabilities\": [{\"capability\": \"postcopy-ram\", \"state\": true}]}}";
	unsigned long bw = o->bandwidth * MIB;
	/*
	 * --switch now: precopy held to 1 MiB/s, so that its first iteration
	 * cannot send the whole RAM before the switch asked for beside it is
	 * seen; postcopy_start() sets the rate to max-postcopy-bandwidth.
	 */
	unsigned long pre_bw = o->switch_now ? MIB : bw;

	qmp_run(&dst->qmp, caps);
	qmp_run(&src->qmp, caps);
	qmp_run(&dst->qmp,
		"{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"unix:%s/migrate.sock\"}}",
		o->workdir);
	qmp_run(&src->qmp,
		"{\"execute\": \"migrate-set-parameters\", \"arguments\": "
		"{\"max-bandwidth\": %lu, \"max-postcopy-bandwidth\": %lu}}", pre_bw, bw);
}

/* The source's migration status into buf; false if it is final. */
static bool migration_status(struct vm *src, char *buf, size_t len)
{
	qmp_run(&src->qmp, "{\"execute\": \"query-migrate\"}");
	if (!qmp_string(&src->qmp, "status", buf, len))
		snprintf(buf, len, "none");
	return strcmp(buf, "completed") && strcmp(buf, "failed") &&
	       strcmp(buf, "cancelled") && strcmp(buf, "postcopy-paused");
}

/*
 * Start the migration and switch to postcopy as soon as it is active; with
 * --collapse precopy, after one MADV_COLLAPSE round over the destination's
 * RAM, which nothing has registered with userfaultfd yet. With --switch
 * now, ask for postcopy right after migrate: QEMU accepts
 * migrate-start-postcopy from the setup state and its migration thread
 * switches at its first iteration (precopy held to 1 MiB/s until then), so
 * that how much RAM goes over as precopy does not depend on this program's
 * polling (the bench's migration times).
 */
static void migration_start(struct vm *src, struct backend *b,
			    const struct options *o, uint64_t deadline)
{
	char status[64];

	qmp_run(&src->qmp,
		"{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"unix:%s/migrate.sock\"}}",
		o->workdir);
	if (o->switch_now) {
		qmp_run(&src->qmp, "{\"execute\": \"migrate-start-postcopy\"}");
		return;
	}
	while (migration_status(src, status, sizeof(status)) &&
	       strcmp(status, "active")) {
		if (cgu_deadline_passed(deadline))
			cgu_setup_fail("the migration never became active (%s)", status);
		cgu_sleep_ms(20);
	}
	if (strcmp(status, "active"))
		cgu_setup_fail("the migration ended before postcopy: %s", status);
	if (o->action == BACKEND_PRECOPY) {
		backend_go(b);
		if (!backend_wait_rounds(b, 1))
			cgu_setup_fail("the backend's MADV_COLLAPSE round did not end");
	}
	qmp_run(&src->qmp, "{\"execute\": \"migrate-start-postcopy\"}");
}

/* khugepaged's full_scans: how often it has visited every registered mm. */
static long khugepaged_full_scans(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/khugepaged/full_scans", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* --during: sh -c CMD, waited for, while the migration goes on. */
static void run_during(const struct options *o, const struct vm *dst)
{
	char out[512], pid[16];
	pid_t child;
	int fd;

	if (!o->during)
		return;
	snprintf(out, sizeof(out), "%s/during.out", o->workdir);
	snprintf(pid, sizeof(pid), "%d", (int)dst->pid);
	child = fork();
	if (child < 0)
		cgu_setup_fail_errno("fork");
	if (!child) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
		    setenv("QP_DST_PID", pid, 1))
			_exit(127);
		execl("/bin/sh", "sh", "-c", o->during, (char *)NULL);
		_exit(127);
	}
	waitpid(child, NULL, 0);
}

/* Whether the destination reports postcopy-active: it has registered its
 * RAM with userfaultfd (QEMU does so on the "listen" command, then sets
 * the state). */
static bool destination_in_postcopy(struct vm *dst)
{
	char status[64];

	if (qmp_ask(&dst->qmp, 5000, "{\"execute\": \"query-migrate\"}") != 1)
		return false;	/* its migration failed: it may not answer */
	return qmp_string(&dst->qmp, "status", status, sizeof(status)) &&
	       !strcmp(status, "postcopy-active");
}

/*
 * The total time of a completed migration. QEMU 7.2 reports "completed"
 * before it has computed total-time (migration_calculate_complete() runs
 * after the state is set), so a query between the two reads 0: seen twice
 * in about 540 bench migrations. Ask again until it is set.
 */
static void migration_totals(struct vm *src, struct result *r)
{
	uint64_t deadline = cgu_deadline_ms(QMP_REPLY_TIMEOUT_MS);

	while (!strcmp(r->status, "completed") &&
	       qmp_number(&src->qmp, "total-time") <= 0) {
		if (cgu_deadline_passed(deadline))
			cgu_setup_fail("the source reports the migration completed, but never its total time");
		cgu_sleep_ms(20);
		qmp_run(&src->qmp, "{\"execute\": \"query-migrate\"}");
	}
	r->time_ms = qmp_number(&src->qmp, "total-time");
}

/*
 * Poll the source until the migration ends; the backend starts when the
 * destination reports postcopy-active (its RAM registered, still holding
 * holes for every page not sent yet).
 */
static void migration_wait(struct vm *src, struct vm *dst, struct backend *b,
			   const struct options *o, struct result *r,
			   uint64_t deadline)
{
	unsigned long before = 0;
	long scans = -1;

	while (migration_status(src, r->status, sizeof(r->status))) {
		if (vm_gone(dst)) {
			snprintf(r->status, sizeof(r->status), "destination-died");
			break;
		}
		if (!r->postcopy_seen && !strcmp(r->status, "postcopy-active") &&
		    destination_in_postcopy(dst)) {
			r->postcopy_seen = true;
			before = __atomic_load_n(&b->report->attempts, __ATOMIC_RELAXED);
			scans = khugepaged_full_scans();
			backend_go(b);	/* a second "go" (precopy) is harmless */
			run_during(o, dst);
		}
		if (cgu_deadline_passed(deadline)) {
			snprintf(r->status, sizeof(r->status), "timeout");
			break;
		}
		cgu_sleep_ms(100);
	}
	r->full_scans_in_postcopy = -1;
	if (r->postcopy_seen) {
		r->attempts_in_postcopy =
			__atomic_load_n(&b->report->attempts, __ATOMIC_RELAXED) - before;
		long now = khugepaged_full_scans();

		if (scans >= 0 && now >= 0)
			r->full_scans_in_postcopy = now - scans;
	}
	migration_totals(src, r);
	r->downtime_ms = qmp_number(&src->qmp, "downtime");
	r->precopy_bytes = qmp_number(&src->qmp, "precopy-bytes");
	r->postcopy_bytes = qmp_number(&src->qmp, "postcopy-bytes");
}

/* Wait until the destination's VM has made progress past passes_switch. */
static bool running_vm_progresses(int dst_ram, struct result *r)
{
	uint64_t deadline = cgu_deadline_ms(60000);

	do {
		r->passes_end = vm_ram_passes(dst_ram);
		if ((int32_t)(r->passes_end - r->passes_switch) > 0)
			return true;
		cgu_sleep_ms(100);
	} while (!cgu_deadline_passed(deadline));
	return false;
}

/*
 * How long a running VM did not run: from the source's STOP event to the
 * destination's RESUME (at the switch to postcopy), both stamped by QEMU
 * with this machine's clock; -1 if not measured. The destination's events
 * are read with a last command's reply.
 */
static long long vm_pause_us(struct vm *src, struct vm *dst,
			     const struct options *o, const struct result *r)
{
	if (!o->running || strcmp(r->status, "completed") || vm_gone(dst) ||
	    qmp_ask(&dst->qmp, QMP_REPLY_TIMEOUT_MS, "{\"execute\": \"query-status\"}") != 1 ||
	    src->qmp.stop_us < 0 || dst->qmp.resume_us < 0)
		return -1;
	return dst->qmp.resume_us - src->qmp.stop_us;
}

/*
 * The destination is killed before its RAM is read (the descriptor keeps
 * the RAM): nothing writes it any more, and a VM whose migration paused
 * has a vCPU stuck in a fault that no QMP "stop" would get out of.
 */
static void check_ram(struct vm *dst, int src_ram, int dst_ram,
		      const struct options *o, struct result *r)
{
	if (!o->running) {
		vm_kill(dst);
		vm_ram_check_pattern(dst_ram, o->ram, o->seed, &r->check);
		return;
	}
	/* the source stopped at the switch: its counter is the switch's */
	r->passes_switch = vm_ram_passes(src_ram);
	if (!strcmp(r->status, "completed") && !vm_gone(dst))
		running_vm_progresses(dst_ram, r);
	vm_kill(dst);
	vm_ram_check_running(dst_ram, o->ram, &r->check);
}

static void report(const struct result *r, const struct backend_report *b,
		   const struct options *o)
{
	printf("status=%s\ntime_ms=%lld\ndowntime_ms=%lld\n", r->status,
	       r->time_ms, r->downtime_ms);
	printf("vm_pause_us=%lld\n", r->vm_pause_us);
	printf("precopy_bytes=%lld\npostcopy_bytes=%lld\n", r->precopy_bytes,
	       r->postcopy_bytes);
	printf("dst_pid=%d\n", (int)r->dst_pid);
	printf("pages=%zu\nwrong=%zu\nzero=%zu\n", r->check.pages,
	       r->check.wrong, r->check.zero);
	if (r->check.wrong)
		printf("first_wrong=%zu\n", r->check.first_wrong);
	printf("eexist=%d\n", r->eexist);
	printf("collapse_rounds=%lu\ncollapse_attempts=%lu\n", b->rounds, b->attempts);
	printf("collapse_attempts_in_postcopy=%lu\n", r->attempts_in_postcopy);
	printf("khugepaged_full_scans_in_postcopy=%ld\n", r->full_scans_in_postcopy);
	printf("collapsed=%lu\nrefused_ebusy=%lu\nrefused_eagain=%lu\n",
	       b->collapsed, b->refused_busy, b->refused_again);
	printf("refused_other=%lu\n", b->refused_other);
	if (b->refused_other)
		printf("refused_other_errno=%s\n", strerror(b->other_errno));
	if (o->action == BACKEND_TOUCH)
		printf("touched=%lu\n", b->touched);
	if (o->running)
		printf("passes_at_switch=%u\npasses_at_end=%u\n",
		       r->passes_switch, r->passes_end);
	fflush(stdout);
}

static int verdict(const struct result *r, const struct backend_report *b,
		   const struct options *o)
{
	bool intact = !strcmp(r->status, "completed") && !r->check.wrong &&
		      (!o->running || r->passes_end != r->passes_switch);

	if (!intact)
		return CG_EXIT_FAIL;
	if (o->switch_now && !r->postcopy_bytes) {
		cgu_msg("COVERAGE: --switch now, but the migration completed as precopy (0 postcopy bytes)");
		return CG_EXIT_COVERAGE;
	}
	if (o->action == BACKEND_MADVISE && !r->attempts_in_postcopy) {
		cgu_msg("COVERAGE: no MADV_COLLAPSE while the destination was in postcopy (%lu rounds): lower --bandwidth",
			b->rounds);
		return CG_EXIT_COVERAGE;
	}
	return CG_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct vm src = { 0 }, dst = { 0 };
	struct result r = { 0 };
	struct options o;
	struct backend b;
	uint64_t deadline;
	int src_ram, dst_ram;

	cgu_init(argv[0]);
	parse_options(argc, argv, &o);
	src_ram = make_source_ram(&o);
	if (o.dst_file)
		unlink(o.dst_file);
	vm_spawn(&dst, &o, false);
	r.dst_pid = dst.pid;
	vm_spawn(&src, &o, true);
	vm_connect(&dst, &o, "dst");
	vm_connect(&src, &o, "src");
	dst_ram = open_dst_ram(&dst, o.dst_file);
	backend_start(&b, o.action, o.ram, o.map_early);
	backend_send_fd(&b, dst_ram);

	deadline = cgu_deadline_ms(o.timeout_s * 1000);
	migration_setup(&src, &dst, &o);
	migration_start(&src, &b, &o, deadline);
	migration_wait(&src, &dst, &b, &o, &r, deadline);
	r.vm_pause_us = vm_pause_us(&src, &dst, &o, &r);
	check_ram(&dst, src_ram, dst_ram, &o, &r);
	r.eexist = vm_logged(&dst, "File exists");
	if (!backend_stop(&b))
		cgu_setup_fail("the backend failed");
	vm_kill(&src);	/* the destination is gone already (check_ram) */
	report(&r, b.report, &o);
	return verdict(&r, b.report, &o);
}
