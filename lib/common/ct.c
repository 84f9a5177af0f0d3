/* ct.c: constant-time compare and a wipe the compiler keeps. */
#include "cfarm/ct.h"

#include <string.h>

int cf_ct_memeq(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t acc = 0;

    for (size_t i = 0; i < n; i++)
        acc |= x[i] ^ y[i];
    return (int)(1 & ((acc - 1u) >> 8));
}

void cf_ct_wipe(void *p, size_t n)
{
    if (n == 0)
        return;
    memset(p, 0, n);
    /* The asm claims to read p, so the memset above cannot be dropped as a dead store. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}
