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

/// A distance rounded as people say it: to 50 m below a kilometre, to 100 m from there on
/// (at least 50 m; 975 m and more round to a kilometre and up).
pub fn friendly_metres(metres: f64) -> u32 {
    let m = if metres < 975.0 {
        (metres / 50.0).round() * 50.0
    } else {
        (metres / 100.0).round() * 100.0
    };
    m.clamp(50.0, f64::from(u32::MAX)) as u32
}

/// A distance as people say it: "350 m", "1.2 km" (decimal comma in Italian), rounded by
/// [`friendly_metres`].
pub fn friendly_distance(metres: f64, lang: &str) -> String {
    let metres = f64::from(friendly_metres(metres));
    if metres < 1000.0 {
        format!("{metres:.0} m")
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
    fn distances_read_as_people_say_them() {
        let say = |m: f64, lang: &str| friendly_distance(m, lang);
        assert_eq!(say(0.0, "en"), "50 m");
        assert_eq!(say(324.0, "en"), "300 m");
        assert_eq!(say(326.0, "en"), "350 m");
        assert_eq!(say(949.0, "en"), "950 m");
        assert_eq!(say(974.0, "en"), "950 m");
        // Not "1000 m": what rounds to a kilometre reads in kilometres.
        assert_eq!(say(990.0, "en"), "1.0 km");
        assert_eq!(say(1249.0, "it"), "1,2 km");
        assert_eq!(say(1250.0, "it"), "1,3 km");
        assert_eq!(say(12_345.0, "en"), "12.3 km");
    }

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
