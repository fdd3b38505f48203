/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root-side entry points: VM-exit entry (HOST_RIP), the devirtualization
 * path, the launch trampoline, the host IDT stubs and the fault-tolerant
 * MSR/XCR accessors. Plain `ret` on purpose: root text never jumps into
 * Linux's return thunks (DESIGN.md "Two worlds, one wall").
 */

#define VMCS_GUEST_RSP		0x681c
#define VMCS_GUEST_RIP		0x681e
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define CR4_PGE			0x80
#define GV_CPU_KICK		16	/* offsetof(struct gv_cpu, kick) */

/* struct gv_devirt offsets (hv_percpu.h; checked by static_assert). */
#define DV_CR0		0
#define DV_CR3		8
#define DV_CR4		16
#define DV_RIP		24
#define DV_RSP		32
#define DV_RFLAGS	40
#define DV_FS_BASE	48
#define DV_GS_BASE	56
#define DV_DR7		64
#define DV_CS		72
#define DV_SS		74
#define DV_DS		76
#define DV_ES		78
#define DV_FS		80
#define DV_GS		82
#define DV_TR		84
#define DV_LDTR		86
#define DV_GDTR		88
#define DV_IDTR		104
#define DV_TMP_GDTR	120

/* struct gv_regs offsets */
#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RBP	48
#define R_R8	56
#define R_R9	64
#define R_R10	72
#define R_R11	80
#define R_R12	88
#define R_R13	96
#define R_R14	104
#define R_R15	112

.macro PUSH_REGS
	pushq	$0		/* pad: keeps struct gv_regs 16-byte sized */
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%r11
	pushq	%r10
	pushq	%r9
	pushq	%r8
	pushq	%rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rbx
	pushq	%rax
.endm

.macro POP_REGS
	popq	%rax
	popq	%rbx
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	popq	%r8
	popq	%r9
	popq	%r10
	popq	%r11
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
	addq	$8, %rsp
.endm

	/* Root text and rodata start on a page of their own (root.lds). */
	.text
	.balign	4096
	.section .rodata
	.balign	4096
	.text

/*
 * VM exit lands here on the host stack (HOST_RSP, 16-byte aligned) with
 * RFLAGS = 2 (SDM 28.5.3), so interrupts are off and DF is clear.
 */
	.globl	gv_vmexit_entry
	.type	gv_vmexit_entry, @function
gv_vmexit_entry:
	PUSH_REGS
	movq	%rsp, %rdi
	call	gv_handle_exit
	testq	%rax, %rax
	jnz	.Lexit_devirt
.Lprepare_entry:
	call	gv_prepare_entry
	POP_REGS
	/*
	 * Last check before entry, with the guest's registers loaded: a kick
	 * (request or NMI) that came after gv_prepare_entry cleared it sends
	 * us back. gv_nmi_stub restarts this window when an NMI lands inside
	 * it, so nothing set before VMRESUME executes is missed.
	 */
	.globl	gv_entry_window
gv_entry_window:
	cmpb	$0, %gs:GV_CPU_KICK
	jne	.Lkicked
	vmresume
	.globl	gv_entry_window_end
gv_entry_window_end:
	/* VMfail: VMRESUME did not enter the guest (SDM 31.4). */
	PUSH_REGS
	call	gv_vmresume_failed
	ud2
.Lkicked:
	PUSH_REGS
	jmp	.Lprepare_entry
.Lexit_devirt:
	movq	%rax, %rsi
	movq	%rsp, %rdi
	jmp	gv_devirt_finish
	.size	gv_vmexit_entry, . - gv_vmexit_entry

/*
 * gv_devirt_finish(struct gv_regs *regs, struct gv_devirt *dv)
 *
 * Leave VMX operation and resume the guest context natively. Order matters:
 * the host stack, this code and @dv are mapped at the same addresses in
 * the host page tables and in the guest's, so CR3 can switch first. TR is
 * loaded from a private GDT holding a non-busy copy of the guest's TSS
 * descriptor, because Linux maps its GDT read-only (a busy descriptor
 * cannot be loaded with LTR). The guest IDT is loaded only after GS_BASE
 * is back, so a Linux NMI handler never sees our GS.
 */
	.globl	gv_devirt_finish
	.type	gv_devirt_finish, @function
