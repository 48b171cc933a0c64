/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's trace events: events/collapse_guard/ in tracefs, for
 * trace-cmd, perf and the tests.  What each says is in the names table
 * (include/cg_names.h, CG_EVENT); module/trace.c fails the build unless the
 * events defined here are exactly the table's.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM collapse_guard

#if !defined(_CG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CG_TRACE_H

#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

TRACE_EVENT(guard_collapse,

	TP_PROTO(const struct inode *inode, pgoff_t start, int present,
		 int holes, int result, const char *reason, bool committed,
		 u64 duration_ns, u64 irqsoff_ns),

	TP_ARGS(inode, start, present, holes, result, reason, committed,
		duration_ns, irqsoff_ns),

	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(pgoff_t, start)
		__field(int, present)
		__field(int, holes)
		__field(int, result)
		__string(reason, reason)
		__field(bool, committed)
		__field(u64, duration_ns)
		__field(u64, irqsoff_ns)
	),

	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->start = start;
		__entry->present = present;
		__entry->holes = holes;
		__entry->result = result;
		__assign_str(reason, reason);
		__entry->committed = committed;
		__entry->duration_ns = duration_ns;
		__entry->irqsoff_ns = irqsoff_ns;
	),

	TP_printk("dev=%d:%d ino=%lu start=%lu present=%d holes=%d result=%d reason=%s committed=%d duration_ns=%llu irqsoff_ns=%llu",
		  MAJOR(__entry->dev), MINOR(__entry->dev), __entry->ino,
		  __entry->start, __entry->present, __entry->holes,
		  __entry->result, __get_str(reason), __entry->committed,
		  __entry->duration_ns, __entry->irqsoff_ns)
);

TRACE_EVENT(guard_veto,

	TP_PROTO(const struct inode *inode, pgoff_t start, int holes,
		 const char *reason, const char *stage),

	TP_ARGS(inode, start, holes, reason, stage),

	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(pgoff_t, start)
		__field(int, holes)
		__string(reason, reason)
		__string(stage, stage)
	),

	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->start = start;
		__entry->holes = holes;
		__assign_str(reason, reason);
		__assign_str(stage, stage);
	),

	TP_printk("dev=%d:%d ino=%lu start=%lu holes=%d reason=%s stage=%s",
		  MAJOR(__entry->dev), MINOR(__entry->dev), __entry->ino,
		  __entry->start, __entry->holes, __get_str(reason),
		  __get_str(stage))
);

TRACE_EVENT(uffd_exposed,

	TP_PROTO(const struct inode *inode, pgoff_t start, int holes,
		 pid_t victim_pid, const char *victim_comm),

	TP_ARGS(inode, start, holes, victim_pid, victim_comm),

	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(pgoff_t, start)
		__field(int, holes)
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(pid_t, victim_pid)
		__array(char, victim_comm, TASK_COMM_LEN)
	),

	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->start = start;
		__entry->holes = holes;
		__entry->pid = current->pid;
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
		__entry->victim_pid = victim_pid;
		strscpy(__entry->victim_comm, victim_comm, TASK_COMM_LEN);
	),

	TP_printk("dev=%d:%d ino=%lu start=%lu holes=%d pid=%d comm=%s victim_pid=%d victim_comm=%s",
		  MAJOR(__entry->dev), MINOR(__entry->dev), __entry->ino,
		  __entry->start, __entry->holes, __entry->pid, __entry->comm,
		  __entry->victim_pid, __entry->victim_comm)
);

TRACE_EVENT(stock_collapse,

	TP_PROTO(const struct inode *inode, pgoff_t start, int holes,
		 int result, bool committed, u64 duration_ns),

	TP_ARGS(inode, start, holes, result, committed, duration_ns),

	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(pgoff_t, start)
		__field(int, holes)
		__field(int, result)
		__field(bool, committed)
		__field(u64, duration_ns)
	),

	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->start = start;
		__entry->holes = holes;
		__entry->result = result;
		__entry->committed = committed;
		__entry->duration_ns = duration_ns;
	),

	TP_printk("dev=%d:%d ino=%lu start=%lu holes=%d result=%d committed=%d duration_ns=%llu",
		  MAJOR(__entry->dev), MINOR(__entry->dev), __entry->ino,
		  __entry->start, __entry->holes, __entry->result,
		  __entry->committed, __entry->duration_ns)
);

#endif /* _CG_TRACE_H */

/* Out of tree: define_trace.h includes this file again from include/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE cg_trace
#include <trace/define_trace.h>
