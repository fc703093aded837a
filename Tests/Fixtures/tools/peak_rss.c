// peak_rss OUT ERR PROGRAM ARGS… < input: runs PROGRAM with stdout to OUT and stderr to ERR, and
// prints its exit status and peak resident set size in bytes (wait4's ru_maxrss).
//
// Why a program of its own: Linux carries a process's peak RSS across exec from the memory it
// was spawned with, so a stage spawned straight from the (large) test process would report the
// test's own peak. This small program's memory is fresh, and so is that of the child it forks.
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: peak_rss OUT ERR PROGRAM [ARGS…]\n"); return 2; }
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600), err = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0) _exit(126);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[3], argv + 3);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) { perror("peak_rss"); return 2; }
    printf("%d %ld\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), usage.ru_maxrss * 1024L);
    return 0;
}
