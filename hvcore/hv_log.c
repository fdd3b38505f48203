// SPDX-License-Identifier: GPL-2.0
/*
 * Root-side log: a tiny formatter writing into the CPU's ring in the pool.
 * The Linux side drains the rings with GV_HC_LOG_READ and prints them.
 * Supports %s %c %d %u %x and the l/ll length modifiers.
 */
#include <linux/export.h>
#include <linux/stdarg.h>
#include "hv_root.h"

static void ring_put(struct gv_log_ring *r, char ch)
{
	u32 head = READ_ONCE(r->head);

	if (head - READ_ONCE(r->tail) >= GV_LOG_RING_SIZE) {
		r->dropped++;
		return;
	}
	r->buf[head & (GV_LOG_RING_SIZE - 1)] = ch;
	barrier();
	WRITE_ONCE(r->head, head + 1);
}

static void put_str(struct gv_log_ring *r, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		ring_put(r, *s++);
}

static void put_num(struct gv_log_ring *r, u64 v, unsigned int base, bool neg)
{
	char tmp[24];
	int i = 0;

	if (neg)
		ring_put(r, '-');
	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		ring_put(r, tmp[--i]);
}

static void put_signed(struct gv_log_ring *r, s64 v)
{
	if (v < 0)
		put_num(r, (u64)(-(v + 1)) + 1, 10, true);
	else
		put_num(r, (u64)v, 10, false);
}

static void format(struct gv_log_ring *r, const char *fmt, va_list ap)
{
	int longs;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			ring_put(r, *fmt);
			continue;
		}
		longs = 0;
		while (*++fmt == 'l')
			longs++;
		switch (*fmt) {
		case 's':
			put_str(r, va_arg(ap, const char *));
			break;
		case 'c':
			ring_put(r, (char)va_arg(ap, int));
			break;
		case 'd':
			put_signed(r, longs ? va_arg(ap, s64) : va_arg(ap, s32));
			break;
		case 'u':
		case 'x':
			put_num(r, longs ? va_arg(ap, u64) : va_arg(ap, u32),
				*fmt == 'x' ? 16 : 10, false);
			break;
		case '\0':
			return;
		default:
			ring_put(r, *fmt);
			break;
		}
	}
}

void gv_log(const char *fmt, ...)
{
	struct gv_log_ring *r = &gv_this_cpu()->log;
	va_list ap;

	va_start(ap, fmt);
	format(r, fmt, ap);
	va_end(ap);
	ring_put(r, '\n');
}
EXPORT_SYMBOL_GPL(gv_log);

u32 gv_log_read(struct gv_log_ring *ring, u8 *out, u32 max)
{
	u32 tail = READ_ONCE(ring->tail);
	u32 avail = READ_ONCE(ring->head) - tail;
	u32 n = avail < max ? avail : max;
	u32 i;

	barrier();
	for (i = 0; i < n; i++)
		out[i] = ring->buf[(tail + i) & (GV_LOG_RING_SIZE - 1)];
	barrier();
	WRITE_ONCE(ring->tail, tail + n);
	return n;
}

/*
 * Lines a guest can trigger at will (refused calls, blocked accesses) must
 * not flood the log: true for the first GV_LOG_SAMPLE_FIRST events counted
 * in *@count, then for one in GV_LOG_SAMPLE_EVERY. The owning CPU only.
 */
bool gv_log_sampled(u64 *count)
{
	u64 n = ++*count;

	return n <= GV_LOG_SAMPLE_FIRST || !(n % GV_LOG_SAMPLE_EVERY);
}
