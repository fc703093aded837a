// Float arrays formatted on the kernels' worker threads (Splice.swift): each job writes a buffer
// of its own, so the text never depends on the number of threads.
#include "tensor_text.h"
#include "vamos_kernels.h"

namespace {
void formatJob(void *ctx, int t) {
    vt_format_job *j = static_cast<vt_format_job *>(ctx) + t;
    j->length = vt_format_floats(j->values, j->count, j->sep, j->seplen, j->out);
}
}  // namespace

extern "C" void vt_format_jobs(vt_format_job *jobs, int n) {
    size_t values = 0;
    for (int t = 0; t < n; t++) values += jobs[t].count;
    if (n <= 1 || values < 16384) {
        for (int t = 0; t < n; t++) formatJob(jobs, t);
    } else {
        vamos_parallel_run(n, formatJob, jobs);
    }
}
