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

/// What replaces a secret.
pub const MASK: &str = "***";

/// `text` with the password of its user-info (`scheme://user:password@`) replaced by
/// [`MASK`]; unchanged (and not copied) when it has none. It works on the text, so a URL
/// that does not parse is redacted too, and nothing else of it is normalized.
pub fn url(text: &str) -> Cow<'_, str> {
    // Most URLs have no user-info at all: one byte scan decides (this runs for every
    // request, and the searches below cost ten times more).
    if !text.as_bytes().contains(&b'@') {
        return Cow::Borrowed(text);
    }
    let Some(start) = text.find("://").map(|at| at + 3) else {
        return Cow::Borrowed(text);
    };
    let rest = &text[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return Cow::Borrowed(text);
    };
    let Some(colon) = authority[..at].find(':') else {
        return Cow::Borrowed(text);
    };
    let (password_start, password_end) = (start + colon + 1, start + at);
    Cow::Owned(format!(
        "{}{MASK}{}",
        &text[..password_start],
        &text[password_end..]
    ))
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
        assert_eq!(url("http://u:p@[::1"), "http://u:***@[::1");
        assert_eq!(url("http://h/?next=a:b@c"), "http://h/?next=a:b@c");
        assert_eq!(header_value("Proxy-Authorization", "token"), "***");
    }
}
