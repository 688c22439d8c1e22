"""Decode TopoJSON into GeoJSON-like geometries.

TopoJSON stores every shared border once, as an "arc", and lets polygons refer
to arcs by index (a negative index ~i means arc i walked backwards). When the
topology is quantized, each arc is a list of integer steps from the previous
point, and a transform turns the integers back into longitude and latitude.
"""


def decode_arcs(topology):
    """Return every arc of the topology as a list of (lon, lat) tuples."""
    transform = topology.get("transform")
    if transform:
        sx, sy = transform["scale"]
        tx, ty = transform["translate"]
    arcs = []
    for raw in topology["arcs"]:
        points = []
        x = y = 0
        for position in raw:
            if transform:
                # Quantized arcs are delta-encoded: each position is a step.
                x += position[0]
                y += position[1]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def arc_points(arcs, index):
    """The points of one arc reference; ~index means the arc reversed."""
    if index < 0:
        return list(reversed(arcs[~index]))
    return list(arcs[index])


def stitch(arcs, indices):
    """Join arcs end to end into one line or ring.

    Consecutive arcs share their joining point, so it is kept only once.
    """
    points = []
    for index in indices:
        part = arc_points(arcs, index)
        if points:
            if points[-1] != part[0]:
                raise ValueError("arc %d does not start where the previous arc ends"
                                 % index)
            part = part[1:]
        points.extend(part)
    return points


def _ring(arcs, indices):
    ring = stitch(arcs, indices)
    if ring[0] != ring[-1]:
        raise ValueError("ring made of arcs %r does not close" % (indices,))
    return ring


def _point(topology, position):
    transform = topology.get("transform")
    if not transform:
        return tuple(position)
    sx, sy = transform["scale"]
    tx, ty = transform["translate"]
    return (position[0] * sx + tx, position[1] * sy + ty)


def decode_geometry(topology, arcs, geometry):
    """Turn one TopoJSON geometry object into a GeoJSON geometry dict."""
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        rings = [_ring(arcs, r) for r in geometry["arcs"]]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiPolygon":
        polys = [[_ring(arcs, r) for r in p] for p in geometry["arcs"]]
        return {"type": "MultiPolygon", "coordinates": polys}
    if kind == "LineString":
        return {"type": "LineString", "coordinates": stitch(arcs, geometry["arcs"])}
    if kind == "MultiLineString":
        lines = [stitch(arcs, line) for line in geometry["arcs"]]
        return {"type": "MultiLineString", "coordinates": lines}
    if kind == "Point":
        return {"type": "Point", "coordinates": _point(topology, geometry["coordinates"])}
    if kind == "MultiPoint":
        points = [_point(topology, p) for p in geometry["coordinates"]]
        return {"type": "MultiPoint", "coordinates": points}
    raise ValueError("unsupported TopoJSON geometry type %r" % kind)


def decode_object(topology, name):
    """Return the features of one named object as a list of dicts.

    Each dict has "id" (or None), "properties" and "geometry" (GeoJSON).
    A GeometryCollection object gives one feature per member.
    """
    if name not in topology.get("objects", {}):
        raise KeyError("the topology has no object named %r (it has: %s)"
                       % (name, ", ".join(sorted(topology.get("objects", {})))))
    arcs = decode_arcs(topology)
    obj = topology["objects"][name]
    members = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for member in members:
        features.append({
            "id": member.get("id"),
            "properties": dict(member.get("properties") or {}),
            "geometry": decode_geometry(topology, arcs, member),
        })
    return features


def only_object_name(topology):
    """The name of the topology's single object; an error if it has several."""
    names = sorted(topology.get("objects", {}))
    if len(names) != 1:
        raise ValueError("expected one object in the topology, found %d" % len(names))
    return names[0]
