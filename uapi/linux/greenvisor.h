/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * greenvisor vmcall ABI, version 0.1.
 *
 * This header is the single definition of the interface between software
 * running under greenvisor (the rich OS, its user space, hypapps, the green
 * partition) and the hypervisor's root side. It is shared verbatim by the
 * kernel module, hypapps, user-space tools and tests.
 *
 * Detection
 * ---------
 * CPUID leaf 0x40000000 returns EAX = highest greenvisor leaf and
 * EBX:ECX:EDX = "GreenVisorHV". Leaf 0x40000001 returns EAX = ABI version
 * (major << 16 | minor) and EBX = feature bits (GV_FEAT_*). While greenvisor
 * is loaded, CPUID.1:ECX.VMX[bit 5] reads 0 and CPUID.1:ECX[bit 31]
 * (hypervisor present) reads 1.
 *
 * Register convention (VMCALL, 64-bit mode)
 * -----------------------------------------
 *   in:  RAX = GV_HC_SIGNATURE << 32 | call number
 *        RDI, RSI, RDX, R10, R8, R9 = arguments 0..5
 *   out: RAX = status: 0 on success, a negative errno value (GV_E*) on
 *              failure, GV_HC_RETRY (a positive value) when a long call
 *              was preempted and must be issued again with the same
 *              arguments to continue (see issue-level docs for calls
 *              that use it);
 *        RDI, RSI, RDX, R10, R8, R9 = results 0..5 (call specific);
 *        all other registers are preserved. Registers that a call does
 *        not define as results are preserved too.
 *
 * A VMCALL whose RAX[63:32] is not GV_HC_SIGNATURE is not a greenvisor
 * call: it is reflected to the caller as #UD, as on bare metal, so that
 * another hypervisor's ABI is never mistaken for ours.
 *
 * Permissions are checked by one dispatcher, never by individual calls:
 *  - a caller whose partition has no hypercall rights gets #UD;
 *  - a call that requires CPL0 made from CPL 1-3 gets #GP(0);
 *  - an unknown call number returns -GV_EINVAL with no side effect.
 */
#ifndef _UAPI_LINUX_GREENVISOR_H
#define _UAPI_LINUX_GREENVISOR_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define GV_ABI_MAJOR		0
#define GV_ABI_MINOR		1
#define GV_ABI_VERSION		((GV_ABI_MAJOR << 16) | GV_ABI_MINOR)

/* CPUID interface (see above). */
#define GV_CPUID_LEAF_SIGNATURE	0x40000000u
#define GV_CPUID_LEAF_FEATURES	0x40000001u
#define GV_CPUID_LEAF_MAX	GV_CPUID_LEAF_FEATURES
/* "GreenVisorHV" as the three little-endian registers EBX, ECX, EDX. */
#define GV_CPUID_SIG_EBX	0x65657247u	/* "Gree" */
#define GV_CPUID_SIG_ECX	0x7369566eu	/* "nVis" */
#define GV_CPUID_SIG_EDX	0x5648726fu	/* "orHV" */

/* Feature bits in CPUID 0x40000001 EBX and in GV_HC_VERSION result 2. */
#define GV_FEAT_VPID		0x00000001u
#define GV_FEAT_EPT		0x00000002u

/* RAX[63:32] of every greenvisor vmcall: "GRNV". */
#define GV_HC_SIGNATURE		0x47524e56u
#define GV_HC_RAX(nr)		(((unsigned long long)GV_HC_SIGNATURE << 32) | (nr))

/*
 * Status values returned in RAX. Errors are negative Linux errno values so
 * that the Linux side can pass them on unchanged.
 */
#define GV_OK			0
#define GV_EPERM		1
#define GV_ENOENT		2
#define GV_EFAULT		14
#define GV_EBUSY		16
#define GV_EINVAL		22
#define GV_ENOSPC		28
#define GV_ERANGE		34
#define GV_ENOSYS		38
#define GV_HC_RETRY		1	/* positive: call again to continue */

