#ifndef CFASTPATHS_H
#define CFASTPATHS_H

/* Tiny inline helpers that Swift cannot express, for IBSp's memory-latency-bound loops.
   Everything here is a hint: removing a call changes speed, never results. */

/* Asks the CPU to start loading the cache line holding `address` (read, keep in all cache levels).
   Never faults, even for addresses outside any mapping. */
static inline void fp_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
