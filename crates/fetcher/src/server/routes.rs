//! The httpbin paths the seed's example and tests use.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, Uri, Version, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{any, get, post};
use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use serde_json::{Value, json};

use super::ServerState;

/// Longest `/delay` (as httpbin).
const MAX_DELAY_SECS: f64 = 10.0;
/// Largest `/bytes` body.
const MAX_BYTES: usize = 100 * 1024 * 1024;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route("/status/{code}", any(status))
        .route("/delay/{secs}", any(delay))
        .route("/json", get(slideshow))
        .route("/get", get(echo_get))
        .route("/post", post(echo_post))
        .route("/user-agent", get(user_agent))
        .route("/bytes/{n}", get(bytes))
        .route("/redirect/{n}", get(redirect))
        .route("/redirect-to", any(redirect_to))
        .route("/gzip", get(gzip))
        .route("/deflate", get(deflate))
}

async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(code) => code.into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "invalid status code").into_response(),
    }
}

async fn delay(
    Path(secs): Path<f64>,
    version: Version,
    uri: Uri,
    headers: HeaderMap,
    Query(args): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    let secs = if secs.is_finite() {
        secs.clamp(0.0, MAX_DELAY_SECS)
    } else {
        0.0
    };
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    Json(echo(version, &uri, &headers, &args))
}

async fn slideshow() -> Json<Value> {
    Json(json!({
        "slideshow": {
            "author": "Yours Truly",
            "date": "date of publication",
            "slides": [
                {"title": "Wake up to WonderWidgets!", "type": "all"},
                {
                    "items": ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"],
                    "title": "Overview",
                    "type": "all"
                }
            ],
            "title": "Sample Slide Show"
        }
    }))
}

/// httpbin's echo of a request: query arguments, headers, URL; plus the HTTP version
/// (`protocol`), which httpbin does not report.
pub(super) fn echo(
    version: Version,
    uri: &Uri,
    headers: &HeaderMap,
    args: &BTreeMap<String, String>,
) -> Value {
    let headers: BTreeMap<&str, String> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let host = headers.get("host").cloned().unwrap_or_default();
    json!({
        "args": args,
        "headers": headers,
        "origin": "127.0.0.1",
        "protocol": format!("{version:?}"),
        "url": format!("http://{host}{uri}"),
    })
}

async fn echo_get(
    version: Version,
    uri: Uri,
    headers: HeaderMap,
    Query(args): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    Json(echo(version, &uri, &headers, &args))
}

async fn echo_post(
    version: Version,
    uri: Uri,
    headers: HeaderMap,
    Query(args): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Json<Value> {
    let mut value = echo(version, &uri, &headers, &args);
    value["data"] = Value::String(String::from_utf8_lossy(&body).into_owned());
    value["json"] = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Json(value)
}

/// httpbin's `/user-agent`: `{"user-agent": ..}`, the request's header (empty if none).
async fn user_agent(headers: HeaderMap) -> Json<Value> {
    let agent = headers
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    Json(json!({ "user-agent": agent }))
}

async fn bytes(Path(n): Path<usize>) -> Response {
    if n > MAX_BYTES {
        return (
            StatusCode::BAD_REQUEST,
            format!("at most {MAX_BYTES} bytes"),
        )
            .into_response();
    }
    let mut rng = fastrand::Rng::new();
    let body: Vec<u8> = std::iter::repeat_with(|| rng.u8(..)).take(n).collect();
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

async fn redirect(Path(n): Path<u32>) -> Redirect {
    if n <= 1 {
        Redirect::to("/get")
    } else {
        Redirect::to(&format!("/redirect/{}", n - 1))
    }
}

/// httpbin's `/redirect-to?url=U&status_code=N`: any method, `N` (302 by default, any
/// 3xx) to `U`, as given (relative or absolute).
async fn redirect_to(Query(args): Query<BTreeMap<String, String>>) -> Response {
    let status = args
        .get("status_code")
        .and_then(|code| code.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .filter(StatusCode::is_redirection)
        .unwrap_or(StatusCode::FOUND);
    match args.get("url") {
        Some(url) => (status, [(header::LOCATION, url.as_str())]).into_response(),
        None => (StatusCode::BAD_REQUEST, "?url= is missing").into_response(),
    }
}

async fn gzip(version: Version, uri: Uri, headers: HeaderMap) -> Response {
    compressed(version, &uri, &headers, "gzip")
}

/// `text` through `encoder`, then `finish`ed.
fn compress<E: Write>(
    mut encoder: E,
    text: &str,
    finish: impl FnOnce(E) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<Vec<u8>> {
    encoder.write_all(text.as_bytes())?;
    finish(encoder)
}

async fn deflate(version: Version, uri: Uri, headers: HeaderMap) -> Response {
    compressed(version, &uri, &headers, "deflate")
}

/// httpbin's `/gzip` and `/deflate`: the echo plus `{"gzipped"|"deflated": true}`,
/// compressed with that encoding; `/deflate?raw=1` sends the deflate stream without its
/// zlib wrapper, as some servers do.
fn compressed(version: Version, uri: &Uri, headers: &HeaderMap, encoding: &str) -> Response {
    let mut value = echo(version, uri, headers, &BTreeMap::new());
    value["method"] = Value::String("GET".into());
    let flag = if encoding == "gzip" {
        "gzipped"
    } else {
        "deflated"
    };
    value[flag] = Value::Bool(true);
    let text = value.to_string();
    let level = Compression::default();
    let body = if encoding == "gzip" {
        compress(GzEncoder::new(Vec::new(), level), &text, GzEncoder::finish)
    } else if uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "raw=1"))
    {
        compress(
            DeflateEncoder::new(Vec::new(), level),
            &text,
            DeflateEncoder::finish,
        )
    } else {
        compress(
            ZlibEncoder::new(Vec::new(), level),
            &text,
            ZlibEncoder::finish,
        )
    };
    match body {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::CONTENT_ENCODING, encoding.to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
