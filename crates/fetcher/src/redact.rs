//! Secrets kept out of records and logs: the password of a URL (`http://user:secret@host/`)
//! and the values of `Authorization` and `Proxy-Authorization` headers. The request itself
//! still carries them; only what is shown is redacted, to `***` (an authorization keeps its
//! scheme, `Basic ***`, as curl's verbose output does).
//!
//! ```
//! use fetcher::redact;
//! assert_eq!(redact::url("http://ann:pw@h:8/p?q"), "http://ann:***@h:8/p?q");
//! assert_eq!(redact::url("http://h/p"), "http://h/p");
//! assert_eq!(redact::header_value("authorization", "Bearer abc"), "Bearer ***");
//! assert_eq!(redact::header_value("x-trace", "42"), "42");
//! ```

use std::borrow::Cow;

use reqwest::Url;

/// What replaces a secret.
pub const MASK: &str = "***";

/// `text` with the password of its user-info replaced by [`MASK`]; unchanged (and not
/// copied) when it has none or is not a URL.
pub fn url(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    match Url::parse(text) {
        Ok(mut parsed) if parsed.password().is_some() => {
            if parsed.set_password(Some(MASK)).is_ok() {
                Cow::Owned(parsed.into())
            } else {
                Cow::Borrowed(text)
            }
        }
        _ => Cow::Borrowed(text),
    }
}

/// Whether a header's value is a credential.
pub fn is_secret_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization")
}

/// A header value as it may be shown: a credential keeps only its scheme.
pub fn header_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if !is_secret_header(name) {
        return Cow::Borrowed(value);
    }
    match value.trim().split_once(' ') {
        Some((scheme, _)) => Cow::Owned(format!("{scheme} {MASK}")),
        None => Cow::Borrowed(MASK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_passwords_are_masked() {
        assert_eq!(url("https://u@h/"), "https://u@h/");
        assert_eq!(url("http://u:p@h/a@b"), "http://u:***@h/a@b");
        assert_eq!(url("not a url @ all"), "not a url @ all");
        assert_eq!(header_value("Proxy-Authorization", "token"), "***");
    }
}
