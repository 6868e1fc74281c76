/* The ceiling of any FastCGI app on this machine: libfcgi, 4 threads, a 2 KB page,
   nothing else. Run behind the same nginx as bp serve by bench/run. */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int listen_fd;
static char page[2048];

static void *worker(void *arg) {
    (void)arg;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    while (FCGX_Accept_r(&request) >= 0) {
        FCGX_FPrintF(request.out, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
                     (int)sizeof(page));
        FCGX_PutStr(page, sizeof(page), request.out);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: hello SOCKET\n"); return 2; }
    memset(page, 'x', sizeof(page));
    memcpy(page, "<!doctype html><title>hello</title><p>", 38);
    FCGX_Init();
    listen_fd = FCGX_OpenSocket(argv[1], 128);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    return 0;
}
