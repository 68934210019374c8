//! Numbers the way Python's `float()` reads them.
//!
//! The seed converts every item with `float(item)`: numbers as they are, booleans to
//! 1.0/0.0, and strings with surrounding white space, a sign, an exponent, `inf`/`nan`/
//! `infinity` in any case and `_` between digits (`"1_000"`). Rust's `str::parse::<f64>`
//! (an Eisel–Lemire parser, correctly rounded) accepts the same grammar except white space
//! and `_`, so [`parse_py_float`] tries it first; for streamed bytes [`parse_bytes`] uses
//! `fast-float2`, the same algorithm on bytes. Only when the fast path fails does the
//! slower Python-compatible path run — the common case allocates nothing.
//! Like Python, any Unicode decimal digit counts as its ASCII digit (`"١٢٣"` is 123).

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
    if !trimmed.is_ascii() {
        // Python first turns every Unicode decimal digit into its ASCII digit.
        let ascii: String = trimmed
            .chars()
            .map(|c| decimal_digit(c).map_or(c, |d| char::from(b'0' + d)))
            .collect();
        return if ascii.is_ascii() {
            parse_py_float(&ascii)
        } else {
            None
        };
    }
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

/// The first code point (digit zero) of every run of Unicode decimal digits (category
/// Nd), as Python 3.11's `unicodedata` (Unicode 14) lists them; each run is 0..=9.
const DIGIT_ZEROS: [u32; 65] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a non-ASCII Unicode decimal digit.
fn decimal_digit(c: char) -> Option<u8> {
    let code = u32::from(c);
    let i = DIGIT_ZEROS
        .partition_point(|&zero| zero <= code)
        .checked_sub(1)?;
    let offset = code - DIGIT_ZEROS[i];
    (offset < 10).then_some(offset as u8)
}

/// Parses one line of bytes: the fast path for streamed input. A plain decimal of up to
/// 15 digits (`-12.5`, `7`: most of a CSV's numbers) is read by [`plain_decimal`];
/// otherwise it trims ASCII white space, tries `fast-float2` (Eisel–Lemire on bytes, no
/// UTF-8 check; the same grammar as `str::parse::<f64>`), and falls back to
/// [`parse_py_float`] for the rest of Python's grammar (`_` separators, Unicode white
/// space).
#[inline(always)]
pub fn parse_bytes(line: &[u8]) -> Option<f64> {
    match plain_decimal(line) {
        Some(x) => Some(x),
        None => parse_general(line),
    }
}

/// [`parse_bytes`] past the plain decimals.
#[inline]
fn parse_general(line: &[u8]) -> Option<f64> {
    if let Ok(x) = fast_float2::parse::<f64, _>(line.trim_ascii()) {
        return Some(x);
    }
    parse_py_float(std::str::from_utf8(line).ok()?)
}

