// SPDX-License-Identifier: GPL-2.0
/*
 * hello, Linux half: the template for new hypapps (docs/hypapps.md).
 *
 * A hypapp module is two halves in one .ko:
 *  - this file, ordinary module code: it describes the hypapp and
 *    registers it with greenvisor from module_init;
 *  - hello_root.c, the callbacks that run in VMX root mode.
 *
 * Lifetime: while registered, greenvisor holds a reference to this module,
 * so `rmmod greenvisor-hello` fails (EBUSY/EAGAIN). To remove it:
 *     echo hello > /sys/module/greenvisor/parameters/hypapp_unregister
 *     rmmod greenvisor-hello
 * module_exit still calls greenvisor_hypapp_unregister(): -ENOENT there
 * (already unregistered) is the normal case.
 */
#define pr_fmt(fmt) "greenvisor-hello: " fmt

#include <linux/build_bug.h>
#include <linux/module.h>
#include "hello.h"

static_assert(sizeof(struct hello_data) <= 4096);

/* Callbacks, in the root section; NULL for events hello does not want. */
static const struct gv_hypapp_ops hello_ops = {
	.init = hello_init,
	.hypercall = hello_hypercall,
	.cpuid = hello_cpuid,
	.nmi = hello_nmi,
	.ept = hello_ept,
	.shutdown = hello_shutdown,
};

static struct gv_hypapp hello_app = {
	.owner = THIS_MODULE,
	.name = "hello",
	.ops = &hello_ops,
	/* Its numbers and CPUID leaf, fixed in the uapi header. */
	.hc_base = GV_HC_HELLO_BASE,
	.hc_count = GV_HC_HELLO_COUNT_NR,
	/* Ring 3 may echo, count, peek, poke and ask; GUARD and INJECT_UD are for the kernel. */
	.hc_user = BIT_ULL(GV_HC_HELLO_ECHO - GV_HC_HELLO_BASE) |
		   BIT_ULL(GV_HC_HELLO_COUNT - GV_HC_HELLO_BASE) |
		   BIT_ULL(GV_HC_HELLO_PEEK - GV_HC_HELLO_BASE) |
		   BIT_ULL(GV_HC_HELLO_POKE - GV_HC_HELLO_BASE) |
		   BIT_ULL(GV_HC_HELLO_WHOAMI - GV_HC_HELLO_BASE),
	.cpuid_base = GV_CPUID_HELLO,
	.cpuid_count = 1,
	/* Nothing hello does needs the other CPUs stopped. */
	.quiesce = 0,
	.data_pages = 1,		/* struct hello_data */
	.text_start = GV_HYPAPP_TEXT_START,
	.text_end = GV_HYPAPP_TEXT_END,
};

static int __init hello_mod_init(void)
{
	return greenvisor_hypapp_register(&hello_app);
}

static void __exit hello_mod_exit(void)
{
	int err = greenvisor_hypapp_unregister(&hello_app);

	if (err && err != -ENOENT)
		pr_err("unregistration failed (%d)\n", err);
}

module_init(hello_mod_init);
module_exit(hello_mod_exit);

MODULE_DESCRIPTION("greenvisor hypapp 'hello': echo and per-CPU counter hypercalls (the template)");
MODULE_LICENSE("GPL");
