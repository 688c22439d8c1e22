/* controlmap, Arabic edition: the paper map for Arabic-language journals,
 * laid out right to left (title and source line on the right, legend
 * swatches on the right), Levantine month names and Arabic-Indic digits. */

@water:  #d4e3ee;
@land:   #f4f1ea;
@aze:    #a9c9e6;
@nkr:    #e4a296;
@arm:    #f3d9b5;
@ink:    #222222;

Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.75 38.75 47.75 40.65;
  page: 170mm 145mm;
  dpi: 300;
  background-color: @water;
  lang: ar;
  digits: arabic-indic;
  font: "Noto Naskh Arabic";
  title: "ناغورنو كاراباخ: السيطرة الميدانية في {date}";
  attribution: "خطوط الجبهة تقريبية (انظر shapes/SOURCES.md). الحدود: Natural Earth؛ geoBoundaries (CC BY-SA 3.0؛ ODbL، © مساهمو OpenStreetMap).";
  legend: outside-left;      /* beside the map, on the reading side */
  scale-bar: auto;
  north-arrow: auto;
  graticule: 0.5;
  /* أحداث الأيام الثلاثين حتى تاريخ الخريطة، مرقّمة ومدرجة تحتها */
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

#countries { polygon-fill: @land; line-color: #6f6f6f; line-width: 0.5pt; }

#control[holder = "AZE"] { polygon-fill: @aze; legend: "أذربيجان"; }
#control[holder = "NKR"] { polygon-fill: @nkr; legend: "القوات الأرمنية وقوات كاراباخ"; }
#control[holder = "ARM"] { polygon-fill: @arm; legend: "أرمينيا"; }
#control[holder = "AZE"][country = "ARM"] {
  polygon-fill: @aze; polygon-pattern: hatch(0, #2f5f8f, 0.45pt, 1.1mm);
  legend: "مواقع تسيطر عليها أذربيجان داخل أرمينيا";
}

#zones[kind = "peacekeeping"] {
  polygon-pattern: hatch(45, #4a4a4a, 0.35pt, 1.6mm);
  line-color: #4a4a4a; line-width: 0.5pt; line-dasharray: 2pt, 1.5pt;
  legend: "منطقة انتشار قوات حفظ السلام الروسية";
}
#zones[kind = "blockade"] {
  polygon-pattern: hatch(-45, #8b1a1a, 0.3pt, 2.2mm);
  legend: "المنطقة المحاصرة";
}

#regions[kind = "oblast"] {
  line-color: #6a3d8f; line-width: 0.9pt; line-dasharray: 6pt, 1.5pt, 1pt, 1.5pt;
  legend: "حدود إقليم ناغورنو كاراباخ ذاتي الحكم سابقاً (١٩٢٣–١٩٩١)";
}
#regions[kind = "district"] { line-color: #8f8f8f; line-width: 0.3pt; }

#corridors[status = "open"] {
  polygon-fill: #fff3a8; polygon-opacity: 0.7;
  line-color: #9a7300; line-width: 0.5pt;
  legend: "ممر لاتشين";
}
/* Routes agreed on paper and never opened: an outline only, dashed. */
#corridors[status = "planned"] {
  line-color: #9a7300; line-width: 0.7pt; line-dasharray: 3pt, 1.5pt;
  legend: "طريق عبور إلى نخجوان (مخطط، لم يُفتح)";
}

#lines[kind = "border"] { line-color: #555555; line-width: 0.6pt; }
#lines[kind = "front"] {
  line-color: #5c0a0a; line-width: 1.1pt; line-dasharray: 5pt, 2pt;
  legend: "خط الجبهة";
}
#lines[kind = "line_of_contact"] { line-color: #5c0a0a; line-width: 1.1pt; legend: "خط التماس"; }
#lines[kind = "ceasefire_line"] {
  line-color: #5c0a0a; line-width: 1.1pt; line-dasharray: 3pt, 1.5pt;
  legend: "خط وقف إطلاق النار (١٠ تشرين الثاني ٢٠٢٠)";
}

#places[rank <= 2] {
  marker-type: circle; marker-width: 1.5mm; marker-fill: @ink;
  marker-line-color: white; marker-line-width: 0.4pt;
  text-name: [name]; text-size: 7pt; text-fill: @ink;
  text-halo-fill: white; text-halo-radius: 1pt;
  text-priority: 2;
}
#places[rank = 1] { marker-type: square; marker-width: 2mm; text-size: 9pt; text-priority: 1; }

#movements {
  line-color: #8b1a1a; line-width: 1.6pt; line-end: arrow; line-opacity: 0.9;
  text-name: [label_ar]; text-placement: line; text-size: 5.5pt; text-fill: #5c0a0a;
  text-halo-fill: white; text-halo-radius: 0.8pt; text-priority: 4;
  text-optional: true; /* an arrow says its way without words */
  legend: "هجوم";
}
#movements[kind = "counter-offensive"] { line-color: #1f4e8c; legend: "هجوم مضاد"; }
#movements[kind = "withdrawal"] { line-color: #555555; line-dasharray: 3pt, 1.5pt; legend: "انسحاب"; }
#movements[kind = "handover"] { line-color: #2b6e3f; line-dasharray: 3pt, 1.5pt; legend: "تسليم"; }
#movements[kind = "displacement"] { line-color: #222222; line-taper: 0.3; legend: "نزوح السكان"; }
#movements[kind = "displacement"][size > 0] { line-width: [size]; line-width-scale: 0.00006; }

#events {
  marker-type: circle; marker-width: 3.2mm; marker-fill: #7a1f1f;
  marker-line-color: white; marker-line-width: 0.5pt;
  key: [title_ar];
}
#events[age_days > 7] { marker-fill: #b86a6a; }
