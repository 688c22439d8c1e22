/* libgdal, opened on first use (data_internal.h says why). */

#define CM_GDAL_CALLS
#define CM_GDAL_LOADER
#include "data_internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef CM_GDAL_SONAME
#define CM_GDAL_SONAME "libgdal.so"
#endif

cm_gdal_api cm__gdal;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static char failure[512]; /* why libgdal could not be used; "" when it can */

static void load(void) {
  void *lib = dlopen(CM_GDAL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    snprintf(failure, sizeof failure, "%s", why ? why : CM_GDAL_SONAME);
    return;
  }
#define CM_GDAL_RESOLVE(name)                                                \
  if (!failure[0] && !(*(void **)&cm__gdal.name = dlsym(lib, #name)))        \
    snprintf(failure, sizeof failure, "%s has no %s", CM_GDAL_SONAME, #name);
  CM_GDAL_FUNCTIONS(CM_GDAL_RESOLVE)
#undef CM_GDAL_RESOLVE
  if (!failure[0])
    cm__gdal.GDALAllRegister();
}

int cm__ogr_register(const char *path, cm_error *err) {
  pthread_once(&loaded, load);
  if (!failure[0])
    return CM_OK;
  cm_error_set(err, CM_EDATA, path, 0, 0,
               "GDAL, which reads and writes every format but shapefiles, "
               "cannot be loaded: %s", failure);
  cm_error_hint(err, "install GDAL's library (Debian: libgdal32), or use "
                     "shapefiles");
  return CM_EDATA;
}