gv_devirt_finish:
	vmxoff
	movq	DV_CR0(%rsi), %rax
	movq	%rax, %cr0
	movq	DV_CR4(%rsi), %rax
	movq	%rax, %cr4
	movq	DV_CR3(%rsi), %rax
	movq	%rax, %cr3
	/* Flush every PCID's and global translations (SDM 4.10.4.1). */
	movq	%cr4, %rax
	movq	%rax, %rcx
	xorq	$CR4_PGE, %rcx
	movq	%rcx, %cr4
	movq	%rax, %cr4

	lgdt	DV_TMP_GDTR(%rsi)
	movzwl	DV_TR(%rsi), %eax
	ltr	%ax
	lgdt	DV_GDTR(%rsi)
	movzwl	DV_LDTR(%rsi), %eax
	lldt	%ax
	movzwl	DV_SS(%rsi), %eax
	movw	%ax, %ss
	movzwl	DV_DS(%rsi), %eax
	movw	%ax, %ds
	movzwl	DV_ES(%rsi), %eax
	movw	%ax, %es
	movzwl	DV_FS(%rsi), %eax
	movw	%ax, %fs
	movzwl	DV_GS(%rsi), %eax
	movw	%ax, %gs
	movl	$MSR_FS_BASE, %ecx
	movl	DV_FS_BASE(%rsi), %eax
	movl	DV_FS_BASE+4(%rsi), %edx
	wrmsr
	movl	$MSR_GS_BASE, %ecx
	movl	DV_GS_BASE(%rsi), %eax
	movl	DV_GS_BASE+4(%rsi), %edx
	wrmsr
	lidt	DV_IDTR(%rsi)
	movq	DV_DR7(%rsi), %rax
	movq	%rax, %db7

	/* IRET frame just below the guest RSP (kernel code has no red zone). */
	movq	DV_RSP(%rsi), %rax
	subq	$40, %rax
	movzwl	DV_SS(%rsi), %ecx
	movq	%rcx, 32(%rax)
	movq	DV_RSP(%rsi), %rcx
	movq	%rcx, 24(%rax)
	movq	DV_RFLAGS(%rsi), %rcx
	movq	%rcx, 16(%rax)
	movzwl	DV_CS(%rsi), %ecx
	movq	%rcx, 8(%rax)
	movq	DV_RIP(%rsi), %rcx
	movq	%rcx, (%rax)
	movq	%rax, %rsp

	movq	R_RAX(%rdi), %rax
	movq	R_RBX(%rdi), %rbx
	movq	R_RCX(%rdi), %rcx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R11(%rdi), %r11
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15
	movq	R_RDI(%rdi), %rdi
	iretq
	.size	gv_devirt_finish, . - gv_devirt_finish

/*
 * int gv_vmx_launch(void)
 *
 * Called by the Linux side with interrupts off, VMXON done and the VMCS
 * current and filled in. Makes the current context the guest: GUEST_RSP
 * and GUEST_RIP point right back here, so a successful VMLAUNCH "returns"
 * 0 as a guest. Returns 1 on VMfail (read VM_INSTRUCTION_ERROR), and 2
 * when the VM entry itself failed (the exit handler devirtualized back to
 * gv_vmx_launch_entry_failed).
 */
	.globl	gv_vmx_launch
	.type	gv_vmx_launch, @function
gv_vmx_launch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	leaq	.Llaunched(%rip), %rdx
	movq	$VMCS_GUEST_RIP, %rax
	vmwrite	%rdx, %rax
	movq	$VMCS_GUEST_RSP, %rax
	vmwrite	%rsp, %rax
	vmlaunch
	movl	$1, %eax
	jmp	.Llaunch_out
.Llaunched:
	xorl	%eax, %eax
	jmp	.Llaunch_out
	.globl	gv_vmx_launch_entry_failed
gv_vmx_launch_entry_failed:
	movl	$2, %eax
.Llaunch_out:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	gv_vmx_launch, . - gv_vmx_launch

/*
 * Fault-tolerant accessors: a #GP/#UD on the marked instruction resumes at
 * the fixup, which returns -1 (see gv_fixups and gv_root_exception()).
 */
	.globl	gv_rdmsr_safe
	.type	gv_rdmsr_safe, @function
gv_rdmsr_safe:			/* int gv_rdmsr_safe(u32 msr, u64 *val) */
	movl	%edi, %ecx
