#ifndef BP_CFASTCGI_SHIM_H
#define BP_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
