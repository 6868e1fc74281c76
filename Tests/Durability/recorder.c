/*
 * recorder.so: an LD_PRELOAD shim that records what a process writes under one folder
 * and when it asks for it to be made durable, so that tests/test_power_cut.py can
 * rebuild what a disk would hold after a power cut at any point (see
 * docs/DURABILITY.md).
 *
 * BPREC_LOG   the log file (appended to by every recorded process and by the driver)
 * BPREC_ROOT  only files and folders under this path are recorded
 * BPREC_DROP_FILE_FSYNC=1  fsync/fdatasync of anything but SQLite's own files and the
 *             data folder do nothing (the control run: the product without them)
 *
 * Records, each one line and an optional payload, appended with one write (O_APPEND):
 *   W ino offset length\n<bytes>   bytes written to a regular file
 *   T ino length\n                 ftruncate
 *   N ino\n                        a file created (its content starts empty)
 *   U ino\n                        the last name of a file removed (the inode is gone)
 *   S0 tid ino\n / S1 tid ino\n    fsync or fdatasync of a file begins / returned
 *   D0 tid ino count\n<name\tino\ttype\n>...   fsync of a folder begins, with its entries
 *   D1 tid ino\n                   that fsync returned
 *   A ...\n                        written by the test driver: something was acknowledged
 *
 * A file's durable content is what it held when an fsync that later returned began;
 * a folder's durable entries are those it listed when such an fsync began. Everything
 * else is lost at a cut.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int log_fd = -1;
static char root[4096];
static size_t root_len;
static int drop_file_fsync;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static __thread int inside;
/* Held while a folder's entries are read and its D0 record appended (see sync_recorded). */
static pthread_mutex_t listing_lock = PTHREAD_MUTEX_INITIALIZER;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);

