//! httpbin's paths for what a client sends and keeps beyond a plain GET: any method with
//! any body (`/anything`), cookies (`/cookies`, `/cookies/set`), and headers a test picks
//! (`/response-headers`), and an upload sink (`/discard`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Query;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, Version, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get};
use futures::StreamExt;
use serde_json::{Value, json};

use super::ServerState;
use super::routes::echo;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route("/anything", any(anything))
        .route("/anything/{*rest}", any(anything))
        .route("/cookies", get(cookies))
        .route("/cookies/set", get(set_cookies))
        .route("/response-headers", get(response_headers))
        .route("/discard", any(discard))
}

/// Reads the body as it arrives, keeping none of it, and answers `{"bytes": n}`: an upload
/// target whose memory does not grow with the upload.
async fn discard(body: Body) -> Response {
    let mut stream = body.into_data_stream();
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => bytes += chunk.len() as u64,
            Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        }
    }
    Json(json!({ "bytes": bytes })).into_response()
}

/// The query as ordered pairs (a repeated name kept repeated).
fn pairs(uri: &Uri) -> Vec<(String, String)> {
    let query = uri.query().unwrap_or_default();
    url::Url::parse(&format!("http://q/?{query}"))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

async fn anything(
    method: Method,
    version: Version,
    uri: Uri,
    headers: HeaderMap,
    Query(args): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Json<Value> {
    let mut value = echo(version, &uri, &headers, &args);
    value["method"] = Value::String(method.to_string());
    value["bytes"] = json!(body.len());
    value["data"] = Value::String(String::from_utf8_lossy(&body).into_owned());
    let urlencoded = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    value["form"] = if urlencoded {
        let text = String::from_utf8_lossy(&body);
        let form: BTreeMap<String, String> = url::Url::parse(&format!("http://q/?{text}"))
            .map(|url| url.query_pairs().into_owned().collect())
            .unwrap_or_default();
        json!(form)
    } else {
        json!({})
    };
    Json(value)
}

async fn cookies(headers: HeaderMap) -> Json<Value> {
    let mut jar = BTreeMap::new();
    for value in headers.get_all(header::COOKIE) {
        for pair in String::from_utf8_lossy(value.as_bytes()).split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }
    Json(json!({ "cookies": jar }))
}

async fn set_cookies(uri: Uri) -> Response {
    let mut response = (StatusCode::FOUND, [(header::LOCATION, "/cookies")]).into_response();
    for (name, value) in pairs(&uri) {
        if let Ok(cookie) = HeaderValue::from_str(&format!("{name}={value}; Path=/")) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

async fn response_headers(uri: Uri) -> Response {
    let pairs = pairs(&uri);
    let mut response = Json(json!(pairs)).into_response();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
