//! Python-compatible text: `json.dumps(indent=2)` output and `repr()` of JSON-like values.
//!
//! The seed prints results with `json.dumps(..., indent=2)`. serde_json's pretty printer
//! has the same layout but writes floats differently (`1e-5` where Python writes `1e-05`,
//! `1e16` for `1e+16`) and keeps non-ASCII text as is where Python escapes it. The
//! [`PyFormatter`] closes both gaps, so the output reads byte for byte as the seed's.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Python's `repr(float)`: shortest round-trip digits, positional for exponents in
/// `-4..16`, otherwise `d.ddde+XX`.
///
/// ```
/// use dataproc::pyjson::py_float_repr;
/// assert_eq!(py_float_repr(121.0), "121.0");
/// assert_eq!(py_float_repr(1e-5), "1e-05");
/// assert_eq!(py_float_repr(1e16), "1e+16");
/// assert_eq!(py_float_repr(0.0001), "0.0001");
/// assert_eq!(py_float_repr(f64::NEG_INFINITY), "-inf");
/// ```
pub fn py_float_repr(x: f64) -> String {
    let mut out = String::with_capacity(24);
    if x.is_nan() {
        out.push_str("nan");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    } else {
        push_finite_repr(&mut out, x);
    }
    out
}

/// Python's `repr` of a finite float, from Rust's shortest round-trip digits (`{:e}`),
/// without allocating: a table's output writes several floats per group.
fn push_finite_repr(out: &mut String, x: f64) {
    let mut sci = StackText::default();
    let _ = write!(sci, "{x:e}");
    let sci = sci.as_str();
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mantissa = match mantissa.strip_prefix('-') {
        Some(m) => {
            out.push('-');
            m
        }
        None => mantissa,
    };
    // At most 17 significant digits; `{:e}` writes them as `d.ddd`.
    let mut digits = StackText::default();
    for c in mantissa.chars().filter(char::is_ascii_digit) {
        let _ = digits.write_char(c);
    }
    let digits = digits.as_str();
    let zeros = |out: &mut String, n: usize| out.extend(std::iter::repeat_n('0', n));
    if (-4..16).contains(&exp) {
        if let Ok(point) = usize::try_from(exp).map(|e| e + 1) {
            if digits.len() <= point {
                out.push_str(digits);
                zeros(out, point - digits.len());
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        } else {
            out.push_str("0.");
            zeros(out, (-exp - 1).unsigned_abs() as usize);
            out.push_str(digits);
        }
    } else {
        let (first, rest) = digits.split_at(digits.len().min(1));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// A short text on the stack (a float's `{:e}` is at most 24 bytes); what does not fit
/// is an error, never a panic.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Marks a JSON string that stands for a non-finite number (see [`float_value`]); a NUL
/// first, so no text read from a CSV or JSON input is taken for one in practice.
const NON_FINITE: &str = "\u{0}dataproc:non-finite:";

/// A float as a JSON value that keeps non-finite numbers: `Infinity`, `-Infinity` and
/// `NaN` are written bare by [`to_py_json`] and [`to_py_json_line`], as Python's `json`
/// writes them, never as `null` (which would read as a missing value).
///
/// ```
/// use dataproc::pyjson::{float_value, to_py_json_line};
/// let v = serde_json::json!({"sum": float_value(f64::INFINITY), "mean": float_value(2.5)});
/// assert_eq!(to_py_json_line(&v), r#"{"sum": Infinity, "mean": 2.5}"#);
/// ```
pub fn float_value(x: f64) -> Value {
    if x.is_finite() {
        Value::from(x)
    } else {
        Value::String(format!("{NON_FINITE}{}", py_json_float(x)))
    }
}

/// The `Infinity` / `-Infinity` / `NaN` a string made by [`float_value`] stands for.
pub fn non_finite_token(s: &str) -> Option<&str> {
    s.strip_prefix(NON_FINITE)
}

/// Python's `json` spelling of a float: `Infinity`, `-Infinity`, `NaN`, else `repr`.
pub fn py_json_float(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        py_float_repr(x)
    }
}

/// A serde_json formatter writing as Python's `json.dumps(indent=2)` does (or, made by
/// [`PyFormatter::line`], as `json.dumps()` does: one line, `", "` and `": "`).
#[derive(Debug)]
pub struct PyFormatter {
    pretty: PrettyFormatter<'static>,
    line: bool,
    /// The string being written, held until its end shows whether it is a non-finite mark.
    string: Option<Vec<u8>>,
}

impl Default for PyFormatter {
    fn default() -> Self {
        Self {
            pretty: PrettyFormatter::with_indent(b"  "),
            line: false,
            string: None,
        }
    }
}

impl PyFormatter {
    /// The one-line layout of Python's `json.dumps(value)`.
    pub fn line() -> Self {
        Self {
            line: true,
            ..Self::default()
        }
    }

    /// Where string text goes: the held string, or the writer.
    fn sink<'w, W: ?Sized + io::Write>(&'w mut self, writer: &'w mut W) -> Box<dyn io::Write + 'w> {
        match &mut self.string {
            Some(held) => Box::new(held),
            None => Box::new(writer),
        }
    }
}

impl Formatter for PyFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(py_float_repr(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut writer = self.sink(writer);
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
    fn begin_string<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.string = Some(vec![b'"']);
        Ok(())
    }
    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let mut held = self.string.take().unwrap_or_default();
        held.push(b'"');
        // serde_json escapes the mark's NUL as \u0000.
        let mark = format!("\"\\u0000{}", &NON_FINITE[1..]);
        match held
            .strip_prefix(mark.as_bytes())
            .and_then(|rest| rest.strip_suffix(b"\""))
        {
            Some(token) => writer.write_all(token),
            None => writer.write_all(&held),
        }
    }
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        let mut writer = self.sink(writer);
        serde_json::ser::CompactFormatter.write_char_escape(&mut writer, escape)
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.line {
            return w.write_all(b"[");
        }
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.line {
            return w.write_all(b"]");
        }
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.line {
            return w.write_all(if first { b"" } else { b", " });
        }
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.line {
            return Ok(());
        }
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.line {
            return w.write_all(b"{");
        }
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.line {
            return w.write_all(b"}");
        }
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.line {
            return w.write_all(if first { b"" } else { b", " });
        }
        self.pretty.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

/// `json.dumps(value, indent=2)` as Python writes it.
///
/// ```
/// use dataproc::pyjson::to_py_json;
/// let text = to_py_json(&serde_json::json!({"a": [1, 2.5e-7], "b": "é"}));
/// assert_eq!(text, "{\n  \"a\": [\n    1,\n    2.5e-07\n  ],\n  \"b\": \"\\u00e9\"\n}");
/// ```
pub fn to_py_json<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, PyFormatter::default())
}

