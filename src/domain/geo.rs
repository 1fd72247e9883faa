//! Distances on the Earth for discovery, and how to say them to people.

/// Mean Earth radius in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

/// A latitude/longitude box that holds every point within `radius_m` of the centre.
pub fn bounding_box(lat: f64, lon: f64, radius_m: f64) -> (f64, f64, f64, f64) {
    let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
    let dlon = dlat / lat.to_radians().cos().max(0.01);
    (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
}

/// A distance as people say it: "350 m", "1.2 km" (decimal comma in Italian).
pub fn friendly_distance(metres: f64, lang: &str) -> String {
    if metres < 1000.0 {
        let rounded = ((metres / 50.0).round() * 50.0).max(50.0);
        format!("{rounded:.0} m")
    } else {
        let km = format!("{:.1} km", metres / 1000.0);
        if lang == "it" {
            km.replace('.', ",")
        } else {
            km
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duomo_to_arena_civica_is_about_a_kilometre_and_a_half() {
        let d = distance_m(45.4642, 9.1900, 45.4753, 9.1783);
        assert!((1400.0..1700.0).contains(&d), "{d}");
        let (a, b, c, e) = bounding_box(45.4642, 9.19, 1000.0);
        assert!(a < 45.4642 && b > 45.4642 && c < 9.19 && e > 9.19);
    }

    #[test]
    fn distances_read_naturally() {
        assert_eq!(friendly_distance(333.0, "en"), "350 m");
        assert_eq!(friendly_distance(1234.0, "it"), "1,2 km");
        assert_eq!(friendly_distance(1234.0, "en"), "1.2 km");
    }
}