/*
 * Call numbers.
 *
 * GV_HC_VERSION (any partition, any CPL)
 *   out: result0 = GV_ABI_VERSION
 *        result1 = index of the CPU that answered (Linux CPU number)
 *        result2 = feature bits (GV_FEAT_*)
 *
 * GV_HC_EXIT_COUNTS (CPL0)
 *   in:  arg0 = CPU index, arg1 = first exit reason
 *   out: result0..5 = exit counts of reasons arg1 .. arg1+5 on that CPU
 *        (reasons >= GV_EXIT_REASON_MAX read 0)
 *   err: -GV_EINVAL for an unknown CPU or a first reason beyond the table
 *
 * GV_HC_LOG_READ (CPL0)
 *   Drains a CPU's root-side log ring (any CPU's, so that one virtualized
 *   CPU can drain them all).
 *   in:  arg0 = CPU index
 *   out: RAX = number of bytes copied (0..48) on success;
 *        result0..5 = the bytes, little-endian, in register order
 *   err: -GV_EINVAL for an unknown CPU
 *
 * GV_HC_DEVIRT (CPL0)
 *   Leaves VMX operation on the calling CPU and resumes the caller natively
 *   after the VMCALL with RAX = 0 and every other register, control
 *   register, descriptor table, segment and MSR as it was.
 *
 * GV_HC_EPT_STATS (CPL0)
 *   out: result0 = EPT table pages of the rich view,
 *        result1/2/3 = its 1 GiB / 2 MiB / 4 KiB leaves
 *
 * GV_HC_SELFTEST_CANARY (CPL0)
 *   For protection self-tests: a pool page the rich OS must not reach.
 *   out: result0 = its physical address, result1 = FNV-1a hash of its
 *        contents (computed by the root side), result2..5 = the calling
 *        CPU's last EPT violation: GPA, GVA (~0 if not valid), exit
 *        qualification, guest RIP
 *
 * GV_HC_EPT_QUERY (CPL0)
 *   How the rich view maps a guest-physical address.
 *   in:  arg0 = guest-physical address
 *   out: result0 = host-physical address, result1 = leaf size (4 KiB,
 *        2 MiB, 1 GiB), result2 = permissions (bit 0 read, 1 write,
 *        2 execute), result3 = memory type (SDM encoding: 0 UC, 1 WC,
 *        4 WT, 5 WP, 6 WB; bit 3 set when the guest PAT is ignored)
 *   err: -GV_ENOENT when not mapped (e.g. hypervisor memory), -GV_ERANGE
 *        beyond the guest-physical width
 *
 * Protection semantics: an access of the rich OS that its EPT view does
 * not allow (pool memory: no access; greenvisor's root text: read and
 * execute; root rodata: read) does not happen. The CPU records it, counts it
 * under exit reason 48 and faults the instruction: at CPL0, a not-present
 * #PF at the linear address (CR2, error code W/I as the access), so that a
 * fault-tolerant kernel access (copy_to_kernel_nofault() and friends)
 * returns -EFAULT and any other one oopses the rich OS; at CPL 1-3, or
 * without a linear address, #GP(0).
 *
 * GV_HC_DEVIRT refuses with -GV_EBUSY while memory is lent to the green
 * partition: a CPU outside VMX operation could read it.
 *
 * GV_HC_MEM_LEND (CPL0)
 *   Lend [arg0, arg0 + arg1) to the green partition: the pages leave the
 *   rich view (no access; a rich-OS access faults as described above) and
 *   appear identity-mapped, read/write/execute, in the green view with the
 *   same memory type. Every CPU has dropped its rich-view translations of
 *   the range before the call returns (INVEPT shootdown).
 *   in:  arg0 = physical address, arg1 = size (both 4 KiB multiples)
 *   out: RAX = 0 when the whole range is lent; GV_HC_RETRY after at most
 *        512 pages: issue the same call again to continue;
 *        result1 = bytes of the range lent so far
 *   err (nothing changed): -GV_EINVAL empty/unaligned/wrapping range;
 *        -GV_ERANGE not entirely System RAM; -GV_EBUSY part of it is lent
 *        already, or another lend/return is in progress (only one at a
 *        time, continued by repeating it); -GV_EPERM part of it is not
 *        plain rich-OS memory (hypervisor pool or text, a protected page);
 *        -GV_ENOSYS no green view;
 *   err (partial): -GV_ENOSPC out of table pages: result1 bytes from arg0
 *        are lent; return them to undo.
 *
 * GV_HC_MEM_RETURN (CPL0)
 *   Return [arg0, arg0 + arg1): each page is unmapped from the green view,
 *   every CPU flushes it, it is zeroed, and the rich view gets it back
 *   (large pages are rebuilt where possible). Same registers, continuation
 *   and errors as GV_HC_MEM_LEND, except -GV_ENOENT: part of the range is
 *   not lent (instead of -GV_EBUSY/-GV_EPERM for that case).
 *
 * GV_HC_GREEN_STATS (CPL0)
 *   out: result0 = pages lent, result1 = EPT table pages of the green view,
 *        result2 = lend/return in progress (0 none, 1 lend, 2 return),
 *        result3/4/5 = its start, next page, end
 *
 * GV_HC_SMP_STATS (CPL0)
 *   in:  arg0 = CPU index
 *   out: result0 = NMI IPIs that CPU sent, result1 = greenvisor NMIs it
 *        received, result2 = NMIs injected into the rich OS, result3 =
 *        flushes it made because the views changed, result4 = view
 *        generation it last flushed, result5 = current generation
 *   err: -GV_EINVAL for an unknown CPU
 *
 * GV_HC_EPT_SYNC (CPL0)
 *   TLB shootdown of every EPT view on every CPU in VMX operation; returns
 *   when all have flushed. out: result0 = other CPUs that flushed
 *
 * GV_HC_QUIESCE_PING (CPL0)
 *   Stops every other CPU in root mode, counts them, releases them (the
 *   quiesce primitive's self-test). out: result0 = CPUs that were parked,
 *   result1 = other CPUs in VMX operation
 *
 * GV_HC_HYPAPP_REGISTER (CPL0; used by greenvisor.ko only)
 *   Register a hypapp (include/greenvisor/hypapp.h, docs/hypapps.md).
 *   in:  arg0 = physical address of a 4 KiB-aligned page holding the
 *        description (struct gv_hypapp_desc, hvcore/hv_hypapp.h: name,
 *        number and CPUID-leaf ranges, callbacks, the host-physical
 *        address of each root-text page), which the root side copies
 *   out: result0 = the hypapp's id (1 .. 15)
 *   err (nothing changed): -GV_EINVAL malformed description (ranges
 *        outside the hypapp areas below, callbacks outside the text,
 *        unaligned text, reserved events set); -GV_EBUSY a number range,
 *        CPUID range, text page or the name is taken by a registered
 *        hypapp; -GV_EPERM the description or a text page is not plain
 *        rich-OS RAM (pool, greenvisor's text, lent or protected memory);
 *        -GV_ENOSPC no free slot or pool page; the init callback's error.
 *
 * GV_HC_HYPAPP_UNREGISTER (CPL0; used by greenvisor.ko only)
 *   in:  arg0 = the hypapp's id. Runs its shutdown callback with the other
 *        CPUs quiesced, drops its EPT claims, makes its text writable
 *        again in the rich view, unmaps it from the root side's page
 *        tables, zeroes and frees its pool data.
 *   err (nothing changed): -GV_ENOENT no such hypapp; -GV_EBUSY one of its
 *        callbacks is running on another CPU (call again).
 *
 * GV_HC_HYPAPP_INFO (CPL0)
 *   in:  arg0 = hypapp id
 *   out: result0 = hc_base | hc_count << 32, result1 = cpuid_base,
 *        result2 = cpuid_count | data pages << 32, result3 = text pages,
 *        result4 = calls dispatched to it, result5 = quiesce mask
 *   err: -GV_ENOENT no such hypapp, -GV_EINVAL id out of range
 *
 * GV_HC_SHARED_PAGE (CPL0)
 *   Registers the calling CPU's shared page: a 4 KiB page of rich-OS RAM
 *   through which calls pass data that does not fit in six registers (today
 *   GV_HC_EXIT_COUNTS_ALL). One page per CPU, per CPU: a call uses the
 *   page of the CPU it is made on. The root side reaches it by physical
 *   address, checks at every use that the rich view still maps it
 *   readable and writable, and keeps no pointer into it. The caller keeps
 *   the page allocated while it is registered (any CPL0 code may replace a
 *   registration: a user registers its page right before the calls that
 *   use it, with preemption off). A registered page cannot be lent
 *   (GV_HC_MEM_LEND answers -GV_EBUSY).
 *   in:  arg0 = the page's guest-physical address (4 KiB aligned, not 0),
 *        or 0 to drop the registration
 *   out: result0 = the previously registered page (0: none)
 *   err (nothing changed): -GV_EINVAL unaligned; -GV_EPERM not RAM the rich
 *        view maps readable and writable (hypervisor memory, lent memory,
 *        MMIO, a page a hypapp protects); -GV_EBUSY another CPU has it
 *
 * GV_HC_EXIT_COUNTS_ALL (CPL0)
 *   in:  arg0 = CPU index
 *   out: the calling CPU's shared page holds that CPU's GV_EXIT_REASON_MAX
 *        exit counts (u64 each, by reason); result0 = GV_EXIT_REASON_MAX
 *   err: -GV_EINVAL unknown CPU; -GV_ENOENT no shared page registered on
 *        the calling CPU; -GV_EPERM the shared page is no longer rich RAM
 *        the rich view maps readable and writable
 *
 * GV_HC_EVENT_READ (CPL0)
 *   Takes the oldest record from a CPU's root event ring (any CPU's, so
 *   that one CPU can drain them all). Each CPU's ring holds
 *   GV_EVENT_RING_SIZE records; when it is full a new event is dropped and
 *   counted, never an old one overwritten.
 *   in:  arg0 = CPU index, arg1 = 0 (take a record) or 1 (counters only)
 *   out: arg1 = 0: RAX = 1 and result0..5 = the record (struct
 *        gv_event_rec: result0 = type | source << 16 | CPU << 32,
 *        result1 = TSC, result2..5 = data[0..3], see GV_EVENT_*), or
 *        RAX = 0 when the ring is empty;
 *        arg1 = 1: result0 = events posted on that CPU, result1 = dropped
 *   err: -GV_EINVAL unknown CPU or arg1 > 1
 *
 * Hypapp calls: numbers in [GV_HC_HYPAPP_FIRST, GV_HC_HYPAPP_END) belong
 * to registered hypapps, each a range it claimed (each hypapp's README documents
 * them; hello: GV_HC_HELLO_* below). They go
 * through the same dispatcher and permission check as the core calls: a
 * number no hypapp registered returns -GV_EINVAL; a hypapp callable only
 * from CPL0 raises #GP(0) from CPL 1-3. CPUID leaves in
 * [GV_CPUID_HYPAPP_FIRST, GV_CPUID_HYPAPP_END) are answered by the hypapp
 * that claimed them, and pass to the CPU (usually zeros) otherwise.
 *
 * NMIs: greenvisor takes NMI exits to reach other CPUs (shootdown,
 * quiesce) and gives every NMI that is not its own to the rich OS, at the
 * first instruction where the rich OS can take it. An NMI of the platform
 * that arrives together with one of greenvisor's is merged with it by the
 * CPU and not seen by the rich OS.
 */
