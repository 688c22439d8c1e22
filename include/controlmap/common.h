#ifndef CONTROLMAP_COMMON_H
#define CONTROLMAP_COMMON_H

/* What every public header shares. CM_EXTERN marks a function of the
 * public API: the library is built with hidden visibility, so these are
 * the only symbols libcontrolmap.so exports (tests/cli_structure.sh
 * compares the two lists). CM_BEGIN_DECLS and CM_END_DECLS let a C++
 * program include the headers. */

#if defined(__GNUC__) && __GNUC__ >= 4
#define CM_EXTERN extern __attribute__((visibility("default")))
#else
#define CM_EXTERN extern
#endif

#ifdef __cplusplus
#define CM_BEGIN_DECLS extern "C" {
#define CM_END_DECLS }
#else
#define CM_BEGIN_DECLS
#define CM_END_DECLS
#endif

#endif
