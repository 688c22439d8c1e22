/* docs/style.md: markers, lines and text. */
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 45.9 38.95 47.45 40.35;
  page: 120mm 95mm; dpi: 110;
  background-color: #e8eef3;
  title: "marker-type, line-dasharray and text-halo";
  legend: bottom-right; legend-classes: all;
}
Layer#countries { file: "../../shapes/countries.shp"; }
Layer#lines  { file: "../../shapes/lines.shp"; time: start end; }
Layer#places { file: "../../shapes/places.shp"; }
#countries { polygon-fill: #f4f1ea; line-color: #888; line-width: 0.4pt; }
#lines[kind = "line_of_contact"][name_en = "Line of contact (ceasefire of 12 May 1994)"] {
  line-color: #5c0a0a; line-width: 1.2pt; legend: "line-width: 1.2pt";
}
#lines[kind = "ceasefire_line"] {
  line-color: #1a4d8b; line-width: 1.2pt; line-dasharray: 3pt, 1.5pt; legend: "line-dasharray: 3pt, 1.5pt";
}
#places[rank <= 2] {
  marker-width: 2.2mm; marker-fill: #222; marker-line-color: white; marker-line-width: 0.5pt;
  text-name: [name]; text-size: 7pt; text-halo-fill: white; text-halo-radius: 1.2pt;
}
#places[kind = "city"] { marker-type: square; marker-fill: #8b1a1a; legend: "marker-type: square"; }
#places[name_en = "Shusha"] { marker-type: star; marker-width: 3mm; legend: "marker-type: star"; }
#places[name_en = "Lachin"] { marker-type: triangle; legend: "marker-type: triangle"; }
#places[name_en = "Aghdam"] { marker-type: circle; legend: "marker-type: circle"; }
