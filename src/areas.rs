//! The city's named areas, loaded from GeoJSON at start and kept in memory for
//! point-in-polygon lookups; their names (and, later, population) are mirrored in the
//! `areas` table for reports.

use crate::db::schema::areas;
use crate::db::{AnyConnection, Db};
use anyhow::Context;
use diesel::prelude::*;
use geo::{Contains, Coord, LineString, Point, Polygon};
use std::path::{Path, PathBuf};

/// One area.
#[derive(Debug, Clone)]
pub struct Area {
    /// `small` (NIL in Milan) or `large` (Municipio).
    pub kind: &'static str,
    pub code: String,
    pub name: String,
    /// For small areas: the large area holding most of it, when the file says.
    pub parent_code: Option<String>,
    polygon: Polygon<f64>,
}

/// Every area of the city.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    small: Vec<Area>,
    large: Vec<Area>,
}

/// Where a point falls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub small: Option<String>,
    pub large: Option<String>,
}

fn resolve(path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() || p.exists() {
        p
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }
}

fn ring(v: &serde_json::Value) -> Option<LineString<f64>> {
    let coords: Vec<Coord<f64>> = v
        .as_array()?
        .iter()
        .filter_map(|p| {
            let p = p.as_array()?;
            Some(Coord {
                x: p.first()?.as_f64()?,
                y: p.get(1)?.as_f64()?,
            })
        })
        .collect();
    (coords.len() >= 4).then(|| LineString::new(coords))
}

fn load(path: &str, kind: &'static str) -> anyhow::Result<Vec<Area>> {
    let full = resolve(path);
    let text = std::fs::read_to_string(&full)
        .with_context(|| format!("reading areas from {}", full.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", full.display()))?;
    let mut out = Vec::new();
    for f in doc["features"].as_array().into_iter().flatten() {
        let props = &f["properties"];
        let code = match &props["id"] {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => continue,
        };
        let name = props["name"].as_str().unwrap_or(&code).to_string();
        let parent_code = match &props["municipio"] {
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        };
        let geom = &f["geometry"];
        let polygons: Vec<&serde_json::Value> = match geom["type"].as_str() {
            Some("Polygon") => vec![&geom["coordinates"]],
            Some("MultiPolygon") => geom["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => continue,
        };
        for rings in polygons {
            let rings: Vec<LineString<f64>> = rings
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(ring)
                .collect();
            let Some((outer, holes)) = rings.split_first() else {
                continue;
            };
            out.push(Area {
                kind,
                code: code.clone(),
                name: name.clone(),
                parent_code: parent_code.clone(),
                polygon: Polygon::new(outer.clone(), holes.to_vec()),
            });
        }
    }
    anyhow::ensure!(!out.is_empty(), "no polygons in {}", full.display());
    Ok(out)
}

impl Areas {
    /// Loads both files named in the settings.
    pub fn load(small_file: &str, large_file: &str) -> anyhow::Result<Areas> {
        Ok(Areas {
            small: load(small_file, "small")?,
            large: load(large_file, "large")?,
        })
    }

    /// The areas a point falls in.
    pub fn locate(&self, lat: f64, lon: f64) -> Location {
        let p = Point::new(lon, lat);
        let find = |v: &[Area]| {
            v.iter()
                .find(|a| a.polygon.contains(&p))
                .map(|a| a.code.clone())
        };
        Location {
            small: find(&self.small),
            large: find(&self.large),
        }
    }

    /// The mean of the large areas' centres: the city's reference point (lat, lon).
    pub fn reference_point(&self) -> Option<(f64, f64)> {
        let codes: Vec<String> = self.large.iter().map(|a| a.code.clone()).collect();
        let centres: Vec<(f64, f64)> = codes
            .iter()
            .filter_map(|c| self.centre("large", c))
            .collect();
        let n = centres.len() as f64;
        (n > 0.0).then(|| {
            let (a, b) = centres
                .iter()
                .fold((0.0, 0.0), |(x, y), (la, lo)| (x + la, y + lo));
            (a / n, b / n)
        })
    }

    /// Every area of a kind, by name.
    pub fn list(&self, kind: &str) -> Vec<&Area> {
        let mut v: Vec<&Area> = match kind {
            "small" => self.small.iter().collect(),
            _ => self.large.iter().collect(),
        };
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.dedup_by(|a, b| a.code == b.code);
        v
    }

    /// The name of an area.
    pub fn name(&self, kind: &str, code: &str) -> Option<&str> {
        let v = if kind == "small" {
            &self.small
        } else {
            &self.large
        };
        v.iter().find(|a| a.code == code).map(|a| a.name.as_str())
    }

    /// Whether an area code exists.
    pub fn exists(&self, kind: &str, code: &str) -> bool {
        self.name(kind, code).is_some()
    }

    /// A point inside an area (its polygon's first vertex average), for searches by area.
    pub fn centre(&self, kind: &str, code: &str) -> Option<(f64, f64)> {
        let v = if kind == "small" {
            &self.small
        } else {
            &self.large
        };
        let a = v.iter().find(|a| a.code == code)?;
        let pts = &a.polygon.exterior().0;
        let n = pts.len() as f64;
        let (sx, sy) = pts.iter().fold((0.0, 0.0), |(x, y), c| (x + c.x, y + c.y));
        Some((sy / n, sx / n))
    }
}

/// Mirrors the areas' codes and names into the `areas` table (keeps population untouched).
pub async fn sync_table(db: &Db, all: &Areas) -> anyhow::Result<()> {
    let rows: Vec<(&'static str, String, String, Option<String>)> = all
        .small
        .iter()
        .chain(all.large.iter())
        .map(|a| {
            (
                a.kind,
                a.code.clone(),
                a.name.clone(),
                a.parent_code.clone(),
            )
        })
        .collect();
    db.run(move |conn| {
        let existing: Vec<(String, String)> =
            areas::table.select((areas::kind, areas::code)).load(conn)?;
        for (kind, code, name, parent) in rows {
            if existing.iter().any(|(k, c)| k == kind && *c == code) {
                continue;
            }
            insert_area(conn, kind, &code, &name, parent.as_deref())?;
        }
        Ok(())
    })
    .await
    .map_err(|e| anyhow::anyhow!("syncing areas: {e}"))
}

fn insert_area(
    conn: &mut AnyConnection,
    kind: &str,
    code: &str,
    name: &str,
    parent: Option<&str>,
) -> QueryResult<()> {
    let res = diesel::insert_into(areas::table)
        .values((
            areas::kind.eq(kind),
            areas::code.eq(code),
            areas::name.eq(name),
            areas::parent_code.eq(parent),
        ))
        .execute(conn);
    match res {
        // Another instance starting at the same time inserted it first.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(()),
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piazza_del_duomo_is_in_the_duomo_nil_and_municipio_1() {
        let a = Areas::load(
            "web/data/milano/nil.geojson",
            "web/data/milano/municipi.geojson",
        )
        .unwrap();
        assert_eq!(a.list("small").len(), 88);
        assert_eq!(a.list("large").len(), 9);
        let here = a.locate(45.4642, 9.1900);
        assert_eq!(
            a.name("small", here.small.as_deref().unwrap()),
            Some("DUOMO")
        );
        assert_eq!(here.large.as_deref(), Some("1"));
        assert_eq!(
            a.locate(41.9, 12.5),
            Location::default(),
            "Rome is not in Milan"
        );
    }
}
