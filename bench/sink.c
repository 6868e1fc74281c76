/* The ceiling for an upload: a libfcgi responder that copies the request body to a
   file and answers 303, as bp serve does with a document, minus everything else. */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

static int listen_fd;
static const char *directory;

static void *worker(void *arg) {
    long id = (long)arg;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    static char buffer[64 * 1024];
    char path[4096];
    while (FCGX_Accept_r(&request) >= 0) {
        snprintf(path, sizeof(path), "%s/upload-%ld", directory, id);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int n;
        while ((n = FCGX_GetStr(buffer, sizeof(buffer), request.in)) > 0) {
            if (write(fd, buffer, n) != n) break;
            if (n < (int)sizeof(buffer)) break;
        }
        close(fd);
        FCGX_FPrintF(request.out, "Status: 303 See Other\r\nLocation: /\r\nContent-Length: 0\r\n\r\n");
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: sink SOCKET DIRECTORY\n"); return 2; }
    directory = argv[2];
    FCGX_Init();
    listen_fd = FCGX_OpenSocket(argv[1], 128);
    pthread_t threads[2];
    for (long i = 0; i < 2; i++) pthread_create(&threads[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    return 0;
}
