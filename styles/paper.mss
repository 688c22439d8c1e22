/* controlmap paper style: print at a journal's text width (170 mm), read
 * in black and white — holders differ by tone and by hatch, not by hue. */

@water:  #d9d9d9;
@land:   #efefef;
@ink:    #111111;

Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.75 38.75 47.75 40.65;
  page: 170mm 145mm;
  dpi: 600;
  background-color: @water;
  lang: en;
  font: "Noto Serif";
  font-ar: "Noto Naskh Arabic";
  title: "Control of the ground on {date}";
  title-ar: "ناغورنو كاراباخ: السيطرة الميدانية في {date}";
  attribution: "Front lines schematic (±3 km; see shapes/SOURCES.md). Boundaries: Natural Earth; geoBoundaries (CC BY-SA 3.0; ODbL, © OpenStreetMap contributors).";
  attribution-ar: "خطوط الجبهة تقريبية (انظر shapes/SOURCES.md). الحدود: Natural Earth؛ geoBoundaries (CC BY-SA 3.0؛ ODbL، © مساهمو OpenStreetMap).";
  legend: outside-right;     /* beside the map: it never hides a place */
  scale-bar: auto;
  north-arrow: auto;
  graticule: 0.5;
  inset: "countries" 38.5 36 51.5 43.5 bottom-right;   /* in the frame: the legend fills the band */
  /* The month's events up to the map's date, numbered and listed under
   * the map, where a caption would go. */
  key: below;
  key-size: 26mm;
}

Layer#countries { file: "../shapes/countries.shp"; }
Layer#control   { file: "../shapes/control.shp";   time: start end; }
Layer#zones     { file: "../shapes/zones.shp";     time: start end; }
Layer#regions   { file: "../shapes/regions.shp"; }
Layer#corridors { file: "../shapes/corridors.shp"; time: start end; }
Layer#lines     { file: "../shapes/lines.shp";     time: start end; }
Layer#places    { file: "../shapes/places.shp"; }
Layer#movements { file: "../shapes/movements.shp"; time: start end; time-window: 7d; }
Layer#events    { file: "../shapes/events.shp";    time: date; time-window: 30d; }

#countries { polygon-fill: @land; line-color: #777777; line-width: 0.4pt; }

#control[holder = "AZE"] { polygon-fill: #ffffff; legend: "Azerbaijan"; legend-ar: "أذربيجان"; }
#control[holder = "NKR"] {
  polygon-fill: #a9a9a9;
  polygon-pattern: hatch(45, #333333, 0.35pt, 1.4mm);
  legend: "Armenian / Karabakh forces"; legend-ar: "القوات الأرمنية وقوات كاراباخ";
}
#control[holder = "ARM"] { polygon-fill: #cfcfcf; legend: "Armenia"; legend-ar: "أرمينيا"; }
#control[holder = "AZE"][country = "ARM"] {
  polygon-fill: #ffffff; polygon-pattern: hatch(0, #222222, 0.4pt, 1.1mm);
  legend: "Azerbaijani-held, inside Armenia";
  legend-ar: "مواقع تسيطر عليها أذربيجان داخل أرمينيا";
}

#zones[kind = "peacekeeping"] {
  polygon-pattern: hatch(-45, #000000, 0.3pt, 2mm);
  line-color: #000000; line-width: 0.5pt; line-dasharray: 1.5pt, 1pt;
  legend: "Russian peacekeeping zone";
  legend-ar: "منطقة انتشار قوات حفظ السلام الروسية";
}
#zones[kind = "blockade"] {
  polygon-pattern: cross-hatch(0, #555555, 0.25pt, 2.5mm);
  legend: "Blockaded area";
  legend-ar: "المنطقة المحاصرة";
}

#regions[kind = "oblast"] {
  line-color: #000000; line-width: 0.8pt; line-dasharray: 4pt, 1.5pt, 1pt, 1.5pt;
  legend: "Former NKAO (1923–1991)";
  legend-ar: "حدود إقليم ناغورنو كاراباخ ذاتي الحكم سابقاً (١٩٢٣–١٩٩١)";
}
#regions[kind = "district"] { line-color: #9a9a9a; line-width: 0.25pt; }

#corridors[status = "open"] {
  polygon-fill: #ffffff; line-color: #000000; line-width: 0.6pt;
  legend: "{name}";
  legend-ar: "ممر لاتشين";
}
/* Routes agreed on paper and never opened: an outline only, dashed. */
#corridors[status = "planned"] {
  line-color: #000000; line-width: 0.6pt; line-dasharray: 3, 1.5;
  legend: "{name}";
  legend-ar: "طريق عبور إلى نخجوان (مخطط، لم يُفتح)";
}

#lines[kind = "border"] { line-color: #444444; line-width: 0.6pt; }
#lines[kind = "front"] {
  line-color: #000000; line-width: 1.2pt; line-dasharray: 5pt, 2pt;
  legend: "Front line";
  legend-ar: "خط الجبهة";
}
#lines[kind = "line_of_contact"] { line-color: #000000; line-width: 1.3pt; legend: "Line of contact";
  legend-ar: "خط التماس"; }
#lines[kind = "ceasefire_line"] {
  line-color: #000000; line-width: 1.3pt; line-dasharray: 3pt, 1.2pt;
  legend: "{name_en}";
  legend-ar: "خط وقف إطلاق النار (١٠ تشرين الثاني ٢٠٢٠)";
}

#places[rank <= 2] {
  marker-type: circle; marker-width: 1.5mm; marker-fill: @ink;
  marker-line-color: white; marker-line-width: 0.4pt;
  text-name: [name]; text-face-name: "Noto Sans"; text-size: 7pt; text-fill: @ink;
  text-halo-fill: white; text-halo-radius: 1.2pt;
  text-priority: 2;
}
#places[rank = 1] { marker-type: square; marker-width: 1.9mm; text-size: 8pt; text-priority: 1; }

/* Movements in black, told apart by line and head, not by hue. */
#movements {
  line-color: #000000; line-width: 1.5pt; line-end: arrow;
  text-name: [label_en]; text-name-ar: [label_ar]; text-placement: line; text-face-name: "Noto Sans";
  text-size: 5.5pt; text-fill: #000000; text-halo-fill: white; text-halo-radius: 0.8pt;
  text-priority: 4;
  text-optional: true; /* an arrow says its way without words */
  legend: "Offensive";
}
#movements[kind = "counter-offensive"] { line-color: #555555; legend: "Counter-offensive"; }
#movements[kind = "withdrawal"] { line-color: #555555; line-dasharray: 3pt, 1.5pt; legend: "Withdrawal"; }
#movements[kind = "handover"] { line-dasharray: 1pt, 1.2pt; legend: "Handover"; }
#movements[kind = "displacement"] { line-color: #333333; line-taper: 0.3; legend: "People displaced"; }
#movements[kind = "displacement"][size > 0] { line-width: [size]; line-width-scale: 0.00006; }

#events {
  marker-type: circle; marker-width: 2.9mm; marker-fill: #111111;
  marker-line-color: white; marker-line-width: 0.5pt;
  key: [title_en];
  key-ar: [title_ar];
}
#events[age_days > 7] { marker-fill: #666666; }
