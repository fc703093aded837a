#ifndef VAMOS_CSYSTEM_H
#define VAMOS_CSYSTEM_H
/// Swaps two paths atomically (Linux renameat2 RENAME_EXCHANGE). Returns 0, or -1 with errno set
/// (also where the system lacks it).
int vamos_exchange_paths(const char *a, const char *b);
#endif
