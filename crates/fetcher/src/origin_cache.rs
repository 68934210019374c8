//! Parsing request URLs, reusing the parse of the last origin: a batch's URLs mostly share
//! a few `scheme://host:port`, and the `url` crate spends half of a URL's parse (~3k of
//! ~5.6k instructions, callgrind) on its host (IDNA mapping, IPv4 parsing and printing).
//!
//! When a URL is `http://` or `https://`, then an authority of plain characters (letters,
//! digits, `.`, `-`, `:`), then a path starting with one `/`, and its origin is the one the
//! thread parsed last, the rest is parsed relative to that origin's [`Url`]
//! ([`Url::join`]: a path-absolute reference keeps scheme, host and port and parses path,
//! query and fragment exactly as a whole parse would). Anything else (credentials, `%`,
//! brackets, backslashes, spaces or controls anywhere) takes the whole parse. A property
//! test checks both give the same URL.

use std::cell::RefCell;

use url::{ParseError, Url};

thread_local! {
    /// The last origin parsed on this thread: its text (`http://host:port`) and its URL.
    static LAST: RefCell<Option<(String, Url)>> = const { RefCell::new(None) };
}

/// [`Url::parse`], faster for a URL whose origin the thread parsed just before.
pub(crate) fn parse(raw: &str) -> Result<Url, ParseError> {
    let Some(split) = origin_end(raw) else {
        return Url::parse(raw);
    };
    let (origin, rest) = raw.split_at(split);
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((text, base)) = last.as_ref()
            && text == origin
        {
            return base.join(rest);
        }
        let url = Url::parse(raw)?;
        if let Ok(base) = Url::parse(origin) {
            *last = Some((origin.to_owned(), base));
        }
        Ok(url)
    })
}

/// Where the path of `raw` starts, when `raw` is a URL the relative parse may take: an
/// `http`/`https` scheme in lower case, an authority of plain characters, then `/` not
/// followed by `/`, and nothing the parser would strip or treat specially (whitespace,
/// controls, backslashes).
fn origin_end(raw: &str) -> Option<usize> {
    let after_scheme = if raw.starts_with("http://") {
        7
    } else if raw.starts_with("https://") {
        8
    } else {
        return None;
    };
    let bytes = raw.as_bytes();
    let authority = bytes[after_scheme..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':')))?;
    let split = after_scheme + authority;
    let plain = |b: &u8| b.is_ascii_graphic() && *b != b'\\';
    (authority > 0
        && bytes[split] == b'/'
        && bytes.get(split + 1) != Some(&b'/')
        && bytes[split..].iter().all(plain))
    .then_some(split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_plain_origins_take_the_relative_parse() {
        assert_eq!(origin_end("http://127.0.0.1:80/a"), Some(19));
        assert_eq!(origin_end("https://example.com/"), Some(19));
        for whole in [
            "http://u:p@h/a",
            "http://[::1]/",
            "http://h",
            "http://h?q",
            "http://h//a",
            "http://h/a b",
            "http://h/a\\b",
            "ftp://h/",
            "HTTP://h/",
            "http:///a",
        ] {
            assert_eq!(origin_end(whole), None, "{whole}");
        }
    }

    #[test]
    fn a_repeated_origin_gives_the_same_urls() {
        for raw in [
            "http://127.0.0.1:8080/a?x=1#f",
            "http://127.0.0.1:8080/b/../c/./d?",
            "http://127.0.0.1:8080/%7e?%20",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:80/e",
            "http://Example.COM.:080/f",
            "http://0x7f.1/g",
            "http://h:99999/i",
        ] {
            assert_eq!(parse(raw), Url::parse(raw), "{raw}");
            assert_eq!(parse(raw), Url::parse(raw), "{raw}, again");
        }
    }

    proptest! {
        #[test]
        fn the_relative_parse_is_the_whole_parse(
            scheme in prop::sample::select(vec!["http", "https"]),
            host in "[a-zA-Z0-9.-]{1,12}|[0-9]{1,3}(\\.[0-9]{1,3}){0,3}|0x[0-9a-f]{1,4}",
            port in prop::option::of("[0-9]{0,6}"),
            paths in prop::collection::vec("/[a-zA-Z0-9._~!$&'()*+,;=:@%?#/-]{0,12}", 1..3),
        ) {
            let origin = match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            };
            for path in &paths {
                let raw = format!("{origin}{path}");
                prop_assert_eq!(parse(&raw), Url::parse(&raw), "{}", raw);
            }
        }
    }
}