/// `json.dumps(value)` as Python writes it: one line, `", "` between items, `": "` after
/// keys.
///
/// ```
/// use dataproc::pyjson::to_py_json_line;
/// assert_eq!(to_py_json_line(&serde_json::json!({"a": [1, 1e16]})), r#"{"a": [1, 1e+16]}"#);
/// ```
pub fn to_py_json_line<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, PyFormatter::line())
}

fn write_with<T: Serialize + ?Sized>(value: &T, formatter: PyFormatter) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a JSON-like value into memory cannot fail.
    if value.serialize(&mut ser).is_err() {
        return String::from("null");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Python's name for the type of a JSON-like value (`str`, `int`, `float`, `bool`,
/// `list`, `dict`, `NoneType`), as the seed's messages show it.
pub fn py_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `repr()` of a JSON-like value: `None`, `True`, `'text'`, `[1, 2]`, `{'k': 1}`.
///
/// ```
/// use dataproc::pyjson::py_repr;
/// assert_eq!(py_repr(&serde_json::json!({"invalid": "data"})), "{'invalid': 'data'}");
/// assert_eq!(py_repr(&serde_json::json!([null, true, 2.0])), "[None, True, 2.0]");
/// ```
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => py_float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) => py_str_repr(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text holds one and no double quote.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str()` of a JSON-like value: text as is, everything else as [`py_repr`].
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (30.25, "30.25"),
            (16.359_191_500_209_43, "16.35919150020943"),
            (1e15, "1000000000000000.0"),
            (1.5e16, "1.5e+16"),
            (1e308, "1e+308"),
            (5e-324, "5e-324"),
            (0.001, "0.001"),
            (0.5, "0.5"),
            (-0.25, "-0.25"),
            (0.0001, "0.0001"),
            (1e-5, "1e-05"),
            (1.25e-5, "1.25e-05"),
            (123_456_789.125, "123456789.125"),
        ];
        for (x, want) in cases {
            assert_eq!(py_float_repr(x), want, "{x:e}");
        }
    }

    /// The implementation before [`push_finite_repr`], which allocated its way through.
    fn repr_by_strings(x: f64) -> String {
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (sign, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => ("-", m),
            None => ("", mantissa),
        };
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        if (-4..16).contains(&exp) {
            if exp >= 0 {
                let point = exp as usize + 1;
                if digits.len() <= point {
                    format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()))
                } else {
                    format!("{sign}{}.{}", &digits[..point], &digits[point..])
                }
            } else {
                format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
            }
        } else {
            let rest = &digits[1..];
            let dot = if rest.is_empty() { "" } else { "." };
            let esign = if exp < 0 { '-' } else { '+' };
            format!("{sign}{}{dot}{rest}e{esign}{:02}", &digits[..1], exp.abs())
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn float_repr_is_the_string_built_one(
            x in proptest::prop_oneof![
                proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
                -1e17f64..1e17,
                -1e-3f64..1e-3,
                -2f64..2.0,
                proptest::strategy::Strategy::prop_map(0i64..1_000_000, |n| n as f64),
            ]
        ) {
            proptest::prop_assert_eq!(py_float_repr(x), repr_by_strings(x));
        }
    }

    #[test]
    fn astral_characters_escape_as_surrogate_pairs() {
        assert_eq!(to_py_json("😀"), "\"\\ud83d\\ude00\"");
    }

    #[test]
    fn str_repr_picks_quotes_as_python() {
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a\"b'c"), "'a\"b\\'c'");
    }
}