.Lrdmsr_insn:
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
.Lrdmsr_fixup:
	movl	$-1, %eax
	ret
	.size	gv_rdmsr_safe, . - gv_rdmsr_safe

	.globl	gv_wrmsr_safe
	.type	gv_wrmsr_safe, @function
gv_wrmsr_safe:			/* int gv_wrmsr_safe(u32 msr, u64 val) */
	movl	%edi, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
.Lwrmsr_insn:
	wrmsr
	xorl	%eax, %eax
	ret
.Lwrmsr_fixup:
	movl	$-1, %eax
	ret
	.size	gv_wrmsr_safe, . - gv_wrmsr_safe

	.globl	gv_xsetbv_safe
	.type	gv_xsetbv_safe, @function
gv_xsetbv_safe:			/* int gv_xsetbv_safe(u32 index, u64 val) */
	movl	%edi, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
.Lxsetbv_insn:
	xsetbv
	xorl	%eax, %eax
	ret
.Lxsetbv_fixup:
	movl	$-1, %eax
	ret
	.size	gv_xsetbv_safe, . - gv_xsetbv_safe

/*
 * Host IDT stubs. Exceptions in root mode are bugs except at the fixup
 * sites above; gv_root_exception() decides. NMIs (IST1) only set the
 * pending flag whose address sits at the top of the IST stack, so the
 * handler needs neither %gs nor a C call; the exit path re-injects it.
 */
	.globl	gv_nmi_stub
	.type	gv_nmi_stub, @function
gv_nmi_stub:
	pushq	%rax
	/* kick = nmi_in_root = 1 (adjacent bytes of struct gv_cpu). */
	movq	48(%rsp), %rax
	movw	$0x0101, (%rax)
	/* Interrupted inside the entry window: redo its check. */
	leaq	gv_entry_window(%rip), %rax
	cmpq	%rax, 8(%rsp)
	jbe	1f
	leaq	gv_entry_window_end(%rip), %rax
	cmpq	%rax, 8(%rsp)
	jae	1f
	leaq	gv_entry_window(%rip), %rax
	movq	%rax, 8(%rsp)
1:	popq	%rax
	iretq
	.size	gv_nmi_stub, . - gv_nmi_stub

/*
 * void gv_unblock_nmis(void): IRET to the next instruction, which ends any
 * NMI blocking the CPU keeps after an NMI-induced VM exit.
 */
	.globl	gv_unblock_nmis
	.type	gv_unblock_nmis, @function
gv_unblock_nmis:
	movq	%rsp, %rax
	xorl	%ecx, %ecx
	movw	%ss, %cx
	pushq	%rcx
	pushq	%rax
	pushfq
	movw	%cs, %cx
	pushq	%rcx
	leaq	1f(%rip), %rax
	pushq	%rax
	iretq
1:	ret
	.size	gv_unblock_nmis, . - gv_unblock_nmis

	.globl	gv_spurious_stub
	.type	gv_spurious_stub, @function
gv_spurious_stub:
	iretq
	.size	gv_spurious_stub, . - gv_spurious_stub

.macro EXC_NOERR vec
gv_exc_\vec:
	pushq	$0
	pushq	$\vec
	jmp	gv_exc_common
.endm

.macro EXC_ERR vec
gv_exc_\vec:
	pushq	$\vec
	jmp	gv_exc_common
.endm

EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR 8
EXC_NOERR 9
EXC_ERR 10
EXC_ERR 11
EXC_ERR 12
EXC_ERR 13
EXC_ERR 14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR 17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR 21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR 29
EXC_ERR 30
EXC_NOERR 31

gv_exc_common:
	PUSH_REGS
	movq	%rsp, %rdi
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	gv_root_exception
	movq	%rbx, %rsp
	POP_REGS
	addq	$16, %rsp	/* vector and error code */
	iretq

	.section .rodata
	.balign	8
	.globl	gv_exc_stubs
gv_exc_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	gv_exc_\vec
	.endr

	.globl	gv_fixups
gv_fixups:
	.quad	.Lrdmsr_insn, .Lrdmsr_fixup
	.quad	.Lwrmsr_insn, .Lwrmsr_fixup
	.quad	.Lxsetbv_insn, .Lxsetbv_fixup
	.quad	0, 0