#define GV_HC_VERSION		0x0000
#define GV_HC_EXIT_COUNTS	0x0001
#define GV_HC_LOG_READ		0x0002
#define GV_HC_DEVIRT		0x0003
#define GV_HC_EPT_STATS		0x0004
#define GV_HC_SELFTEST_CANARY	0x0005
#define GV_HC_EPT_QUERY		0x0006
#define GV_HC_MEM_LEND		0x0007
#define GV_HC_MEM_RETURN	0x0008
#define GV_HC_GREEN_STATS	0x0009
#define GV_HC_SMP_STATS		0x000a
#define GV_HC_EPT_SYNC		0x000b
#define GV_HC_QUIESCE_PING	0x000c
#define GV_HC_HYPAPP_REGISTER	0x000d
#define GV_HC_HYPAPP_UNREGISTER	0x000e
#define GV_HC_HYPAPP_INFO	0x000f
#define GV_HC_SHARED_PAGE	0x0010
#define GV_HC_EXIT_COUNTS_ALL	0x0011
#define GV_HC_EVENT_READ	0x0012
#define GV_HC_NR_CORE		0x0013	/* core calls are below this number */

/*
 * Events (GV_HC_EVENT_READ, the netlink "events" group, the tracepoint
 * greenvisor:gv_event). data[] by type:
 * GV_EVENT_EPT_VIOLATION  a blocked access in the rich view (root side):
 *                         GPA, GVA (~0 when not valid), exit qualification
 *                         (bit 0 read, 1 write, 2 fetch), RIP
 * GV_EVENT_HYPAPP         posted by a hypapp (gv_hypapp_event_post()):
 *                         source = hypapp id; data = its code and 3 values
 * GV_EVENT_LAUNCH         the hypervisor runs (Linux side): CPUs virtualized
 * GV_EVENT_TEARDOWN       it is being unloaded (Linux side): CPUs virtualized
 * GV_EVENT_DMA_FAULT      a DMA remapping fault (Linux side; source = the
 *                         unit): segment << 16 | source id, address,
 *                         fault reason (VT-d spec Appendix A), 1 for a write
 */
