// SPDX-License-Identifier: GPL-2.0
/* Instantiates the module's trace events (include/cg_trace.h). */
#define CREATE_TRACE_POINTS
#include "cg_trace.h"
