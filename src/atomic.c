/* atomic.c: temp file + fsync + rename, so a destination is either old or complete. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lrfind/atomic.h"

int atomic_open(struct atomic_file *af, const char *path, struct lrf_error *err)
{
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = strdup(path);
    af->tmp = malloc(n + 16);
    if (af->path == NULL || af->tmp == NULL) {
        atomic_abort(af);
        return lrf_error_set(err, path, 0, 0, "out of memory");
    }
    /* Same directory as the destination, so rename() stays on one file system. */
    snprintf(af->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL;
        atomic_abort(af);
        return lrf_error_set(err, path, 0, 0, "cannot create a temporary file beside it: %s", strerror(e));
    }
    /* mkstemp gives 0600; a saved sweep is an ordinary file. */
    mode_t um = umask(0);
    umask(um);
    (void)fchmod(fd, 0666 & ~um);
    af->fp = fdopen(fd, "w");
    if (af->fp == NULL) {
        int e = errno;
        close(fd);
        atomic_abort(af);
        return lrf_error_set(err, path, 0, 0, "cannot open: %s", strerror(e));
    }
    return 0;
}

int atomic_commit(struct atomic_file *af, struct lrf_error *err)
{
    int bad = ferror(af->fp);
    if (fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0)
        bad = 1;
    int e = errno;
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (bad) {
        lrf_error_set(err, af->path, 0, 0, "cannot write: %s", strerror(e));
        atomic_abort(af);
        return -1;
    }
    if (rename(af->tmp, af->path) != 0) {
        lrf_error_set(err, af->path, 0, 0, "cannot rename the temporary file into place: %s", strerror(errno));
        atomic_abort(af);
        return -1;
    }
    free(af->tmp);
    free(af->path);
    af->tmp = af->path = NULL;
    return 0;
}

void atomic_abort(struct atomic_file *af)
{
    if (af->fp != NULL)
        fclose(af->fp);
    if (af->tmp != NULL)
        unlink(af->tmp);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
}
