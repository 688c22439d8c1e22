/* The HTML timeline: every frame of a batch as the project's own SVG,
 * in one self-contained page with a slider over the frames' dates,
 * play/pause, the arrow keys, and the frame's date and events beside the
 * map. Nothing is fetched: the page works opened from a disk.
 *
 * What does not change between frames is stored once: the SVG writer
 * puts each element on a line of its own, so the page holds every
 * distinct line once, and each frame as the list of its lines, which the
 * page joins into the map when the frame is shown. A line shared by
 * frames (a country, a district, a town, a control area that did not
 * change hands) costs its bytes once however many frames show it. */

#include "anim_internal.h"
#include "render_internal.h"
#include "controlmap/date.h"
#include "util_internal.h"

#include <stdlib.h>
#include <string.h>

/* One frame: its lines (indices into the page's lines), its date, and the
 * rows of its event key. */
typedef struct html_frame {
  size_t *lines;
  size_t nlines;
  char date[16];    /* ISO */
  char *when;       /* the date as the map writes it */
  char **events;    /* "1 14 September 2022 — ..." */
  size_t nevents;
} html_frame;

struct html_writer {
  FILE *f;
  const char *path;
  int delay_ms;
  char *lang;
  char *title;      /* the first frame's title, for the page's <title> */
  char **lines;     /* every distinct line, in order of first use */
  size_t nlines, cap_lines;
  size_t *slots;    /* open-addressed hash of lines: index + 1, 0 free */
  size_t nslots;
  html_frame *frames;
  size_t nframes, cap_frames;
};

static size_t hash(const char *s, size_t n) {
  size_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

static int grow_slots(html_writer *h) {
  size_t n = h->nslots ? h->nslots * 2 : 4096;
  size_t *slots = calloc(n, sizeof *slots);
  if (!slots)
    return CM_ENOMEM;
  for (size_t i = 0; i < h->nlines; i++) {
    size_t k = hash(h->lines[i], strlen(h->lines[i])) & (n - 1);
    while (slots[k])
      k = (k + 1) & (n - 1);
    slots[k] = i + 1;
  }
  free(h->slots);
  h->slots = slots;
  h->nslots = n;
  return CM_OK;
}

/* The index of line s[0..n), stored when new; (size_t)-1 when out of
 * memory. */
static size_t intern(html_writer *h, const char *s, size_t n) {
  if ((h->nlines + 1) * 2 > h->nslots && grow_slots(h) != CM_OK)
    return (size_t)-1;
  size_t k = hash(s, n) & (h->nslots - 1);
  for (; h->slots[k]; k = (k + 1) & (h->nslots - 1)) {
    const char *t = h->lines[h->slots[k] - 1];
    if (strlen(t) == n && memcmp(t, s, n) == 0)
      return h->slots[k] - 1;
  }
  if (h->nlines == h->cap_lines) {
    size_t cap = h->cap_lines ? h->cap_lines * 2 : 1024;
    char **grown = realloc(h->lines, cap * sizeof *grown);
    if (!grown)
      return (size_t)-1;
    h->lines = grown;
    h->cap_lines = cap;
  }
  char *copy = malloc(n + 1);
  if (!copy)
    return (size_t)-1;
  memcpy(copy, s, n);
  copy[n] = 0;
  h->lines[h->nlines] = copy;
  h->slots[k] = ++h->nlines;
  return h->nlines - 1;
}

int cm__html_start(html_writer **out, FILE *f, int delay_ms, const char *path,
                   cm_error *err) {
  html_writer *h = calloc(1, sizeof *h);
  if (!h)
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory");
  h->f = f;
  h->path = path;
  h->delay_ms = delay_ms;
  *out = h;
  return CM_OK;
}

/* The frame's SVG, split into its lines (without the XML declaration,
 * which has no place inside HTML). */
static int frame_lines(html_writer *h, html_frame *fr, const char *svg,
                       size_t len) {
  size_t cap = 256;
  fr->lines = malloc(cap * sizeof *fr->lines);
  for (const char *p = svg, *end = svg + len; fr->lines && p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && strncmp(p, "<?xml", 5) != 0) {
      if (fr->nlines == cap) {
        size_t *grown = realloc(fr->lines, (cap *= 2) * sizeof *grown);
        if (!grown)
          return CM_ENOMEM;
        fr->lines = grown;
      }
      size_t k = intern(h, p, n);
      if (k == (size_t)-1)
        return CM_ENOMEM;
      fr->lines[fr->nlines++] = k;
    }
    p += n + 1;
  }
  return fr->lines ? CM_OK : CM_ENOMEM;
}

