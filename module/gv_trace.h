/* SPDX-License-Identifier: GPL-2.0 */
/*
 * greenvisor's tracepoint: every event the control plane delivers
 * (uapi/linux/greenvisor.h GV_EVENT_*), for perf and trace-cmd:
 *   perf record -e greenvisor:gv_event ...
 *   echo 1 > /sys/kernel/tracing/events/greenvisor/gv_event/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM greenvisor

#if !defined(GV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define GV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(gv_event,
	    TP_PROTO(u32 type, u32 source, u32 cpu, u64 tsc, const u64 *data),
	    TP_ARGS(type, source, cpu, tsc, data),
	    TP_STRUCT__entry(__field(u32, type)
			     __field(u32, source)
			     __field(u32, cpu)
			     __field(u64, tsc)
			     __array(u64, data, 4)),
	    TP_fast_assign(__entry->type = type;
			   __entry->source = source;
			   __entry->cpu = cpu;
			   __entry->tsc = tsc;
			   memcpy(__entry->data, data, sizeof(__entry->data))),
	    TP_printk("type=%s source=%u cpu=%u tsc=%llu data=%llx,%llx,%llx,%llx",
		      __print_symbolic(__entry->type,
				       { GV_EVENT_EPT_VIOLATION, "ept_violation" },
				       { GV_EVENT_HYPAPP, "hypapp" },
				       { GV_EVENT_LAUNCH, "launch" },
				       { GV_EVENT_TEARDOWN, "teardown" },
				       { GV_EVENT_DMA_FAULT, "dma_fault" }),
		      __entry->source, __entry->cpu, __entry->tsc,
		      __entry->data[0], __entry->data[1], __entry->data[2],
		      __entry->data[3])
);

#endif /* GV_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE gv_trace
#include <trace/define_trace.h>
