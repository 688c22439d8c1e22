Map { srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5"; extent: 44.8 38.4 48.2 41.2; page: 60mm 45mm; dpi: 72; title: "On {date}"; legend: top-right; scale-bar: bottom-right; north-arrow: top-left; }
Layer#poly { file: "poly.shp"; time: start end; }
Layer#lines { file: "lines.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly { polygon-fill: #e6a49c; legend: "{holder} ({area})"; }
#poly[holder = "AZE"] { polygon-pattern: cross-hatch(45, #555, 0.3pt, 2mm); line-color: #444; line-dasharray: 2, 1; }
#lines { line-color: #600; line-width: 1pt; line-end: arrow; legend: [kind]; }
#points[rank <= 2] { marker-width: 2mm; text-name: [name_en]; text-halo-radius: 1pt; }
