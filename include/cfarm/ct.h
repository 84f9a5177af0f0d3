/*
 * cfarm/ct.h: constant-time helpers for code that touches secrets.
 *
 * Masks are all-ones or all-zeros words; nothing here branches on its inputs. cf_ct_wipe() clears
 * memory in a way the compiler may not remove. Functions whose timing must not depend on secret
 * data carry `_ct` in their names across libcfarm.
 */
#ifndef CFARM_CT_H
#define CFARM_CT_H

#include <stddef.h>
#include <stdint.h>

/* An opaque copy of x the optimiser cannot reason about (a value barrier). */
static inline uint64_t cf_ct_barrier(uint64_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

/* All ones when x is zero, else zero. */
static inline uint64_t cf_ct_is_zero_mask(uint64_t x)
{
    x = cf_ct_barrier(x);
    return ((x | (0 - x)) >> 63) - 1;
}

/* All ones when a == b, else zero. */
static inline uint64_t cf_ct_eq_mask(uint64_t a, uint64_t b)
{
    return cf_ct_is_zero_mask(a ^ b);
}

/* mask ? a : b, where mask is all ones or all zeros. */
static inline uint64_t cf_ct_select(uint64_t mask, uint64_t a, uint64_t b)
{
    return b ^ (cf_ct_barrier(mask) & (a ^ b));
}

/* 1 when the n bytes at a and b are equal, else 0; time depends on n only. */
int cf_ct_memeq(const void *a, const void *b, size_t n);

/* Overwrite n bytes at p with zeros; never optimised away. p may be NULL when n is 0. */
void cf_ct_wipe(void *p, size_t n);

#endif
