Map { srs: "EPSG:4326"; page: 60mm 45mm; dpi: 72; inset: "poly" 40 35 52 45 bottom-left; legend: auto; legend-classes: all; subtitle: "{date:%Y}"; }
Layer#poly { file: "poly.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly { polygon-fill: #ddd; line-color: #333; legend: [holder]; text-name: [name]; }
#points[rank > 1] { marker-width: 3mm; marker-fill: #7a1f1f; text-name: "{name_en} {rank}"; }
