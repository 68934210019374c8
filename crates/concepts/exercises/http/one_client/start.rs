//! Exercise — HTTP basics: one shared client, not a client per request.
//!
//! This `Api` works, wastefully: every `get_json` builds a new `reqwest::Client`, so every
//! request opens a new TCP connection (and would redo a TLS handshake). The check sends three
//! requests one after another through a connection-counting server and expects **one**
//! connection. Build the client once, in `Api::new`, and reuse it (a `reqwest::Client` is a
//! pool: cloning it shares the pool). There is no `todo!()` here: change the code.

/// A small API client for one server.
#[derive(Debug)]
pub struct Api {}

impl Api {
    /// A client with the chapter's defaults (`concepts::http::client_builder()`).
    ///
    /// # Errors
    /// The client could not be built.
    pub fn new() -> Result<Self, reqwest::Error> {
        Ok(Self {})
    }

    /// GET `url`; a status of 400 or more is an error; the body as JSON.
    ///
    /// # Errors
    /// The request, the status or the body's error.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, reqwest::Error> {
        let client = concepts::http::client_builder().build()?;
        client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}