#define GV_EVENT_EPT_VIOLATION	1
#define GV_EVENT_HYPAPP		2
#define GV_EVENT_LAUNCH		3
#define GV_EVENT_TEARDOWN	4
#define GV_EVENT_DMA_FAULT	5
#define GV_EVENT_RING_SIZE	64

/* Call numbers and CPUID leaves that hypapps claim ranges of. */
#define GV_HC_HYPAPP_FIRST	0x1000u
#define GV_HC_HYPAPP_END	0x2000u
#define GV_CPUID_HYPAPP_FIRST	0x40000100u
#define GV_CPUID_HYPAPP_END	0x40000200u

/*
 * The hello hypapp (hypapps/hello, greenvisor-hello.ko): the template.
 * Numbers GV_HC_HELLO_BASE + 0 .. 7; ECHO, COUNT, PEEK, POKE and WHOAMI
 * from any CPL, GUARD and INJECT_UD
 * from CPL0 only (#GP(0) from CPL 1-3, like a core CPL0 call):
 *
 * GV_HC_HELLO_ECHO
 *   in:  arg0..5; out: result0..5 = arg0..5 with every bit inverted
 *        (so that an unhandled call, which leaves registers alone, is
 *        told apart); increments the calling CPU's counter.
 * GV_HC_HELLO_COUNT
 *   in:  arg0 = CPU index; out: result0 = calls that CPU made to hello
 *        (echo and count included), result1 = calls on all CPUs
 *   err: -GV_EINVAL unknown CPU index
 * GV_HC_HELLO_GUARD (CPL0)
 *   Exercises the hypapp EPT API: write-protect one page of rich-OS RAM in
 *   the rich view and receive the write violations on it.
 *   in:  arg0 = the page's physical address (4 KiB aligned), arg1 = mode:
 *        1: read-only, every write faults (blocked, counted);
 *        2: read-only until the first write, which is counted and then let
 *           through (hello makes the page writable and the write restarts);
 *        0: give the page its full access back and drop the claim
 *   out: result0 = writes trapped on the page since it was guarded
 *   err: -GV_EBUSY another page is guarded (one at a time), or the page is
 *        claimed by another hypapp; -GV_ENOENT mode 0 for a page that is not
 *        the guarded one; -GV_EINVAL bad mode or address; the EPT API's
 *        errors (-GV_EPERM for hypervisor memory, -GV_EBUSY lent memory).
 *   Unregistering hello gives the page back.
 * GV_HC_HELLO_BASE + 3: reserved, -GV_EINVAL (hello's own answer for a
 *   number of its range it does not define).
 * The next four exercise the hypapp vCPU services (include/greenvisor/
 * hypapp.h: guest copies through the caller's page tables, registers,
 * injection):
 * GV_HC_HELLO_PEEK (any CPL)
 *   in:  arg0 = address in the caller's address space, arg1 = bytes (1..40)
 *   out: result0 = bytes copied, result1..5 = the bytes, little-endian
 *   err: -GV_EINVAL bad length; -GV_EFAULT the caller could not read it
 *        there (from CPL3: a user access) or it is not rich-OS RAM
 *        (result0 = the #PF error code the caller would get, 0 then);
 *        -GV_ERANGE non-canonical address
 * GV_HC_HELLO_POKE (any CPL)
 *   in:  arg0 = address, arg1 = bytes (1..24), arg2..4 = the bytes
 *   out: result0 = #PF error code on -GV_EFAULT; errors as PEEK (a page
 *        the caller cannot write gets -GV_EFAULT, nothing written there)
 * GV_HC_HELLO_WHOAMI (any CPL)
 *   out: result0 = the caller's RIP after the VMCALL, result1 = RSP,
 *        result2 = CR3, result3 = RFLAGS, result4 = CPL, result5 = CS
 * GV_HC_HELLO_INJECT_UD (CPL0)
 *   The VMCALL raises #UD (RIP at the VMCALL).
 * CPUID GV_CPUID_HELLO: EAX = GV_HELLO_MAGIC, EBX = calls on this CPU.
 */
