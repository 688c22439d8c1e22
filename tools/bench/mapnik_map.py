#!/usr/bin/python3
"""Render the benchmark's default map with Mapnik at one or more dates.

  mapnik_map.py MAP.xml MINX MINY MAXX MAXY OUT DATE [DATE...]

One process loads the map once and draws every date; the date is the
variable @date of the filters, so nothing is reloaded between frames. OUT
may hold {date} and {year}. Sizes in MAP.xml are points; the image is
2400 x 1800 px at 358 dpi.
"""
import sys

import mapnik

WIDTH, HEIGHT, DPI = 2400, 1800, 358.0


def main(argv):
    if len(argv) < 8:
        sys.stderr.write(__doc__)
        return 2
    xml, box, out, dates = argv[1], [float(v) for v in argv[2:6]], argv[6], argv[7:]
    m = mapnik.Map(WIDTH, HEIGHT)
    mapnik.load_map(m, xml, True)
    m.zoom_to_box(mapnik.Box2d(*box))
    for date in dates:
        image = mapnik.Image(WIDTH, HEIGHT)
        mapnik.render_with_vars(m, image, {"date": date}, DPI / 72.0)
        image.save(out.format(date=date, year=date[:4]), "png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