static void setup(void) {
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_openat = dlsym(RTLD_NEXT, "openat");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
    real_rename = dlsym(RTLD_NEXT, "rename");
    real_renameat = dlsym(RTLD_NEXT, "renameat");
    real_renameat2 = dlsym(RTLD_NEXT, "renameat2");
    const char *path = getenv("BPREC_LOG");
    const char *r = getenv("BPREC_ROOT");
    if (path && r && realpath(r, root)) {
        root_len = strlen(root);
        log_fd = (int)syscall(SYS_open, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    }
    const char *drop = getenv("BPREC_DROP_FILE_FSYNC");
    drop_file_fsync = drop && strcmp(drop, "1") == 0;
}

static void init(void) { pthread_once(&once, setup); }

/* Whether fd is a file or folder under root; fills its inode and, if asked, its path. */
static int tracked(int fd, struct stat *st, char *path_out) {
    if (log_fd < 0 || fd < 0 || fstat(fd, st) != 0) return 0;
    if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    if (strncmp(path, root, root_len) != 0 || (path[root_len] != '/' && path[root_len] != 0)) return 0;
    if (path_out) strcpy(path_out, path);
    return 1;
}

static void emit(const char *line, const void *payload, size_t length) {
    struct iovec parts[2] = {{(void *)line, strlen(line)}, {(void *)payload, length}};
    syscall(SYS_writev, log_fd, parts, payload ? 2 : 1);
}

static int under_root(const char *path) {
    char resolved[4096];
    if (!path) return 0;
    if (path[0] == '/') {
        strncpy(resolved, path, sizeof resolved - 1);
        resolved[sizeof resolved - 1] = 0;
    } else {
        if (!getcwd(resolved, sizeof resolved)) return 0;
        strncat(resolved, "/", sizeof resolved - strlen(resolved) - 1);
        strncat(resolved, path, sizeof resolved - strlen(resolved) - 1);
    }
    return strncmp(resolved, root, root_len) == 0;
}

static void record_write(int fd, const void *buffer, ssize_t written, off_t offset) {
    struct stat st;
    if (written <= 0 || inside || !tracked(fd, &st, NULL) || !S_ISREG(st.st_mode)) return;
    char line[128];
    snprintf(line, sizeof line, "W %lu %lld %zd\n", (unsigned long)st.st_ino, (long long)offset, written);
    emit(line, buffer, (size_t)written);
}

ssize_t write(int fd, const void *buffer, size_t count) {
    init();
    ssize_t n = real_write(fd, buffer, count);
    if (n > 0 && log_fd >= 0) {
        off_t end = lseek(fd, 0, SEEK_CUR);
        if (end >= n) record_write(fd, buffer, n, end - n);
    }
    return n;
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    init();
    ssize_t n = real_pwrite(fd, buffer, count, offset);
    record_write(fd, buffer, n, offset);
    return n;
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off_t offset) {
    init();
    ssize_t n = real_pwrite64(fd, buffer, count, offset);
    record_write(fd, buffer, n, offset);
    return n;
}

static void record_truncate(int fd, off_t length) {
    struct stat st;
    if (!tracked(fd, &st, NULL) || !S_ISREG(st.st_mode)) return;
    char line[128];
    snprintf(line, sizeof line, "T %lu %lld\n", (unsigned long)st.st_ino, (long long)length);
    emit(line, NULL, 0);
}

int ftruncate(int fd, off_t length) {
    init();
    int r = real_ftruncate(fd, length);
    if (r == 0) record_truncate(fd, length);
    return r;
}

int ftruncate64(int fd, off_t length) {
    init();
    int r = real_ftruncate64(fd, length);
    if (r == 0) record_truncate(fd, length);
    return r;
}

static int is_sqlite_file(const char *path) {
    size_t n = strlen(path);
    const char *suffixes[] = {".sqlite", ".sqlite-wal", ".sqlite-journal"};
    for (int i = 0; i < 3; i++) {
        size_t m = strlen(suffixes[i]);
        if (n >= m && strcmp(path + n - m, suffixes[i]) == 0) return 1;
    }
    return 0;
}

static int sync_recorded(int fd, int (*real)(int)) {
    init();
    struct stat st;
    char path[4096];
    if (inside || !tracked(fd, &st, path)) return real(fd);
    /* The data folder itself is synced by SQLite when it creates the WAL: kept. */
    if (drop_file_fsync && !is_sqlite_file(path) && strcmp(path, root) != 0) return 0;
    char line[128];
    long tid = (long)syscall(SYS_gettid);
    if (S_ISDIR(st.st_mode)) {
        /* The entries as they are when the sync begins: only they are sure to be on disk.
           Reading them and appending the D0 record is one step for every recorded thread
           and process (a mutex, and flock on the shared log): otherwise a thread could read
           the entries, another rename a file in, sync the folder and commit, and the first
           thread's older listing land later in the log, where the replay would take it as
           the newer sync and drop the renamed file (a loss the disk never had). */
        pthread_mutex_lock(&listing_lock);
        flock(log_fd, LOCK_EX);
        inside = 1;
        size_t capacity = 1 << 16, used = 0;
        char *list = malloc(capacity);
        int count = 0;
        int copy = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *dir = copy >= 0 ? fdopendir(copy) : NULL;
        struct dirent *entry;
        while (dir && (entry = readdir(dir))) {
            if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
            struct stat child;
            if (fstatat(dirfd(dir), entry->d_name, &child, AT_SYMLINK_NOFOLLOW) != 0) continue;
            char item[512];
            int len = snprintf(item, sizeof item, "%s\t%lu\t%c\n", entry->d_name, (unsigned long)child.st_ino,
                               S_ISDIR(child.st_mode) ? 'd' : 'f');
            if (used + (size_t)len >= capacity) list = realloc(list, capacity *= 2);
            memcpy(list + used, item, (size_t)len);
            used += (size_t)len;
            count++;
        }
        if (dir) closedir(dir);
        inside = 0;
        snprintf(line, sizeof line, "D0 %ld %lu %d\n", tid, (unsigned long)st.st_ino, count);
        emit(line, list, used);
        flock(log_fd, LOCK_UN);
        pthread_mutex_unlock(&listing_lock);
        free(list);
        int r = real(fd);
        if (r == 0) {
            snprintf(line, sizeof line, "D1 %ld %lu\n", tid, (unsigned long)st.st_ino);
            emit(line, NULL, 0);
        }
        return r;
    }
    snprintf(line, sizeof line, "S0 %ld %lu\n", tid, (unsigned long)st.st_ino);
    emit(line, NULL, 0);
    int r = real(fd);
    if (r == 0) {
        snprintf(line, sizeof line, "S1 %ld %lu\n", tid, (unsigned long)st.st_ino);
        emit(line, NULL, 0);
    }
    return r;
}

int fsync(int fd) {
    init();
    return sync_recorded(fd, real_fsync);
}

int fdatasync(int fd) {
    init();
    return sync_recorded(fd, real_fdatasync);
}

/* A new file: its inode's content starts empty (inode numbers are reused). An existing
   file opened with O_TRUNC: truncated to nothing. */
static int opened(int fd, int flags, int existed) {
    struct stat st;
    if (fd >= 0 && (!existed || (flags & O_TRUNC)) && !inside && tracked(fd, &st, NULL) && S_ISREG(st.st_mode)) {
        char line[64];
        if (existed) snprintf(line, sizeof line, "T %lu 0\n", (unsigned long)st.st_ino);
        else snprintf(line, sizeof line, "N %lu\n", (unsigned long)st.st_ino);
        emit(line, NULL, 0);
    }
    return fd;
}

static int exists_at(int dirfd, const char *path) {
    struct stat st;
    return fstatat(dirfd, path, &st, 0) == 0;
}

#define OPEN_MODE(flags, mode)                      \
    mode_t mode = 0;                                \
    if ((flags) & (O_CREAT | __O_TMPFILE)) {        \
        va_list args;                               \
        va_start(args, flags);                      \
        mode = va_arg(args, mode_t);                \
        va_end(args);                               \
    }

int open(const char *path, int flags, ...) {
    init();
    OPEN_MODE(flags, mode);
    int existed = !(flags & O_CREAT) || log_fd < 0 || exists_at(AT_FDCWD, path);
    return opened(real_open(path, flags, mode), flags, existed);
}

int open64(const char *path, int flags, ...) {
    init();
    OPEN_MODE(flags, mode);
    int existed = !(flags & O_CREAT) || log_fd < 0 || exists_at(AT_FDCWD, path);
    return opened(real_open64(path, flags, mode), flags, existed);
}

int openat(int dirfd, const char *path, int flags, ...) {
    init();
    OPEN_MODE(flags, mode);
    int existed = !(flags & O_CREAT) || log_fd < 0 || exists_at(dirfd, path);
    return opened(real_openat(dirfd, path, flags, mode), flags, existed);
}

/* Before a name goes away: if it is the file's last name, the inode dies with it. */
static void last_name_going(int dirfd, const char *path) {
    struct stat st;
    if (log_fd < 0 || inside || (path[0] == '/' && !under_root(path))) return;
    if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) return;
    if (dirfd == AT_FDCWD && !under_root(path)) return;
    char line[64];
    snprintf(line, sizeof line, "U %lu\n", (unsigned long)st.st_ino);
    emit(line, NULL, 0);
}

int unlink(const char *path) {
    init();
    last_name_going(AT_FDCWD, path);
    return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags) {
    init();
    if (!(flags & AT_REMOVEDIR)) last_name_going(dirfd, path);
    return real_unlinkat(dirfd, path, flags);
}

int rename(const char *from, const char *to) {
    init();
    last_name_going(AT_FDCWD, to);
    return real_rename(from, to);
}

int renameat(int fromdir, const char *from, int todir, const char *to) {
    init();
    last_name_going(todir, to);
    return real_renameat(fromdir, from, todir, to);
}

int renameat2(int fromdir, const char *from, int todir, const char *to, unsigned int flags) {
    init();
    if (!(flags & RENAME_NOREPLACE)) last_name_going(todir, to);
    return real_renameat2(fromdir, from, todir, to, flags);
}