#define GV_HC_HELLO_BASE	0x1000u
#define GV_HC_HELLO_COUNT_NR	8
#define GV_HC_HELLO_ECHO	(GV_HC_HELLO_BASE + 0)
#define GV_HC_HELLO_COUNT	(GV_HC_HELLO_BASE + 1)
#define GV_HC_HELLO_GUARD	(GV_HC_HELLO_BASE + 2)
#define GV_HC_HELLO_PEEK	(GV_HC_HELLO_BASE + 4)
#define GV_HC_HELLO_POKE	(GV_HC_HELLO_BASE + 5)
#define GV_HC_HELLO_WHOAMI	(GV_HC_HELLO_BASE + 6)
#define GV_HC_HELLO_INJECT_UD	(GV_HC_HELLO_BASE + 7)
/*
 * hello's event (GV_EVENT_HYPAPP, source = hello's id): a write trapped
 * on the guarded page; data = code, GPA, GVA, mode (1 blocked, 2 let through).
 */
#define GV_HELLO_EVENT_GUARD_WRITE	1
#define GV_CPUID_HELLO		GV_CPUID_HYPAPP_FIRST
#define GV_HELLO_MAGIC		0x6f6c6c68u	/* "hllo" */

/* Exit-reason table size: basic exit reasons 0 .. GV_EXIT_REASON_MAX - 1. */
#define GV_EXIT_REASON_MAX	80
#define GV_EXIT_COUNTS_PER_CALL	6

#endif /* _UAPI_LINUX_GREENVISOR_H */
