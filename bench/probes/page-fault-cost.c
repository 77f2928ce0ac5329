/* The cost of a first-touch page fault on this machine: map 256 MiB of anonymous memory, write
 * one byte per 4 KiB page, and divide the time by the pages touched. Three rounds. The time is
 * this process's CPU time, not the wall clock: on a shared, loaded machine the wall clock also
 * counts the waits for a core, and CPU time is what faults turn into (sys).
 *   cc -O2 -o /tmp/pf page-fault-cost.c && /tmp/pf   (bench/page-fault-cost.ts runs it for every bench)
 * Bare metal prints a fraction of a microsecond; the microVM measured on 2026-12-06 printed 13-15. */
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

int main(void) {
  const size_t size = 256u << 20, page = 4096;
  for (int round = 0; round < 3; round++) {
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (size_t i = 0; i < size; i += page) p[i] = 1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3;
    printf("%.2f us per page fault\n", us / (double)(size / page));
    munmap(p, size);
  }
  return 0;
}
