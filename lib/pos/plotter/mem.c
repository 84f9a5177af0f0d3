/*
 * mem.c: the plotter's big arrays, in memory while a budget allows and file-backed beyond it.
 *
 * An array that would take the plotter past its memory budget is made as an unlinked file in
 * the temporary directory, reserved with posix_fallocate (so a full disk is an error here, not
 * a SIGBUS later) and mapped shared: the kernel writes its pages back to the file under memory
 * pressure and reads them again on use. The plot's bytes do not depend on where an array lives.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pos/plotter/internal.h"

static int find(const struct pl_mem *m, const void *p)
{
    for (unsigned i = 0; i < m->nblk; i++)
        if (m->blk[i].p == p)
            return (int)i;
    return -1;
}

static void *map_file(struct pl_mem *m, size_t n)
{
    int fd = open(m->tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    void *p;

    if (fd < 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/cfarm-plotter-XXXXXX", m->tmpdir);
        fd = mkstemp(path);
        if (fd < 0)
            return NULL;
        unlink(path);
    }
    if (posix_fallocate(fd, 0, (off_t)n) != 0) {
        close(fd);
        return NULL;
    }
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

void *pl_alloc(struct pl_mem *m, size_t n, bool zero)
{
    void *p = NULL;
    bool mapped = false;

    if (n == 0)
        n = 1;
    pthread_mutex_lock(&m->lock);
    if (m->nblk == PL_MEM_BLOCKS)
        goto out;
    if (m->budget && m->used + n > m->budget && n >= PL_MEM_MAP_MIN && m->tmpdir) {
        p = map_file(m, n);
        mapped = p != NULL;
        if (!p)
            m->map_errno = errno ? errno : ENOSPC;
    } else {
        p = zero ? calloc(1, n) : malloc(n);
    }
    if (p) {
        m->blk[m->nblk].p = p;
        m->blk[m->nblk].n = n;
        m->blk[m->nblk].mapped = mapped;
        m->nblk++;
        if (mapped)
            m->mapped += n;
        else
            m->used += n;
        if (m->mapped > m->peak_mapped)
            m->peak_mapped = m->mapped;
    }
out:
    pthread_mutex_unlock(&m->lock);
    return p;
}

void pl_free(struct pl_mem *m, void *p)
{
    int i;

    if (!p)
        return;
    pthread_mutex_lock(&m->lock);
    i = find(m, p);
    if (i >= 0) {
        if (m->blk[i].mapped) {
            munmap(p, m->blk[i].n);
            m->mapped -= m->blk[i].n;
        } else {
            free(p);
            m->used -= m->blk[i].n;
        }
        m->blk[i] = m->blk[--m->nblk];
    }
    pthread_mutex_unlock(&m->lock);
}

void *pl_realloc(struct pl_mem *m, void *p, size_t old, size_t n)
{
    void *q = pl_alloc(m, n, false);

    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, old < n ? old : n);
    pl_free(m, p);
    return q;
}