/* The texts of the scene's event key, a row's number joined to its text. */
static int frame_events(html_frame *fr, const cm_scene *scene) {
  int in = 0;
  const char *number = NULL;
  for (size_t i = 0; i < cm_scene_count(scene); i++) {
    const cm_item *it = cm_scene_item(scene, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN)
      in = it->id && strcmp(it->id, "key") == 0;
    else if (it->kind == CM_ITEM_GROUP_END)
      in = 0;
    if (!in || it->kind != CM_ITEM_TEXT)
      continue;
    if (!number) {
      number = it->text;
      continue;
    }
    char **grown = realloc(fr->events, (fr->nevents + 1) * sizeof *grown);
    size_t size = strlen(number) + strlen(it->text) + 3;
    char *row = grown ? malloc(size) : NULL;
    if (grown)
      fr->events = grown;
    if (!row)
      return CM_ENOMEM;
    snprintf(row, size, "%s. %s", number, it->text);
    fr->events[fr->nevents++] = row;
    number = NULL;
  }
  return CM_OK;
}

/* The date as the map writes it, in the map's language. */
static int frame_date(html_writer *h, html_frame *fr, const cm_scene *scene) {
  const char *iso = cm_scene_meta(scene, "Date");
  const char *lang = cm_scene_meta(scene, "Language");
  snprintf(fr->date, sizeof fr->date, "%s", iso ? iso : "");
  char when[128] = "";
  cm_day d;
  if (cm_scene_date(scene, &d))
    cm_date_format(when, sizeof when, d, NULL, lang ? lang : "en", CM_DIGITS_DEFAULT);
  if (!h->lang && !(h->lang = strdup(lang ? lang : "en")))
    return CM_ENOMEM;
  const char *title = cm_scene_meta(scene, "Title");
  if (!h->title && !(h->title = strdup(title ? title : "")))
    return CM_ENOMEM;
  return (fr->when = strdup(when)) ? CM_OK : CM_ENOMEM;
}

int cm__html_add(html_writer *h, const cm_scene *scene, cm_error *err) {
  if (cm__hatches_fit(scene, 0, err) != CM_OK) {
    if (err)
      snprintf(err->file, sizeof err->file, "%s", h->path);
    return CM_ESTYLE;
  }
  if (cm__grow((void **)&h->frames, &h->cap_frames, h->nframes + 1, sizeof *h->frames) != CM_OK)
    return cm_error_set(err, CM_ENOMEM, h->path, 0, 0, "out of memory");
  html_frame *fr = &h->frames[h->nframes++];
  memset(fr, 0, sizeof *fr);
  char *svg = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&svg, &len);
  if (!mem)
    return cm_error_set(err, CM_ENOMEM, h->path, 0, 0, "out of memory");
  int rc = cm__svg_write(scene, mem, h->path, NULL, NULL, err);
  if (fclose(mem) != 0 && rc == CM_OK)
    rc = cm_error_set(err, CM_ENOMEM, h->path, 0, 0, "out of memory");
  if (rc == CM_OK && (frame_lines(h, fr, svg, len) != CM_OK ||
                      frame_events(fr, scene) != CM_OK ||
                      frame_date(h, fr, scene) != CM_OK))
    rc = cm_error_set(err, CM_ENOMEM, h->path, 0, 0, "out of memory");
  free(svg);
  return rc;
}

/* s as a JavaScript string literal that may sit inside <script>. */
static void js_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c == '<' && s[1] == '/')
      fputs("<\\/", f), s++; /* no "</script>" can end the script early */
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

/* s as HTML text. */
static void html_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<')
      fputs("&lt;", f);
    else if (*s == '>')
      fputs("&gt;", f);
    else if (*s == '&')
      fputs("&amp;", f);
    else
      fputc(*s, f);
  }
}

static const char page_style[] =
    "body{margin:0;font-family:'Noto Sans','Noto Naskh Arabic',sans-serif;"
    "background:#fafafa;color:#222}\n"
    "main{display:flex;gap:16px;padding:12px;align-items:flex-start}\n"
    "#map{flex:1 1 auto;min-width:0}\n#map svg{width:100%;height:auto;"
    "background:white;box-shadow:0 0 3px #999}\n"
    "aside{flex:0 0 22em}\naside h2{font-size:1.2em;margin:0 0 .5em}\n"
    "aside ol{padding:0;margin:0;list-style:none}\naside li{margin:.3em 0}\n"
    "#controls{display:flex;gap:12px;align-items:center;padding:0 12px 12px}\n"
    "#slider{flex:1}\nbutton{font-size:1.1em;min-width:3em}\n";

/* The page's behaviour: show a frame, follow the slider, play and pause,
 * step with the arrow keys. */
