// Plot geometry shared by the map and the master-data editor: ring winding (RFC 7946
// writes an exterior ring counter-clockwise; d3 reads it clockwise) and a polygon's
// area in hectares on the sphere.
import { geoArea, type GeoPermissibleObjects } from "d3-geo";
import type { Geometry, Position } from "geojson";

/** The WGS 84 surface in hectares (4π steradians). */
const EARTH_HA = 510_065_621.724;

/** Shoelace area of a ring in longitude/latitude: > 0 counter-clockwise. */
export function planar(ring: Position[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return a / 2;
}

/** The geometry with its rings wound as d3 reads them (else it fills the rest of the
 *  globe); for drawing only. */
export function forD3(g: Geometry): Geometry {
  const wind = (rings: Position[][]) => rings.map((r, i) => ((i === 0) === planar(r) > 0 ? [...r].reverse() : r));
  if (g.type === "Polygon") return { ...g, coordinates: wind(g.coordinates) };
  if (g.type === "MultiPolygon") return { ...g, coordinates: g.coordinates.map(wind) };
  return g;
}

/** A polygon's area in hectares, whichever way it is wound (the smaller side). */
export function hectares(g: GeoPermissibleObjects): number {
  const a = geoArea(g) / (4 * Math.PI);
  return Math.min(a, 1 - a) * EARTH_HA;
}
