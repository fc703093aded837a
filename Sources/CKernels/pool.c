// The kernels' worker threads: created on first use, they block on a condition variable when
// idle (the stages of a pipeline share the cores). After a job a worker watches for the next one
// for at most SPIN_NS (a decoder step's products come a few µs apart; waking a blocked thread
// cost 16–72 µs in this project's VMs, Benchmarks/README.md "Threads"), then blocks: an idle stage
// costs no CPU. A worker that arrives after the caller has run every task of a short job watches
// again for the next one (until 2026-12-04 it blocked there at once: woken 20–70 µs late, it missed
// the next short job too, and `train` switched context 35,000 times in 60 demo steps instead of
// 1,400, 1.3× slower). A job is a count of tasks; the caller runs tasks too and returns when every
// task is done.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "kernels_internal.h"

#define MAX_THREADS 256
#define SPIN_NS 100000  // 100 µs

#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

typedef struct {
    void (*task)(void *, int);
    void *ctx;
    int ntasks;
    int next;  // atomic: the next task to take
} job_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static job_t *current_job;     // guarded by mu
static unsigned long generation;  // guarded by mu
static int active;              // workers inside current_job, guarded by mu
static int started;             // worker threads created
static int wanted = 0;          // threads configured (0 = not yet: all available cores)

int vamos_threads_available(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n >= 1) return n;
    }
    return 1;
}

void vamos_threads_set(int n) {
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pthread_mutex_lock(&mu);
    wanted = n;
    pthread_mutex_unlock(&mu);
}

int vamos_threads_get(void) {
    pthread_mutex_lock(&mu);
    if (wanted == 0) {
        const char *e = getenv("VAMOS_THREADS");
        int n = e ? atoi(e) : 0;
        wanted = n >= 1 ? (n > MAX_THREADS ? MAX_THREADS : n) : vamos_threads_available();
    }
    int n = wanted;
    pthread_mutex_unlock(&mu);
    return n;
}

static int64_t parallel_min = -1;  // guarded by mu; -1 = not yet read from VAMOS_PARALLEL_MIN

void vamos_parallel_min_set(int64_t fmas) {
    pthread_mutex_lock(&mu);
    __atomic_store_n(&parallel_min, fmas < 0 ? 0 : fmas, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&mu);
}

int64_t vamos_parallel_min_get(void) {
    int64_t n = __atomic_load_n(&parallel_min, __ATOMIC_RELAXED);
    if (n >= 0) return n;
    pthread_mutex_lock(&mu);
    if (parallel_min < 0) {
        const char *e = getenv("VAMOS_PARALLEL_MIN");
        char *end = NULL;
        long long v = e ? strtoll(e, &end, 10) : -1;
        __atomic_store_n(&parallel_min, e && end != e && *end == '\0' && v >= 0 ? (int64_t)v : 131072, __ATOMIC_RELAXED);
    }
    n = parallel_min;
    pthread_mutex_unlock(&mu);
    return n;
}

// Set while a thread runs a job's tasks: a product inside a task (parallelFor's body) runs on
// that thread alone rather than wait for the job it is part of.
static _Thread_local int in_job;

static void run_tasks(job_t *job) {
    in_job = 1;
    for (;;) {
        int t = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (t >= job->ntasks) break;
        job->task(job->ctx, t);
    }
    in_job = 0;
}

// Watches `generation` (written under mu, read here without it) for up to SPIN_NS.
static void watch_for_work(unsigned long seen) {
    const int64_t end = now_ns() + SPIN_NS;
    for (int i = 0;; i++) {
        if (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) != seen) return;
        CPU_RELAX();
        if ((i & 63) == 63 && now_ns() > end) return;
    }
}

static void *worker(void *arg) {
    (void)arg;
    unsigned long seen = 0;
    for (;;) {
        watch_for_work(seen);  // a little, without the lock, before blocking
        pthread_mutex_lock(&mu);
        while (generation == seen) pthread_cond_wait(&work_cv, &mu);
        seen = generation;
        job_t *job = current_job;
        if (job == NULL) {  // the caller finished that job alone: watch for the next one again
            pthread_mutex_unlock(&mu);
            continue;
        }
        __atomic_add_fetch(&active, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&mu);
        run_tasks(job);
        pthread_mutex_lock(&mu);
        if (__atomic_sub_fetch(&active, 1, __ATOMIC_RELEASE) == 0) pthread_cond_signal(&done_cv);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER;  // one job at a time

void vamos_parallel_run(int ntasks, void (*task)(void *, int), void *ctx) {
    const int threads = vamos_threads_get();
    if (ntasks <= 1 || threads <= 1 || in_job) {
        for (int t = 0; t < ntasks; t++) task(ctx, t);
        return;
    }
    pthread_mutex_lock(&run_mu);
    pthread_mutex_lock(&mu);
    while (started < threads - 1) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &attr, worker, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;  // fewer workers: the caller does the rest
        started++;
    }
    job_t job = {task, ctx, ntasks, 0};
    current_job = &job;
    __atomic_store_n(&generation, generation + 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&mu);
    run_tasks(&job);
    // The workers are finishing their last tasks: watch a little before blocking.
    const int64_t end = now_ns() + SPIN_NS;
    for (int i = 0; __atomic_load_n(&active, __ATOMIC_ACQUIRE) > 0; i++) {
        CPU_RELAX();
        if ((i & 63) == 63 && now_ns() > end) break;
    }
    pthread_mutex_lock(&mu);
    while (active > 0) pthread_cond_wait(&done_cv, &mu);
    current_job = NULL;
    pthread_mutex_unlock(&mu);
    pthread_mutex_unlock(&run_mu);
}
