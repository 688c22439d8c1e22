/* docs/style.md: polygon fills and patterns, one per district. */
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 45.9 38.95 47.45 40.35;
  page: 120mm 95mm; dpi: 110;
  background-color: #e8eef3;
  title: "polygon-fill, polygon-opacity and polygon-pattern";
  legend: bottom-right; legend-classes: all;
}
Layer#regions { file: "../../shapes/regions.shp"; }
#regions[kind = "district"] { line-color: #555; line-width: 0.4pt; polygon-fill: #ffffff; }
#regions[name_en = "Kalbajar"] { polygon-fill: #e4a296; legend: "polygon-fill: #e4a296"; }
#regions[name_en = "Lachin"] { polygon-fill: #e4a296; polygon-opacity: 0.4; legend: "polygon-opacity: 0.4"; }
#regions[name_en = "Qubadli"] { polygon-pattern: hatch(45, #333, 0.4pt, 1.5mm); legend: "hatch(45, #333, 0.4pt, 1.5mm)"; }
#regions[name_en = "Zangilan"] { polygon-pattern: hatch(-45, #8b1a1a, 0.6pt, 2.5mm); legend: "hatch(-45, #8b1a1a, 0.6pt, 2.5mm)"; }
#regions[name_en = "Jabrayil"] { polygon-pattern: cross-hatch(0, #333, 0.3pt, 1.5mm); legend: "cross-hatch(0, #333, 0.3pt, 1.5mm)"; }
#regions[name_en = "Fuzuli"] { polygon-fill: #a9c9e6; polygon-pattern: hatch(90, #2b4f75, 0.4pt, 1mm); legend: "fill and hatch(90, ...)"; }
#regions[name_en = "Aghdam"] { polygon-fill: #f3d9b5; line-color: #7a2e1f; line-width: 1.2pt; line-dasharray: 4pt, 1.5pt; legend: "line-dasharray: 4pt, 1.5pt"; }
