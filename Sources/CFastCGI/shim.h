#ifndef BP_CFASTCGI_SHIM_H
#define BP_CFASTCGI_SHIM_H
#include <fcgiapp.h>
/* mallopt, for the server's heap tuning (FastCGIServer.keepFreedMemory). */
#include <malloc.h>
#endif
