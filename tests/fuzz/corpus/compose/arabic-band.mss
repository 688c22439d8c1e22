Map { lang: ar; digits: arabic-indic; page: 60mm 45mm; dpi: 72; legend: below; title: "ناغورنو كاراباخ في {date}"; attribution: "كاراباخ"; graticule: 0.5; }
Layer#poly { file: "poly.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly[holder = "ARM"] { polygon-fill: #e6a49c; polygon-opacity: 0.7; legend: "القوات الأرمنية"; }
#poly[holder != "ARM"] { polygon-fill: #9fc4e4; legend: "{name}"; }
#points { marker-width: 2mm; marker-type: square; text-name: [name_ar]; text-placement: point; legend: "مدن"; }
