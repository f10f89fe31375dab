/* tests/fault/alloc_fault.h — allocation fault injection for tests (tests/fault/alloc_fault.c).
 *
 * A test program linked with -Wl,--wrap=malloc,... (see the Makefile rule of
 * test_alloc_faults) sends every allocation made by caresim's own objects through these
 * wrappers; shared libraries (HDF5, libconfig, GSL, libc itself) keep the real allocator.
 * The wrappers count allocations, can make the n-th one fail (NULL, errno ENOMEM), record
 * where each was made, and keep the set of live blocks so a test can check that a failed
 * run freed everything it allocated. Blocks allocated elsewhere (a library's, glibc's
 * open_memstream buffer) and freed by our code pass through untracked.
 */
#ifndef TESTS_ALLOC_FAULT_H
#define TESTS_ALLOC_FAULT_H

#include <stddef.h>

/* Starts a new count: the next allocation is number 1. fail_at > 0 makes allocation
 * number fail_at fail (and only it); 0 fails none. sites, when not NULL, receives the
 * return address of allocation k at sites[k - 1] for k <= max_sites. */
void alloc_fault_start(size_t fail_at, void **sites, size_t max_sites);

/* Stops failing and recording; returns the number of allocations since alloc_fault_start. */
size_t alloc_fault_stop(void);

/* 1 if the armed failure happened since alloc_fault_start. */
int alloc_fault_fired(void);

/* Writes up to max return addresses of the call stack of the failed allocation (from the
 * wrapper's caller outwards) to out; returns how many. */
size_t alloc_fault_failed_stack(void **out, size_t max);

/* Number of live tracked blocks (allocated through the wrappers and not yet freed). */
size_t alloc_fault_live(void);

/* Writes up to max live blocks' allocation sites (return addresses) to out; returns how
 * many it wrote. For reporting a leak. */
size_t alloc_fault_live_sites(void **out, size_t max);

#endif