static const char page_script[] =
    "(function(){\n"
    "var map=document.getElementById('map'),slider=document.getElementById('slider'),\n"
    "    play=document.getElementById('play'),date=document.getElementById('date'),\n"
    "    list=document.getElementById('events'),cur=-1,timer=null;\n"
    "function show(i){\n"
    "  i=Math.max(0,Math.min(F.length-1,i));\n"
    "  if(i===cur)return;\n"
    "  cur=i;\n"
    "  map.innerHTML=F[i].map(function(k){return L[k];}).join('\\n');\n"
    "  slider.value=String(i);\n"
    "  date.textContent=W[i];\n"
    "  list.textContent='';\n"
    "  E[i].forEach(function(t){var li=document.createElement('li');li.textContent=t;list.appendChild(li);});\n"
    "  document.body.setAttribute('data-frame',String(i));\n"
    "  document.body.setAttribute('data-date',D[i]);\n"
    "}\n"
    "function stop(){clearInterval(timer);timer=null;play.textContent='\\u25b6';}\n"
    "function toggle(){\n"
    "  if(timer){stop();return;}\n"
    "  if(cur===F.length-1)show(0);\n"
    "  timer=setInterval(function(){if(cur>=F.length-1)stop();else show(cur+1);},DELAY);\n"
    "  play.textContent='\\u275a\\u275a';\n"
    "}\n"
    "slider.addEventListener('input',function(){show(Number(slider.value));});\n"
    "play.addEventListener('click',toggle);\n"
    "document.addEventListener('keydown',function(e){\n"
    "  if(e.target===slider&&(e.key==='ArrowLeft'||e.key==='ArrowRight'))return;\n"
    "  if(e.key==='ArrowRight'||e.key==='ArrowDown'){show(cur+1);e.preventDefault();}\n"
    "  else if(e.key==='ArrowLeft'||e.key==='ArrowUp'){show(cur-1);e.preventDefault();}\n"
    "  else if(e.key===' '&&e.target.tagName!=='BUTTON'){toggle();e.preventDefault();}\n"
    "});\n"
    "show(0);\n"
    "window.controlmapShow=show;\n"
    "})();\n";

static void write_data(html_writer *h) {
  FILE *f = h->f;
  fputs("var L=[\n", f);
  for (size_t i = 0; i < h->nlines; i++) {
    js_string(f, h->lines[i]);
    fputs(",\n", f);
  }
  fputs("];\nvar F=[\n", f);
  for (size_t i = 0; i < h->nframes; i++) {
    fputc('[', f);
    for (size_t k = 0; k < h->frames[i].nlines; k++)
      fprintf(f, "%s%zu", k ? "," : "", h->frames[i].lines[k]);
    fputs("],\n", f);
  }
  fputs("];\nvar D=[", f);
  for (size_t i = 0; i < h->nframes; i++)
    fprintf(f, "%s\"%s\"", i ? "," : "", h->frames[i].date);
  fputs("];\nvar W=[", f);
  for (size_t i = 0; i < h->nframes; i++) {
    fputs(i ? "," : "", f);
    js_string(f, h->frames[i].when);
  }
  fputs("];\nvar E=[\n", f);
  for (size_t i = 0; i < h->nframes; i++) {
    fputc('[', f);
    for (size_t k = 0; k < h->frames[i].nevents; k++) {
      fputs(k ? "," : "", f);
      js_string(f, h->frames[i].events[k]);
    }
    fputs("],\n", f);
  }
  fprintf(f, "];\nvar DELAY=%d;\n", h->delay_ms);
}

static void write_page(html_writer *h) {
  FILE *f = h->f;
  int rtl = h->lang && strcmp(h->lang, "ar") == 0;
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
             "<meta charset=\"utf-8\">\n<title>", h->lang, rtl ? "rtl" : "ltr");
  html_text(f, h->title);
  fputs("</title>\n<meta name=\"generator\" content=\"controlmap " CM_VERSION "\">\n"
        "<style>\n", f);
  fputs(page_style, f);
  fputs("</style>\n</head>\n<body>\n<main>\n<div id=\"map\"></div>\n"
        "<aside><h2 id=\"date\"></h2><ol id=\"events\"></ol></aside>\n</main>\n"
        "<div id=\"controls\"><button id=\"play\" type=\"button\" "
        "aria-label=\"play\">&#x25b6;</button>\n", f);
  fprintf(f, "<input id=\"slider\" type=\"range\" min=\"0\" max=\"%zu\" step=\"1\" "
             "value=\"0\" aria-label=\"date\">\n</div>\n<script>\n",
          h->nframes - 1);
  write_data(h);
  fputs(page_script, f);
  fputs("</script>\n</body>\n</html>\n", f);
}

int cm__html_finish(html_writer *h, cm_error *err) {
  int rc = CM_OK;
  if (!h->nframes)
    rc = cm_error_set(err, CM_EUSAGE, h->path, 0, 0, "a timeline needs a frame");
  else
    write_page(h);
  if (rc == CM_OK && ferror(h->f))
    rc = cm_error_set(err, CM_EIO, h->path, 0, 0, "cannot write");
  cm__html_free(h);
  return rc;
}

void cm__html_free(html_writer *h) {
  if (!h)
    return;
  for (size_t i = 0; i < h->nlines; i++)
    free(h->lines[i]);
  for (size_t i = 0; i < h->nframes; i++) {
    free(h->frames[i].lines);
    free(h->frames[i].when);
    for (size_t k = 0; k < h->frames[i].nevents; k++)
      free(h->frames[i].events[k]);
    free(h->frames[i].events);
  }
  free(h->lines);
  free(h->slots);
  free(h->frames);
  free(h->lang);
  free(h->title);
  free(h);
}