/// Powers of ten that are exact doubles.
const EXACT_POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal — an optional `-`, digits, and optionally `.` and digits, 15 digits at
/// most — correctly rounded, or `None` for anything else (the caller's general parser
/// reads it). Clinger's fast path: the digits as an integer `w < 10^15 < 2^53` and
/// `10^k` (`k ≤ 15`) are exact doubles, so the one division `w / 10^k` is the correctly
/// rounded value of the decimal.
///
/// ```
/// use dataproc::pyfloat::plain_decimal;
/// assert_eq!(plain_decimal(b"-4388.78"), Some(-4388.78));
/// assert_eq!(plain_decimal(b"818"), Some(818.0));
/// assert_eq!(plain_decimal(b"-0.0").map(f64::is_sign_negative), Some(true));
/// assert_eq!(plain_decimal(b"1e5"), None);
/// assert_eq!(plain_decimal(b" 1"), None);
/// assert_eq!(plain_decimal(b"1234567890.123456"), None); // 16 digits
/// ```
#[inline(always)]
pub fn plain_decimal(text: &[u8]) -> Option<f64> {
    // Branch-free sign: signs of real data are as good as random.
    let negative = text.first() == Some(&b'-');
    let body = &text[usize::from(negative)..];
    if body.is_empty() || body.len() > 16 {
        return None;
    }
    // One pass, one branch per byte: digits accumulate, the one `.` is noted.
    let (mut w, mut dot) = (0u64, usize::MAX);
    for (i, &b) in body.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            w = w * 10 + u64::from(d);
        } else if b == b'.' && dot == usize::MAX {
            dot = i;
        } else {
            return None;
        }
    }
    let (digits, scale) = match dot {
        usize::MAX => (body.len(), 0),
        // `5.` and `.5` are Python's too, but rare: left to the general parser.
        0 => return None,
        at if at + 1 == body.len() => return None,
        at => (body.len() - 1, body.len() - 1 - at),
    };
    if digits > 15 {
        return None;
    }
    let x = w as f64 / EXACT_POW10[scale];
    Some(f64::from_bits(x.to_bits() | u64::from(negative) << 63))
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

    proptest::proptest! {
        #[test]
        fn plain_decimals_equal_the_general_parse(
            int in 0u64..10_000_000_000,
            frac in 0u64..100_000_000,
            frac_digits in 0usize..9,
            negative: bool,
        ) {
            let sign = if negative { "-" } else { "" };
            let text = if frac_digits == 0 {
                format!("{sign}{int}")
            } else {
                let f = frac % 10u64.pow(frac_digits as u32);
                format!("{sign}{int}.{f:0frac_digits$}")
            };
            let want: f64 = text.parse().unwrap();
            let got = plain_decimal(text.as_bytes());
            if text.len() - usize::from(negative) - usize::from(frac_digits > 0) <= 15 {
                proptest::prop_assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{}", text);
            } else {
                proptest::prop_assert_eq!(got, None, "{}", text);
            }
            proptest::prop_assert_eq!(parse_bytes(text.as_bytes()).map(f64::to_bits), Some(want.to_bits()));
        }
    }

    #[test]
    fn what_is_not_a_plain_decimal_is_left_to_the_general_parser() {
        for text in [
            "", "-", ".", "5.", ".5", "+5", "1e3", "1_0", " 1", "1 ", "--1", "1.2.3", "0x1",
        ] {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text:?}");
        }
        assert_eq!(parse_bytes(b"5."), Some(5.0));
        assert_eq!(parse_bytes(b"0.1"), Some(0.1));
        assert_eq!(
            plain_decimal(b"999999999999999"),
            Some(999_999_999_999_999.0)
        );
        assert_eq!(plain_decimal(b"0.00000000000001"), Some(1e-14));
        assert_eq!(plain_decimal(b"0.000000000000001"), None);
    }

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
            // python3 -c "print(float('١٢٣'), float('１_０'), float(' ٣.٥e٢ '))"
            ("١٢٣", 123.0),
            ("１_０", 10.0),
            (" ٣.٥e٢ ", 350.0),
            ("\u{1D7D9}", 1.0),
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
            "١x", "²",
        ] {
            assert_eq!(parse_py_float(text), None, "{text:?}");
            assert_eq!(parse_bytes(text.as_bytes()), None, "{text:?}");
        }
    }

    proptest::proptest! {
        /// The byte fast path and the text path agree on float-like strings.
        #[test]
        fn fast_path_agrees_with_python_path(text in "[ 0-9._eE+-]{0,12}|[+-]?(inf|nan|infinity|INF|NaN)[ ]?") {
            let fast = parse_bytes(text.as_bytes()).map(f64::to_bits);
            let slow = parse_py_float(&text).map(f64::to_bits);
            proptest::prop_assert_eq!(fast, slow, "{:?}", text);
        }

        /// Shortest round-trip text of any double parses back to it.
        #[test]
        fn any_double_round_trips(bits in proptest::prelude::any::<u64>()) {
            let x = f64::from_bits(bits);
            let text = format!("{x:e}");
            let back = parse_bytes(text.as_bytes());
            proptest::prop_assert!(back.is_some_and(|b| b.to_bits() == bits || (b.is_nan() && x.is_nan())));
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
