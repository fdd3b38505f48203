/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types for root-side code. Root-side objects are freestanding: they
 * include only headers that define types and constants, never anything that
 * would pull in code or data of Linux.
 */
#ifndef GV_HV_TYPES_H
#define GV_HV_TYPES_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/compiler.h>
#include <linux/bits.h>

#endif /* GV_HV_TYPES_H */
