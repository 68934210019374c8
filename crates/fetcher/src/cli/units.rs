//! Values as people type them on a command line: durations as plain seconds (`2`, `0.5`) or
//! a number with a unit (`500ms`, `2s`, `1.5m`, `1h`), and byte sizes (`1048576`, `64KiB`,
//! `10MB`).
//!
//! `humantime` was considered and left out: it rejects plain numbers (`0.5`) and fractions
//! with units (`1.5s`), the two forms this tool's users reach for first, so the few lines
//! below are the whole parser.
//!
//! ```
//! use std::time::Duration;
//! use fetcher::cli::units::{parse_duration, parse_size};
//! assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
//! assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
//! assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
//! assert!(parse_duration("soon").is_err());
//! assert_eq!(parse_size("64KiB"), Ok(65536));
//! ```

use std::time::Duration;

/// Parses `2`, `0.5`, `500ms`, `2s`, `1m`, `1h` (also `us`/`µs`). Surrounding spaces are
/// allowed; negative, non-finite and absurdly large values are rejected with a message that
/// says what is accepted.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (text, number, unit) = split_unit(text);
    let scale = match unit {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(invalid(text)),
    };
    let value: f64 = number.parse().map_err(|_| invalid(text))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| invalid(text))
}

/// Parses a byte count: plain bytes (`1024`) or with a unit, decimal (`k`/`kB`, `M`/`MB`,
/// `G`/`GB`) or binary (`KiB`, `MiB`, `GiB`); units are case-insensitive.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (text, number, unit) = split_unit(text);
    let scale: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "ki" | "kib" => 1024.0,
        "mi" | "mib" => 1024.0 * 1024.0,
        "gi" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(invalid_size(text)),
    };
    let value: f64 = number.parse().map_err(|_| invalid_size(text))?;
    let bytes = (value * scale).round();
    if bytes.is_finite() && bytes <= u64::MAX as f64 {
        Ok(bytes as u64)
    } else {
        Err(invalid_size(text))
    }
}

/// `" 1.5 kB "` → (`"1.5 kB"`, `"1.5"`, `"kB"`): the trimmed text, its leading number and the
/// unit after it.
fn split_unit(text: &str) -> (&str, &str, &str) {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    (text, number, unit.trim())
}

fn invalid_size(text: &str) -> String {
    format!("invalid size '{text}': use bytes (1048576) or a unit (64KiB, 10MB, 1GiB)")
}

fn invalid(text: &str) -> String {
    format!("invalid duration '{text}': use seconds (2, 0.5) or a unit (500ms, 2s, 1m)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_seconds() {
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration(" 10 "), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("3 s"), Ok(Duration::from_secs(3)));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64KiB"), Ok(65536));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("1.5k"), Ok(1500));
        assert_eq!(parse_size("1gib"), Ok(1 << 30));
        for bad in ["", "MB", "-1", "1x", "1e9"] {
            assert!(parse_size(bad).expect_err(bad).contains("64KiB"));
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "s", "-1", "1x", "1.2.3", "ms500", "inf", "NaN", "1e400", "1 m s",
        ] {
            let err = parse_duration(bad).expect_err(bad);
            assert!(err.contains("500ms"), "{err}");
        }
    }
}
