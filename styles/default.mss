/* controlmap default style: control of the ground in and around
 * Nagorno-Karabakh at one date, for print at 170 x 140 mm (the map and, below it, the key of the month's events). */

@water:  #d4e3ee;
@land:   #f4f1ea;
@aze:    #a9c9e6;   /* Azerbaijan */
@nkr:    #e4a296;   /* Armenian / Karabakh forces */
@arm:    #f3d9b5;   /* Armenia proper */
@border: #6f6f6f;
@ink:    #222222;

Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.75 38.75 47.75 40.65;
  page: 170mm 140mm;
  dpi: 300;
  background-color: @water;
  lang: en;
  font: "Noto Sans";
  font-ar: "Noto Naskh Arabic";
  title: "Nagorno-Karabakh: control of the ground on {date}";
  title-ar: "ناغورنو كاراباخ: السيطرة الميدانية في {date}";
  attribution: "controlmap dataset: front lines schematic (see shapes/SOURCES.md). Boundaries: Natural Earth; geoBoundaries (CC BY-SA 3.0; ODbL, © OpenStreetMap contributors)";
  attribution-ar: "خطوط الجبهة تقريبية (انظر shapes/SOURCES.md). الحدود: Natural Earth؛ geoBoundaries (CC BY-SA 3.0؛ ODbL، © مساهمو OpenStreetMap).";
  legend: outside-right;     /* beside the map: it never hides a place */
  scale-bar: auto;
  north-arrow: auto;
  graticule: 0.5;
  inset: "countries" 38.5 36 51.5 43.5 bottom-right;   /* in the frame: the legend fills the band */
  /* Events of the 30 days up to the map's date, numbered, listed below
   * the map: a month is the span a figure "on date D" is read against. */
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

#countries { polygon-fill: @land; line-color: @border; line-width: 0.5pt; }

#control[holder = "AZE"] { polygon-fill: @aze; legend: "Azerbaijan"; legend-ar: "أذربيجان"; }
#control[holder = "NKR"] { polygon-fill: @nkr; legend: "Armenian / Karabakh forces"; legend-ar: "القوات الأرمنية وقوات كاراباخ"; }
#control[holder = "ARM"] { polygon-fill: @arm; legend: "Armenia"; legend-ar: "أرمينيا"; }
#control[holder = "AZE"][country = "ARM"] {
  polygon-fill: @aze; polygon-pattern: hatch(0, #2f5f8f, 0.45pt, 1.1mm);
  legend: "Azerbaijani-held, inside Armenia";
  legend-ar: "مواقع تسيطر عليها أذربيجان داخل أرمينيا";
}

#zones[kind = "peacekeeping"] {
  polygon-pattern: hatch(45, #4a4a4a, 0.35pt, 1.6mm);
  line-color: #4a4a4a; line-width: 0.5pt; line-dasharray: 2pt, 1.5pt;
  legend: "Russian peacekeeping zone";
  legend-ar: "منطقة انتشار قوات حفظ السلام الروسية";
}
#zones[kind = "blockade"] {
  polygon-pattern: hatch(-45, #8b1a1a, 0.3pt, 2.2mm);
  legend: "Blockaded area";
  legend-ar: "المنطقة المحاصرة";
}

#regions[kind = "oblast"] {
  line-color: #6a3d8f; line-width: 0.9pt; line-dasharray: 6pt, 1.5pt, 1pt, 1.5pt;
  legend: "Former NKAO (1923–1991)";
  legend-ar: "حدود إقليم ناغورنو كاراباخ ذاتي الحكم سابقاً (١٩٢٣–١٩٩١)";
}
#regions[kind = "district"] { line-color: #8f8f8f; line-width: 0.3pt; }
#regions[kind = "republic"] { line-color: @border; line-width: 0.4pt; }

#corridors[status = "open"] {
  polygon-fill: #fff3a8; polygon-opacity: 0.7;
  line-color: #9a7300; line-width: 0.5pt;
  legend: "{name}";
  legend-ar: "ممر لاتشين";
}
/* Routes agreed on paper and never opened: an outline only, dashed. */
#corridors[status = "planned"] {
  line-color: #9a7300; line-width: 0.7pt; line-dasharray: 3, 1.5;
  legend: "{name}";
  legend-ar: "طريق عبور إلى نخجوان (مخطط، لم يُفتح)";
}

#lines[kind = "border"] { line-color: #555555; line-width: 0.6pt; }
#lines[kind = "front"] {
  line-color: #5c0a0a; line-width: 1.1pt; line-dasharray: 5pt, 2pt;
  legend: "Front line";
  legend-ar: "خط الجبهة";
}
#lines[kind = "line_of_contact"] {
  line-color: #5c0a0a; line-width: 1.1pt;
  legend: "{name_en}";
  legend-ar: "خط التماس";
}
#lines[kind = "ceasefire_line"] {
  line-color: #5c0a0a; line-width: 1.1pt; line-dasharray: 3pt, 1.5pt;
  legend: "{name_en}";
  legend-ar: "خط وقف إطلاق النار (١٠ تشرين الثاني ٢٠٢٠)";
}

#places[rank <= 2] {
  marker-type: circle; marker-width: 1.6mm; marker-fill: @ink;
  marker-line-color: white; marker-line-width: 0.4pt;
  text-name: [name]; text-size: 7pt; text-fill: @ink;
  text-halo-fill: white; text-halo-radius: 1pt;
  text-priority: 2;
}
#places[rank = 1] { marker-type: square; marker-width: 2mm; text-size: 8pt; text-priority: 1; }
/* The bypass (from 2022-08-30) is named by the legend: its line has no
 * room beside Shusha, Lachin and the events there. */
#corridors[width_m >= 5000][start < "2022-08-30"] {
  text-name: "Lachin corridor"; text-name-ar: "ممر لاتشين"; text-placement: line; text-size: 6pt;
  text-fill: #6b5200; text-halo-fill: #fff3a8; text-halo-radius: 0.8pt;
  text-priority: 1.5;
}

/* Movements while they last and for a week after: offensives in dark red,
 * counter-offensives in blue, withdrawals and handovers dashed, the
 * displacement of people in black, as wide as the number who left. */
#movements {
  line-color: #8b1a1a; line-width: 1.6pt; line-end: arrow; line-opacity: 0.9;
  text-name: [label_en]; text-name-ar: [label_ar]; text-placement: line; text-size: 5.5pt; text-fill: #5c0a0a;
  text-halo-fill: white; text-halo-radius: 0.8pt; text-priority: 4;
  text-optional: true; /* an arrow says its way without words */
  legend: "Offensive";
}
#movements[kind = "counter-offensive"] { line-color: #1f4e8c; legend: "Counter-offensive"; }
#movements[kind = "withdrawal"] { line-color: #555555; line-dasharray: 3pt, 1.5pt; legend: "Withdrawal"; }
#movements[kind = "handover"] { line-color: #2b6e3f; line-dasharray: 3pt, 1.5pt; legend: "Handover"; }
#movements[kind = "displacement"] {
  line-color: #222222; line-taper: 0.3; legend: "People displaced";
}
#movements[kind = "displacement"][size > 0] { line-width: [size]; line-width-scale: 0.00006; }

/* Events: a numbered marker, larger for the last week's. */
#events {
  marker-type: circle; marker-width: 2.9mm; marker-fill: #7a1f1f;
  marker-line-color: white; marker-line-width: 0.5pt;
  key: [title_en];
  key-ar: [title_ar];
}
#events[age_days > 7] { marker-fill: #b86a6a; }
