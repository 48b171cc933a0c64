// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates the module's trace events (include/cg_trace.h), and fails the
 * build unless they are exactly the events of the names table (CG_EVENT in
 * include/cg_names.h).
 */
#define CREATE_TRACE_POINTS
#include "cg_trace.h"

#include <linux/build_bug.h>
#include <linux/compiler_attributes.h>
#include <linux/kernel.h>
#include <linux/stddef.h>

/*
 * The events cg_trace.h defines, one char member each: the header read once
 * more with TRACE_EVENT making a member, as define_trace.h rereads it to
 * make the events (define_trace.h leaves CREATE_TRACE_POINTS defined for a
 * next file: this read makes none).
 */
#undef CREATE_TRACE_POINTS
struct cg_traced_events {
#define TRACE_HEADER_MULTI_READ
#define TRACE_EVENT(name, proto, args, tstruct, assign, print) char name
#include "cg_trace.h"
#undef TRACE_EVENT
#undef TRACE_HEADER_MULTI_READ
};

/* The table's events; a name listed twice fails here. */
enum cg_event {
#define CG_EVENT(name, help) CG_EVENT_##name,
#include "cg_names.h"
#undef CG_EVENT
	CG_EVENT_COUNT
};

/* Each event of the table is defined (else: no such member)... */
static const unsigned char cg_event_defined[] __maybe_unused = {
#define CG_EVENT(name, help) offsetof(struct cg_traced_events, name),
#include "cg_names.h"
#undef CG_EVENT
};
static_assert(ARRAY_SIZE(cg_event_defined) == CG_EVENT_COUNT);

/* ... and the table lists every event defined. */
static_assert(sizeof(struct cg_traced_events) == CG_EVENT_COUNT);
