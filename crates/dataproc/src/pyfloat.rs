//! Numbers the way Python's `float()` reads them.
//!
//! The seed converts every item with `float(item)`: numbers as they are, booleans to
//! 1.0/0.0, and strings with surrounding white space, a sign, an exponent, `inf`/`nan`/
//! `infinity` in any case and `_` between digits (`"1_000"`). Rust's `str::parse::<f64>`
//! (an Eisel–Lemire parser, correctly rounded) accepts the same grammar except white space
//! and `_`, so [`parse_bytes`] tries it first and only falls back to the slower
//! [`parse_py_float`] when it fails — the common case allocates nothing.
//!
//! Not covered: non-ASCII decimal digits (Python accepts `"١٢"`); they are refused.

use serde_json::Value;

use crate::pyjson::{py_str, py_str_repr, py_type_name};

/// Python's white space for `float()`: Unicode white space plus the ASCII separators
/// U+001C..U+001F that `str.strip()` also removes.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Parses text as Python's `float()` does; `None` where Python raises `ValueError`.
///
/// ```
/// use dataproc::pyfloat::parse_py_float;
/// assert_eq!(parse_py_float(" 1_000.5\n"), Some(1000.5));
/// assert_eq!(parse_py_float("-InFiNiTy"), Some(f64::NEG_INFINITY));
/// assert_eq!(parse_py_float("1__0"), None);
/// assert_eq!(parse_py_float("_1"), None);
/// assert_eq!(parse_py_float("invalid"), None);
/// ```
pub fn parse_py_float(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches(is_py_space);
    if let Ok(x) = trimmed.parse::<f64>() {
        return Some(x);
    }
    if !trimmed.contains('_') {
        return None;
    }
    let bytes = trimmed.as_bytes();
    let mut cleaned = String::with_capacity(trimmed.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            cleaned.push(char::from(b));
        }
    }
    cleaned.parse::<f64>().ok()
}

/// Parses one line of bytes: the fast path for streamed input. Trims ASCII white space,
/// tries the standard parser, and falls back to [`parse_py_float`].
#[inline]
pub fn parse_bytes(line: &[u8]) -> Option<f64> {
    let trimmed = line.trim_ascii();
    if let Ok(text) = std::str::from_utf8(trimmed)
        && let Ok(x) = text.parse::<f64>()
    {
        return Some(x);
    }
    parse_py_float(std::str::from_utf8(line).ok()?)
}

/// The reason Python's `float()` gives for refusing text.
pub fn string_reason(text: &str) -> String {
    format!("could not convert string to float: {}", py_str_repr(text))
}

/// Converts a JSON-like item as Python's `float(item)` does.
///
/// # Errors
/// The seed's message "Cannot Convert {item} to numeric: {reason}" with Python's reason.
///
/// ```
/// use dataproc::pyfloat::value_to_f64;
/// use serde_json::json;
/// assert_eq!(value_to_f64(&json!(" 2.5 ")), Ok(2.5));
/// assert_eq!(value_to_f64(&json!(true)), Ok(1.0));
/// assert_eq!(
///     value_to_f64(&json!(null)).unwrap_err(),
///     "Cannot Convert None to numeric: float() argument must be a string or a real number, not 'NoneType'"
/// );
/// ```
pub fn value_to_f64(item: &Value) -> Result<f64, String> {
    match item {
        Value::Number(n) => n.as_f64().ok_or_else(|| {
            format!("Cannot Convert {n} to numeric: int too large to convert to float")
        }),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => parse_py_float(s)
            .ok_or_else(|| format!("Cannot Convert {s} to numeric: {}", string_reason(s))),
        other => Err(format!(
            "Cannot Convert {} to numeric: float() argument must be a string or a real number, not '{}'",
            py_str(other),
            py_type_name(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_grammar_is_accepted() {
        let ok = [
            ("42", 42.0),
            ("  -3.5e2 ", -350.0),
            ("+.5", 0.5),
            ("1.", 1.0),
            ("1_0.2_5", 10.25),
            ("1e1_0", 1e10),
            ("\u{a0}7\u{2003}", 7.0),
            ("\u{1c}8", 8.0),
            ("nan", f64::NAN),
            ("-Infinity", f64::NEG_INFINITY),
            ("INF", f64::INFINITY),
        ];
        for (text, want) in ok {
            let got = parse_py_float(text);
            assert!(
                got.is_some_and(|g| g == want || (g.is_nan() && want.is_nan())),
                "{text:?} -> {got:?}"
            );
            assert_eq!(
                parse_bytes(text.as_bytes()).map(f64::to_bits),
                got.map(f64::to_bits)
            );
        }
    }

    #[test]
    fn python_refusals_are_refused() {
        for text in [
            "", " ", "1_", "1__0", "_1", "1._5", "1_.5", "0x10", "1e", "abc", "1 2", "infinit",
        ] {
            assert_eq!(parse_py_float(text), None, "{text:?}");
            assert_eq!(parse_bytes(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn string_reason_quotes_as_python() {
        assert_eq!(
            value_to_f64(&Value::from("invalid")).unwrap_err(),
            "Cannot Convert invalid to numeric: could not convert string to float: 'invalid'"
        );
    }
}
