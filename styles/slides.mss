/* controlmap slides style: a full-HD 16:9 slide (1920 x 1080 px), large
 * type that reads from the back of a room, strong colours. */

@water:  #c9dcea;
@land:   #f2efe6;
@aze:    #7fb0dd;
@nkr:    #df7f6f;
@arm:    #f2c98f;
@ink:    #1b1b1b;

Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 45.0 38.8 48.0 40.6;   /* east to 48: Beylagan clear of the frame edge */
  page: 1920px 1080px;
  dpi: 96;
  background-color: @water;
  lang: en;
  font: "Noto Sans";
  title: "Nagorno-Karabakh, {date}";
  attribution: "Front lines schematic. Data: controlmap dataset; Natural Earth; geoBoundaries (CC BY-SA 3.0; ODbL © OpenStreetMap contributors)";
  legend: outside-right;     /* beside the map: it never hides a place */
  scale-bar: auto;
  north-arrow: auto;
  margin: 6mm;
  /* A slide is wider than the map: its events go in the band on the
   * right, those of the last two weeks, which a room can read at once. */
  key: outside-right;
  key-size: 120mm;
}

Layer#countries { file: "../shapes/countries.shp"; }
Layer#control   { file: "../shapes/control.shp";   time: start end; }
Layer#zones     { file: "../shapes/zones.shp";     time: start end; }
Layer#regions   { file: "../shapes/regions.shp"; }
Layer#corridors { file: "../shapes/corridors.shp"; time: start end; }
Layer#lines     { file: "../shapes/lines.shp";     time: start end; }
Layer#places    { file: "../shapes/places.shp"; }
Layer#movements { file: "../shapes/movements.shp"; time: start end; time-window: 7d; }
Layer#events    { file: "../shapes/events.shp";    time: date; time-window: 14d; }

#countries { polygon-fill: @land; line-color: #808080; line-width: 1px; }

#control[holder = "AZE"] { polygon-fill: @aze; legend: "Azerbaijan"; }
#control[holder = "NKR"] { polygon-fill: @nkr; legend: "Armenian / Karabakh forces"; }
#control[holder = "ARM"] { polygon-fill: @arm; legend: "Armenia"; }
#control[holder = "AZE"][country = "ARM"] {
  polygon-fill: @aze; polygon-pattern: hatch(0, #1f4f7f, 2px, 9px);
  legend: "Azerbaijani-held, inside Armenia";
}

#zones[kind = "peacekeeping"] {
  polygon-pattern: hatch(45, #333333, 1.5px, 14px);
  line-color: #333333; line-width: 2px; line-dasharray: 8px, 5px;
  legend: "Russian peacekeepers";
}
#zones[kind = "blockade"] {
  polygon-pattern: hatch(-45, #8b1a1a, 1.5px, 16px);
  legend: "Blockade";
}

#regions[kind = "oblast"] {
  line-color: #6a3d8f; line-width: 2.5px; line-dasharray: 16px, 5px, 3px, 5px;
  legend: "Former NKAO";
}

#corridors[status = "open"] { polygon-fill: #ffe97a; line-color: #8a6500; line-width: 1.5px; legend: "{name}"; }
#corridors[status = "planned"] {
  line-color: #8a6500; line-width: 1.5px; line-dasharray: 6, 3; legend: "{name}";
}

#lines[kind = "border"] { line-color: #555555; line-width: 1.5px; }
#lines[kind = "front"], #lines[kind = "line_of_contact"] {
  line-color: #4d0808; line-width: 3px; legend: "Front line";
}
#lines[kind = "ceasefire_line"] {
  line-color: #4d0808; line-width: 3px; line-dasharray: 10px, 5px;
  legend: "Ceasefire line";
}

#places[rank <= 2] {
  marker-type: circle; marker-width: 12px; marker-fill: @ink;
  marker-line-color: white; marker-line-width: 2px;
  text-name: [name]; text-size: 20px; text-fill: @ink;
  text-halo-fill: white; text-halo-radius: 3px;
  text-priority: 2;
}
#places[rank = 1] { marker-type: square; marker-width: 15px; text-size: 24px; text-priority: 1; }

#movements {
  line-color: #8b1a1a; line-width: 4px; line-end: arrow; line-opacity: 0.9;
  text-name: [label_en]; text-name-ar: [label_ar]; text-placement: line; text-size: 14px;
  text-fill: #5c0a0a; text-halo-fill: white; text-halo-radius: 2px; text-priority: 4;
  text-optional: true; /* an arrow says its way without words */
  legend: "Offensive";
}
#movements[kind = "counter-offensive"] { line-color: #1f4e8c; legend: "Counter-offensive"; }
#movements[kind = "withdrawal"] { line-color: #555555; line-dasharray: 8px, 4px; legend: "Withdrawal"; }
#movements[kind = "handover"] { line-color: #2b6e3f; line-dasharray: 8px, 4px; legend: "Handover"; }
#movements[kind = "displacement"] { line-color: #222222; line-taper: 0.3; legend: "People displaced"; }
#movements[kind = "displacement"][size > 0] { line-width: [size]; line-width-scale: 0.00012; }

#events {
  marker-type: circle; marker-width: 9mm; marker-fill: #7a1f1f;
  marker-line-color: white; marker-line-width: 1.5px;
  key: [title_en];
}
#events[age_days > 7] { marker-fill: #b86a6a; }
