/* Which fonts are installed: a style may name a face this machine lacks,
 * and pango then quietly draws in another; a check says so beforehand. */

#include "controlmap/compose.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <strings.h>

/* Whether any family name of the matched font is the one asked for. */
static int matches(FcPattern *font, const char *family) {
  FcChar8 *name;
  for (int k = 0; FcPatternGetString(font, FC_FAMILY, k, &name) == FcResultMatch; k++)
    if (strcasecmp((const char *)name, family) == 0)
      return 1;
  return 0;
}

int cm_font_installed(const char *family, char *used, size_t size) {
  if (size)
    used[0] = '\0';
  FcPattern *want = FcPatternCreate();
  if (!want)
    return 0;
  FcPatternAddString(want, FC_FAMILY, (const FcChar8 *)family);
  FcConfigSubstitute(NULL, want, FcMatchPattern);
  FcDefaultSubstitute(want);
  FcResult result;
  FcPattern *font = FcFontMatch(NULL, want, &result);
  FcPatternDestroy(want);
  int found = font && matches(font, family);
  FcChar8 *name;
  if (font && FcPatternGetString(font, FC_FAMILY, 0, &name) == FcResultMatch && size)
    snprintf(used, size, "%s", (const char *)name);
  if (font)
    FcPatternDestroy(font);
  return found;
}
